\echo Use "ALTER EXTENSION rectify UPDATE TO '0.7'" to load this file. \quit
-- ===========================================================================
-- rectify 0.7: the daily run and the scorecards at national scale, and
-- measures done by the units that carry them out.
--
-- Sections 1-3 change no result; they make work proportional to what
-- changed (issue 8, README "Performance"):
--   1. escalate(asof) decides every step in one query and writes them with
--      one UPDATE, one INSERT and one payload query, instead of a dozen
--      statements per item;
--   2. the items_audit trigger and the three guards fire only when a column
--      they look at changed, and escalate() sets the next escalation date
--      it has computed instead of having a trigger recompute it per row;
--   3. the scoring context is one row the planner can see as one row, and
--      the escalation history of the scorecards is aggregated in one pass
--      over rectify.events instead of one probe per item.
-- Section 4 fixes an administrator's escalation_policy changes (42501);
-- section 5 adds complete_measure() for officers of a primary unit;
-- section 6 lets an administrator run escalate() and change the office's
-- settings and scoring weights.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- 1. escalate(asof), set-based.
--
-- The same decisions as 0.3's loop, in the same order (item_id), with the
-- same locks: the candidate rows are locked FOR UPDATE in item order and,
-- under READ COMMITTED, a row changed meanwhile is re-read and rechecked.
-- The steps of a chunk of candidates are kept in arrays between the
-- statements, so each statement touches exactly the items that change.
-- ---------------------------------------------------------------------------

-- The date an item's level can next rise by days overdue, defined once for
-- escalation_next_change() (every change of an item) and escalate() (the
-- items it raises).
CREATE FUNCTION rectify.next_threshold_date(due date, category text, source text,
                                            above rectify.escalation_level)
  RETURNS date
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT next_threshold_date.due + min(t.min_days_overdue)
    FROM rectify.escalation_thresholds(next_threshold_date.category, next_threshold_date.source) t
   WHERE t.level > next_threshold_date.above;
END;
COMMENT ON FUNCTION rectify.next_threshold_date(date, text, text, rectify.escalation_level) IS
  'internal: due plus the smallest threshold (days overdue) of a level above the given one for items of this category and source; NULL if none';

CREATE OR REPLACE FUNCTION rectify.escalation_next_change(it rectify.items)
  RETURNS date
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  nxt date;
BEGIN
  IF it.completed_on IS NOT NULL OR it.due_date IS NULL THEN
    RETURN NULL;
  END IF;
  nxt := rectify.next_threshold_date(it.due_date, it.category, it.source, it.escalation_level);
  IF it.escalation_level < 'notice' THEN
    nxt := least(nxt, rectify.lag_date(it));
  END IF;
  RETURN nxt;
END $$;

-- The notification payload is defined once, in these two helpers, for
-- escalation_payload() (one item, cutting the unit list to fit) and
-- escalate() (every step of a run at once).
CREATE FUNCTION rectify.primary_unit_names(item bigint) RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(array_agg(u.name ORDER BY r.seq, u.name), '{}')
    FROM rectify.responsibilities r JOIN rectify.units u USING (unit_id)
   WHERE r.item_id = primary_unit_names.item AND r.role = 'primary';
END;
COMMENT ON FUNCTION rectify.primary_unit_names(bigint) IS
  'internal: the names of an item''s primary responsible units, in their order';

CREATE FUNCTION rectify.escalation_payload_json(item bigint, code text, region rectify.region,
                                                units text[], units_omitted integer,
                                                from_level rectify.escalation_level,
                                                to_level rectify.escalation_level,
                                                days_overdue integer, asof date, manual boolean)
  RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT pg_catalog.row_to_json(p)::text
          FROM (SELECT item AS item_id,
                       CASE WHEN pg_catalog.octet_length(code) > 200
                            THEN pg_catalog.left(code, 60) || '…' ELSE code END AS code,
                       region::text AS region, units AS units, units_omitted AS units_omitted,
                       from_level AS "from", to_level AS "to", days_overdue AS days_overdue,
                       asof AS asof, manual AS manual) AS p);
COMMENT ON FUNCTION rectify.escalation_payload_json(bigint, text, rectify.region, text[], integer, rectify.escalation_level, rectify.escalation_level, integer, date, boolean) IS
  'internal: the JSON text of one escalation step as sent on rectify_escalation (an overlong code cut to 60 characters)';

-- As in 0.3, through the helpers.
CREATE OR REPLACE FUNCTION rectify.escalation_payload(item bigint, from_level rectify.escalation_level,
                                                      to_level rectify.escalation_level,
                                                      days_overdue integer, asof date,
                                                      manual boolean DEFAULT false)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  limit_bytes constant integer := 2000;
  it rectify.items;
  units text[] := rectify.primary_unit_names(item);
  n integer := cardinality(units);
  payload text;
BEGIN
  SELECT * INTO it FROM rectify.items i WHERE i.item_id = item;
  LOOP
    payload := rectify.escalation_payload_json(item, it.code, it.region, units[1:n],
                                               cardinality(units) - n, from_level, to_level,
                                               days_overdue, asof, manual);
    EXIT WHEN octet_length(payload) <= limit_bytes OR n = 0;
    n := n - 1;
  END LOOP;
  RETURN payload;
END $$;

CREATE OR REPLACE FUNCTION rectify.escalate(asof date DEFAULT rectify.today())
  RETURNS TABLE (item_id bigint, code text, from_level rectify.escalation_level,
                 to_level rectify.escalation_level, days_overdue integer, reason text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp SET rectify.in_api = 'on' AS $$
#variable_conflict use_column
DECLARE
  chunk constant integer := 10000;
  lag_limit numeric;
  candidates bigint[];
  first integer := 1;
  ids bigint[];
  codes text[];
  froms rectify.escalation_level[];
  tos rectify.escalation_level[];
  day_counts integer[];
  nexts date[];
  whys text[];
  payloads text[];
  payload text;
BEGIN
  -- It runs as the owner (0.7), so that an administrator can run it; the
  -- pg_cron jobs run as a superuser, who passes this check too.
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may run rectify.escalate()');
  END IF;
  IF asof IS NULL OR NOT isfinite(asof) THEN
    RAISE EXCEPTION 'escalation date must be a finite date, not %', coalesce(asof::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a date such as 2022-06-20, or omit it for rectify.today().';
  END IF;
  -- Under REPEATABLE READ or SERIALIZABLE the snapshot would predate the
  -- advisory lock below, and the run could act on what a concurrent run
  -- already did.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'rectify.escalate() cannot run at isolation level %', upper(current_setting('transaction_isolation'))
      USING ERRCODE = 'invalid_transaction_state',
            DETAIL = 'Its snapshot would predate the lock that keeps two runs apart.',
            HINT = 'Run it in a READ COMMITTED transaction (the default): BEGIN ISOLATION LEVEL READ COMMITTED.';
  END IF;
  -- One run at a time (a pg_cron job and a DBA's manual run): the second
  -- waits, then sees what the first committed.
  PERFORM pg_advisory_xact_lock(8243104044607240449);
  SELECT o.lag_threshold INTO lag_limit FROM rectify.office o;

  -- Only items whose date has come (items_escalation_next_idx).  They are
  -- handled in chunks, in item order, so that the arrays below stay small
  -- however many items a first run on a large ledger finds.
  SELECT array_agg(i.item_id ORDER BY i.item_id) INTO candidates
    FROM rectify.items i
   WHERE i.escalation_next <= asof AND i.assigned <= asof;

  WHILE first <= coalesce(cardinality(candidates), 0) LOOP
    -- Decide: lock the chunk's items in item order and recheck the
    -- condition on the row as locked (READ COMMITTED: a row changed since
    -- is re-read).  by_days is the highest level whose threshold the days
    -- overdue reach; a lagging item below notice goes to notice.
    WITH due AS (
      SELECT i.item_id, i.code, i.category, i.source, i.escalation_level, i.due_date,
             i.assigned, i.progress, i.completed_on
        FROM rectify.items i
       WHERE i.item_id = ANY (candidates[first:first + chunk - 1])
         AND i.escalation_next <= asof AND i.assigned <= asof
       ORDER BY i.item_id
         FOR UPDATE),
    judged AS (
      SELECT d.*, coalesce(t.level, 'none') AS by_days, t.min_days_overdue AS threshold, t.scope,
             rectify.due_progress(d.due_date, d.assigned, asof) AS expected
        FROM (SELECT d.*, CASE WHEN d.due_date IS NULL THEN 0 ELSE greatest(asof - d.due_date, 0) END AS days
                FROM due d
               WHERE d.completed_on IS NULL) d     -- never: completion clears the date
        LEFT JOIN LATERAL (
          SELECT t.level, t.min_days_overdue, t.scope
            FROM rectify.escalation_thresholds(d.category, d.source) t
           WHERE t.min_days_overdue <= d.days
           ORDER BY t.level DESC LIMIT 1) t ON true),
    decided AS (
      SELECT j.*, (j.by_days < 'notice' AND coalesce(j.expected - j.progress >= lag_limit, false)) AS lagging
        FROM judged j)
    SELECT array_agg(s.item_id ORDER BY s.item_id),
           array_agg(s.code ORDER BY s.item_id),
           array_agg(s.escalation_level ORDER BY s.item_id),
           array_agg(s.new_level ORDER BY s.item_id),
           array_agg(s.days ORDER BY s.item_id),
           -- the next date the level can rise: as escalation_next_change()
           -- computes it for an item at notice or above (no lag date)
           array_agg(rectify.next_threshold_date(s.due_date, s.category, s.source, s.new_level)
                     ORDER BY s.item_id),
           array_agg(CASE WHEN s.lagging
                          THEN format('lagging: progress %s is %s behind 序时进度 %s (threshold %s)',
                                      s.progress, s.expected - s.progress, s.expected, lag_limit)
                          ELSE format('%s day%s overdue: %s (%s) from %s day%s (%s)',
                                      s.days, CASE WHEN s.days = 1 THEN '' ELSE 's' END, s.by_days,
                                      l.name_zh, s.threshold,
                                      CASE WHEN s.threshold = 1 THEN '' ELSE 's' END, s.scope) END
                     ORDER BY s.item_id)
      INTO ids, codes, froms, tos, day_counts, nexts, whys
      FROM (SELECT d.*, CASE WHEN d.lagging THEN 'notice' ELSE d.by_days END::rectify.escalation_level AS new_level
              FROM decided d) s
      JOIN rectify.escalation_ladder l ON l.level = s.by_days
     WHERE s.new_level > s.escalation_level;

    first := first + chunk;
    CONTINUE WHEN ids IS NULL;

    -- Setting escalation_next with escalated_on spares the trigger
    -- items_track_escalation its per-row recomputation (see below).
    UPDATE rectify.items i SET escalation_level = s.to_level, escalated_on = asof,
                               escalation_next = s.next_at
      FROM unnest(ids, tos, nexts) AS s(item_id, to_level, next_at)
     WHERE i.item_id = s.item_id;
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, days_overdue)
      SELECT s.item_id, asof, 'escalated', s.from_level::text, s.to_level::text, s.why, s.days
        FROM unnest(ids, froms, tos, whys, day_counts) WITH ORDINALITY AS s(item_id, from_level, to_level, why, days, n)
       ORDER BY s.n;

    -- The payloads as rectify.escalation_payload builds them; the rare one
    -- over its 2000-byte limit is left to that function, which cuts it.
    SELECT array_agg(CASE WHEN octet_length(p.json) <= 2000 THEN p.json
                          ELSE rectify.escalation_payload(p.item_id, p.from_level, p.to_level, p.days, asof) END
                     ORDER BY p.n)
      INTO payloads
      FROM (SELECT s.n, s.item_id, s.from_level, s.to_level, s.days,
                   rectify.escalation_payload_json(s.item_id, i.code, i.region,
                                                   rectify.primary_unit_names(s.item_id), 0,
                                                   s.from_level, s.to_level, s.days, asof, false) AS json
              FROM unnest(ids, froms, tos, day_counts) WITH ORDINALITY AS s(item_id, from_level, to_level, days, n)
              JOIN rectify.items i ON i.item_id = s.item_id) p;
    FOREACH payload IN ARRAY payloads LOOP
      PERFORM pg_notify('rectify_escalation', payload);
    END LOOP;

    RETURN QUERY
      SELECT s.item_id, s.code, s.from_level, s.to_level, s.days, s.why
        FROM unnest(ids, codes, froms, tos, day_counts, whys) WITH ORDINALITY
             AS s(item_id, code, from_level, to_level, days, why, n)
       ORDER BY s.n;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.escalate(date) IS
  'one run of the escalation ladder as of asof: raises every open item whose next-change date has come to the level its days overdue or lag require, records rectify.events, sends NOTIFY rectify_escalation; returns the items it changed. Idempotent; concurrent runs wait for each other; READ COMMITTED only';

-- ---------------------------------------------------------------------------
-- 2. Triggers that fire only when there is something for them to do.  A
--    PL/pgSQL trigger with a pinned search_path costs 15 to 25 µs a row
--    even when it returns at once; a WHEN clause costs next to nothing.
--    Each WHEN below is the trigger function's own condition on the row,
--    so nothing it used to do is skipped.  Firing order (by name) is kept.
-- ---------------------------------------------------------------------------

DROP TRIGGER items_guard ON rectify.items;
CREATE TRIGGER items_guard BEFORE UPDATE ON rectify.items
  FOR EACH ROW
  WHEN ((NEW.status, NEW.deadline, NEW.due_date, NEW.assigned, NEW.progress,
         NEW.completed_on, NEW.closed_on, NEW.reopened_count,
         NEW.original_deadline, NEW.original_due_date)
        IS DISTINCT FROM
        (OLD.status, OLD.deadline, OLD.due_date, OLD.assigned, OLD.progress,
         OLD.completed_on, OLD.closed_on, OLD.reopened_count,
         OLD.original_deadline, OLD.original_due_date))
  EXECUTE FUNCTION rectify.items_guard();
COMMENT ON TRIGGER items_guard ON rectify.items IS
  'refuses lifecycle changes made outside rectify''s functions; fires only when a lifecycle column changed';

DROP TRIGGER items_guard_calendar ON rectify.items;
CREATE TRIGGER items_guard_calendar BEFORE UPDATE ON rectify.items
  FOR EACH ROW
  WHEN ((NEW.calendar, NEW.calendar_version) IS DISTINCT FROM (OLD.calendar, OLD.calendar_version))
  EXECUTE FUNCTION rectify.items_guard_calendar();
COMMENT ON TRIGGER items_guard_calendar ON rectify.items IS
  'refuses calendar changes made outside rectify''s functions; fires only when the calendar columns changed';

DROP TRIGGER items_escalation_guard ON rectify.items;
CREATE TRIGGER items_escalation_guard BEFORE UPDATE ON rectify.items
  FOR EACH ROW
  WHEN ((NEW.escalation_level, NEW.escalated_on) IS DISTINCT FROM (OLD.escalation_level, OLD.escalated_on))
  EXECUTE FUNCTION rectify.items_escalation_guard();
COMMENT ON TRIGGER items_escalation_guard ON rectify.items IS
  'refuses escalation changes made outside rectify''s functions; fires only when the level or its date changed';

-- items_authorize lets an administrator (or a superuser: pg_cron's jobs)
-- do anything, and checks everyone else; the first test moves into WHEN.
DROP TRIGGER items_authorize ON rectify.items;
CREATE TRIGGER items_authorize BEFORE INSERT OR UPDATE OR DELETE ON rectify.items
  FOR EACH ROW
  WHEN (NOT rectify.caller_is('admin'))
  EXECUTE FUNCTION rectify.items_authorize();
COMMENT ON TRIGGER items_authorize ON rectify.items IS
  'who may change what on an item; administrators and superusers pass without the trigger running';

-- items_track_escalation recomputes escalation_next from the final row.
-- On UPDATE it now stands aside for one kind of statement: one that sets
-- both escalation_next and escalated_on, which only escalate() does (the
-- escalation date changes only inside rectify's functions, see
-- items_escalation_guard, and escalate_item() leaves escalation_next to
-- this trigger).  escalate() sets the date escalation_next_change() gives
-- for the new level (the regression test checks they agree) and never
-- completes an item.  Any other update, a direct one of escalation_next
-- included, is recomputed as before.  INSERT keeps an unconditional
-- trigger of its own, named to fire last as before.
DROP TRIGGER items_track_escalation ON rectify.items;
CREATE TRIGGER items_track_escalation BEFORE UPDATE ON rectify.items
  FOR EACH ROW
  WHEN (NOT (NEW.escalation_next IS DISTINCT FROM OLD.escalation_next
             AND NEW.escalated_on IS DISTINCT FROM OLD.escalated_on))
  EXECUTE FUNCTION rectify.items_track_escalation();
COMMENT ON TRIGGER items_track_escalation ON rectify.items IS
  'recomputes escalation_next and ends escalation on completion, except in escalate()''s own update, which sets the date';
CREATE TRIGGER items_track_escalation_insert BEFORE INSERT ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_track_escalation();
COMMENT ON TRIGGER items_track_escalation_insert ON rectify.items IS
  'computes escalation_next of a new item';

-- The audit trigger records changes of the content columns and of the due
-- date; an escalation step or a progress report no longer pays for two
-- jsonb conversions of the row.

DROP TRIGGER items_audit ON rectify.items;
CREATE TRIGGER items_audit AFTER UPDATE ON rectify.items
  FOR EACH ROW
  WHEN ((OLD.code, OLD.source, OLD.batch, OLD.region, OLD.category, OLD.problem, OLD.target,
         OLD.leader, OLD.deadline_text, OLD.due_date)
        IS DISTINCT FROM
        (NEW.code, NEW.source, NEW.batch, NEW.region, NEW.category, NEW.problem, NEW.target,
         NEW.leader, NEW.deadline_text, NEW.due_date))
  EXECUTE FUNCTION rectify.items_audit();
COMMENT ON TRIGGER items_audit ON rectify.items IS
  'records content changes and due-date re-resolutions in rectify.events; fires only when one of those columns changed';

-- ---------------------------------------------------------------------------
-- 3. Scoring.  The context is built from scalar subqueries: one row, which
--    the planner knows (the settings tables are never analysed, and a join
--    with them was estimated at hundreds of rows, which made it probe
--    rectify.items once per responsibility).  The escalation history is
--    aggregated per item in one pass; a lookup of one item still pushes
--    its id into the aggregate and reads only that item's events.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE VIEW rectify.scoring_context WITH (security_invoker = false) AS
  SELECT (SELECT coalesce(nullif(pg_catalog.current_setting('rectify.asof', true), '')::date,
                          (pg_catalog.now() AT TIME ZONE o.time_zone)::date)
            FROM rectify.office o) AS asof,
         (SELECT o.warning_days FROM rectify.office o) AS warning_days,
         (SELECT o.immediate_days FROM rectify.office o) AS immediate_days,
         (SELECT w.late_per_day FROM rectify.score_weights w) AS late_per_day,
         (SELECT w.late_floor FROM rectify.score_weights w) AS late_floor,
         (SELECT w.lag_weight FROM rectify.score_weights w) AS lag_weight,
         (SELECT w.overdue_base FROM rectify.score_weights w) AS overdue_base,
         (SELECT w.overdue_per_day FROM rectify.score_weights w) AS overdue_per_day,
         (SELECT w.overdue_floor FROM rectify.score_weights w) AS overdue_floor,
         (SELECT w.per_level FROM rectify.score_weights w) AS per_level,
         (SELECT w.per_reopening FROM rectify.score_weights w) AS per_reopening;

CREATE OR REPLACE VIEW rectify.scored_items WITH (security_invoker = false) AS
  SELECT i.item_id, i.code, i.source, i.category, i.region, i.status, i.deadline,
         i.assigned, i.due_date, i.completed_on, i.closed_on, c.asof,
         rectify.due_state(i.due_date, i.completed_on, c.asof, c.warning_days) AS state,
         CASE WHEN i.due_date IS NULL THEN 0
              ELSE greatest(0, least(coalesce(i.completed_on, c.asof), c.asof) - i.due_date) END
           AS days_overdue,
         i.escalation_level AS level,
         coalesce(h.peak_level, 'none') AS peak_level,
         coalesce(h.reopened, 0)::integer AS reopened,
         i.progress,
         rectify.due_progress(i.due_date, i.assigned, c.asof) AS expected_progress,
         -- immediate_days: the stored due date's, so the score judges the
         -- same due date as the state even if the setting changed since;
         -- a deadline resolved against a calendar is judged by its due date
         rectify.item_score(CASE WHEN rectify.needs_calendar(i.deadline)
                                 THEN rectify.deadline(i.due_date) ELSE i.deadline END,
                            i.assigned, i.completed_on, c.asof,
                            coalesce(h.peak_level, 'none'), i.progress, coalesce(h.reopened, 0)::integer,
                            coalesce(i.due_date - i.assigned, c.immediate_days),
                            c.late_per_day, c.late_floor, c.lag_weight, c.overdue_base,
                            c.overdue_per_day, c.overdue_floor, c.per_level, c.per_reopening) AS score
    FROM rectify.items i
   CROSS JOIN rectify.scoring_context c
    LEFT JOIN (
      SELECT e.item_id,
             max(e.to_value::rectify.escalation_level)
               FILTER (WHERE e.kind IN ('escalated', 'escalated_manually')) AS peak_level,
             count(*) FILTER (WHERE e.kind = 'reopened') AS reopened
        FROM rectify.events e
       WHERE e.happened_on <= (SELECT ec.asof FROM rectify.scoring_context ec)
         AND e.kind IN ('escalated', 'escalated_manually', 'reopened')
       GROUP BY e.item_id) h ON h.item_id = i.item_id
   WHERE i.assigned <= c.asof;

-- Per unit: aggregate the responsibilities by unit_id first and name the
-- units after (5 thousand rows, not a million).
CREATE OR REPLACE VIEW rectify.scored_units WITH (security_invoker = false) AS
  WITH per_unit AS (
    SELECT r.unit_id,
           count(s.item_id)::integer AS items,
           count(*) FILTER (WHERE s.state IN ('closed_on_time', 'closed_late'))::integer AS closed,
           count(*) FILTER (WHERE s.state = 'closed_on_time')::integer AS closed_on_time,
           count(*) FILTER (WHERE s.state = 'overdue')::integer AS open_overdue,
           round(avg(s.score), 2) AS mean_score,
           max(s.peak_level) AS max_level,
           coalesce(sum(s.reopened), 0)::integer AS reopened
      FROM rectify.responsibilities r
      LEFT JOIN rectify.scored_items s ON s.item_id = r.item_id
     WHERE r.role = 'primary'
     GROUP BY r.unit_id),
  ranked AS (
    SELECT u.unit_id, u.name AS unit, u.region AS unit_region, p.items, p.closed, p.closed_on_time,
           p.open_overdue, p.mean_score, p.max_level, p.reopened,
           round(p.closed_on_time::numeric / nullif(p.closed + p.open_overdue, 0), 4) AS on_time_rate,
           CASE WHEN p.items > 0
                THEN rank() OVER (PARTITION BY p.items > 0 ORDER BY p.mean_score DESC) END::integer AS rank
      FROM per_unit p JOIN rectify.units u ON u.unit_id = p.unit_id)
  SELECT r.unit_id, r.unit, r.unit_region, r.items, r.closed, r.closed_on_time, r.open_overdue,
         r.on_time_rate, r.mean_score, r.max_level, r.reopened, r.rank,
         coalesce(r.rank = max(r.rank) OVER () AND max(r.rank) OVER () > 1, false) AS bottom
    FROM ranked r;

-- The asof of the scoring views is a parameter the planner cannot see, so
-- it guesses that a third of the items pass it, and joins a million items
-- to a million responsibilities (and to their history) by hashing them:
-- 1.3 to 1.5 times slower here than merging the three in item_id order,
-- which the primary keys already give.  The two scorecards plan without
-- hash joins (one is still used where nothing else can do).
ALTER FUNCTION rectify.unit_scorecard(date) SET enable_hashjoin = off;
ALTER FUNCTION rectify.region_scorecard(date, text) SET enable_hashjoin = off;

-- ---------------------------------------------------------------------------
-- 4. A fix found on the way: setup_roles() (0.6) grants the administrator
--    INSERT, UPDATE and DELETE on rectify.escalation_policy, but every such
--    change failed with 42501, because the statement trigger recomputing
--    the items' next escalation dates ran with the administrator's rights,
--    who may not update that column.  The trigger function takes no input
--    and only recomputes derived dates: it now runs as the owner.
-- ---------------------------------------------------------------------------

ALTER FUNCTION rectify.escalation_inputs_changed() SECURITY DEFINER;

-- ---------------------------------------------------------------------------
-- 5. Measures are done by the units that carry them out.
--
-- Until 0.6 a measure (措施) could be marked done only by an administrator
-- updating rectify.measures.  complete_measure() lets an officer of one of
-- the item's primary units (主体责任单位), or an administrator, record it,
-- with the date and a note, in the history ('measure_completed').
-- ---------------------------------------------------------------------------

ALTER TABLE rectify.events DROP CONSTRAINT events_kind_check;
ALTER TABLE rectify.events ADD CONSTRAINT events_kind_check CHECK (kind IN
  ('registered', 'status', 'sent_back', 'reopened', 'deadline_extended', 'progress',
   'escalated', 'escalated_manually', 'escalation_ended',
   'responsibility_added', 'responsibility_removed', 'content_changed', 'due_date_changed',
   'project_status', 'verified_amount', 'measure_completed'));
COMMENT ON CONSTRAINT events_kind_check ON rectify.events IS
  'the kinds of event: lifecycle (registered, status, sent_back, reopened, deadline_extended, progress, due_date_changed, measure_completed), escalation (escalated, escalated_manually, escalation_ended), responsibility (responsibility_added, responsibility_removed), content_changed, and reduction projects (project_status, verified_amount)';

-- Who may write measures: administrators anything (as before); an officer
-- of a primary unit only the completion date of a measure not yet done.
CREATE FUNCTION rectify.measures_authorize() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.completed_on IS NULL AND NEW.completed_on IS NOT NULL
     AND (to_jsonb(NEW) - 'completed_on') = (to_jsonb(OLD) - 'completed_on')
     AND rectify.is_primary(OLD.item_id) THEN
    RETURN NEW;
  END IF;
  PERFORM rectify.deny(format('only an administrator may %s rows of rectify.measures (officers of a primary unit only complete them)',
                              lower(TG_OP)));
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.measures_authorize() IS
  'trigger: administrators write measures; an officer of a primary unit may only complete one (rectify.complete_measure); 42501 otherwise';
DROP TRIGGER admin_only ON rectify.measures;
CREATE TRIGGER measures_authorize BEFORE INSERT OR UPDATE OR DELETE ON rectify.measures
  FOR EACH ROW
  WHEN (NOT rectify.caller_is('admin'))
  EXECUTE FUNCTION rectify.measures_authorize();
COMMENT ON TRIGGER measures_authorize ON rectify.measures IS
  'administrators and superusers pass; officers of a primary unit may only complete a measure';

CREATE FUNCTION rectify.complete_measure(measure bigint, on_date date DEFAULT rectify.today(),
                                         note text DEFAULT NULL)
  RETURNS date
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp SET rectify.in_api = 'on' AS $$
DECLARE
  m rectify.measures;
  it rectify.items;
BEGIN
  SELECT * INTO m FROM rectify.measures x WHERE x.measure_id = complete_measure.measure;
  IF NOT FOUND THEN
    -- as lock_item: no probing for ids by those who may not see every item
    IF NOT (rectify.caller_is('admin') OR rectify.caller_is('verifier')) THEN
      PERFORM rectify.deny(format('measure %s is not visible to %s', coalesce(measure::text, 'NULL'), session_user));
    END IF;
    RAISE EXCEPTION 'measure % does not exist', coalesce(measure::text, 'NULL')
      USING ERRCODE = 'no_data_found',
            HINT = 'rectify.measure_states(asof) lists the measures with their ids.';
  END IF;
  it := rectify.lock_item(m.item_id);
  SELECT * INTO m FROM rectify.measures x WHERE x.measure_id = complete_measure.measure FOR UPDATE;
  IF m.completed_on IS NOT NULL THEN
    RAISE EXCEPTION 'measure % of item "%" is already done (on %)', m.seq, it.code, m.completed_on
      USING ERRCODE = 'check_violation',
            HINT = 'An administrator may correct the date in rectify.measures.';
  END IF;
  IF it.status = 'closed' THEN
    RAISE EXCEPTION 'item "%" is closed (销号): its measures can no longer change', it.code
      USING ERRCODE = 'check_violation',
            HINT = 'Reopen the item first (rectify.reopen) if the work goes on.';
  END IF;
  IF on_date IS NULL OR NOT isfinite(on_date) OR on_date < it.assigned THEN
    RAISE EXCEPTION 'the completion date of measure % of item "%" must be a date from % on, not %',
                    m.seq, it.code, it.assigned, coalesce(on_date::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the day the measure was done, such as 2021-11-30, or omit it for rectify.today().';
  END IF;
  UPDATE rectify.measures x SET completed_on = on_date WHERE x.measure_id = m.measure_id;
  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
    VALUES (it.item_id, on_date, 'measure_completed', NULL,
            format('measure %s: %s', m.seq, m.description), note);
  RETURN on_date;
END $$;
COMMENT ON FUNCTION rectify.complete_measure(bigint, date, text) IS
  'records that a measure (措施) was done on on_date, with a note, in rectify.events (measure_completed); for an officer of one of the item''s primary units or an administrator; refuses a measure already done, an item closed (销号) and a date before the item was assigned';

-- ---------------------------------------------------------------------------
-- 6. The administrator runs the office: escalate() (above), the office
--    settings and the scoring weights.  Until 0.6 only the owner could,
--    for want of privileges on the tables they write.  The functions now
--    run as the owner, and the tables check the caller, as the ledger's
--    do (admin_only: administrators and superusers; 42501 otherwise).
-- ---------------------------------------------------------------------------

ALTER FUNCTION rectify.set_setting(text, text) SECURITY DEFINER;
ALTER FUNCTION rectify.set_score_weight(text, double precision) SECURITY DEFINER;
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.settings
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.score_settings
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();
