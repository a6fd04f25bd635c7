-- ===========================================================================
-- The escalation ladder (跟踪督办), run daily.
--
-- Every open item stores the date on which it can next change level
-- (items.escalation_next); rectify.escalate(asof) reads only the items
-- whose date has come, through a partial index, raises them to the level
-- their days overdue (or their lag behind 序时进度) require, records each
-- step in rectify.events and tells listeners with NOTIFY.  The monthly
-- dispatch (一月一调度) snapshots every open item.
-- ===========================================================================

-- The built-in thresholds.  Fixed by the extension (like rectify.transitions),
-- so not dumped: an office changes them with rows in rectify.escalation_policy.
CREATE TABLE rectify.escalation_ladder (
  level rectify.escalation_level PRIMARY KEY,
  min_days_overdue integer CHECK (min_days_overdue >= 1),
  name_zh text NOT NULL,
  CHECK ((level = 'none') = (min_days_overdue IS NULL))
);
COMMENT ON TABLE rectify.escalation_ladder IS
  'the built-in escalation thresholds (days overdue from which an item is at least at a level); read-only reference, override with rectify.escalation_policy';
COMMENT ON COLUMN rectify.escalation_ladder.level IS 'the level';
COMMENT ON COLUMN rectify.escalation_ladder.min_days_overdue IS 'built-in threshold: an open item this many days overdue is at least at this level';
COMMENT ON COLUMN rectify.escalation_ladder.name_zh IS 'the measure''s Chinese name as the plans write it';
INSERT INTO rectify.escalation_ladder VALUES
  ('none', NULL, '未处置'),
  ('notice', 1, '函告'),
  ('warning', 7, '警示'),
  ('circular', 15, '通报'),
  ('supervision', 30, '督办'),
  ('listed_supervision', 45, '挂牌督办'),
  ('summons', 60, '约谈'),
  ('approval_freeze', 90, '区域限批'),
  ('accountability', 120, '移交问责');

-- The office's own thresholds.  Empty on install (so a dump and restore
-- never duplicates a row); every row is the office's data and is dumped.
CREATE TABLE rectify.escalation_policy (
  category text CHECK (category = ANY (rectify.item_categories())),
  source text CHECK (source = ANY (rectify.item_sources())),
  level rectify.escalation_level NOT NULL CHECK (level > 'none'),
  min_days_overdue integer CHECK (min_days_overdue BETWEEN 1 AND 36500),
  note text,
  CONSTRAINT escalation_policy_scope_level_key UNIQUE NULLS NOT DISTINCT (category, source, level)
);
COMMENT ON TABLE rectify.escalation_policy IS
  'the office''s escalation thresholds, overriding rectify.escalation_ladder per level. A row applies to items of its category and source (NULL = any). For each level the most specific matching row wins: category and source, then source only, then category only, then office-wide (both NULL), then the built-in ladder';
COMMENT ON COLUMN rectify.escalation_policy.category IS 'items of this category only; NULL for any category';
COMMENT ON COLUMN rectify.escalation_policy.source IS 'items of this source only (central, provincial, ...); NULL for any source';
COMMENT ON COLUMN rectify.escalation_policy.level IS 'the level this row sets the threshold of';
COMMENT ON COLUMN rectify.escalation_policy.min_days_overdue IS 'days overdue from which the level applies; NULL: never reached automatically in this scope';
COMMENT ON COLUMN rectify.escalation_policy.note IS 'why the office set it (the document that says so)';
COMMENT ON CONSTRAINT escalation_policy_scope_level_key ON rectify.escalation_policy IS
  'one threshold per scope (category, source; NULL counts as a value) and level';
SELECT pg_catalog.pg_extension_config_dump('rectify.escalation_policy', '');

-- One run at a time of each daily or monthly job: a run locks its row
-- here, a second run waits for it.  No role is granted this table, so no
-- role outside the extension can take or hold these locks (advisory-lock
-- keys are public: anyone could block the daily run with them).
CREATE TABLE rectify.job_locks (
  job text PRIMARY KEY
);
COMMENT ON TABLE rectify.job_locks IS
  'one row per job that runs one at a time (escalate, dispatch); a run locks its row FOR UPDATE; fixed by the extension, granted to nobody';
INSERT INTO rectify.job_locks VALUES ('escalate'), ('dispatch');
REVOKE ALL ON rectify.job_locks FROM PUBLIC;

-- ------------------------------------------------------------------
-- Thresholds and next-change dates.
-- ------------------------------------------------------------------

-- The ladder that applies to items of a category and source.
CREATE FUNCTION rectify.escalation_thresholds(category text DEFAULT NULL, source text DEFAULT NULL)
  RETURNS TABLE (level rectify.escalation_level, min_days_overdue integer, scope text)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT l.level,
         CASE WHEN p.level IS NULL THEN l.min_days_overdue ELSE p.min_days_overdue END,
         CASE WHEN p.level IS NULL THEN 'built-in'
              WHEN p.category IS NOT NULL AND p.source IS NOT NULL
                THEN 'category ' || p.category || ', source ' || p.source
              WHEN p.source IS NOT NULL THEN 'source ' || p.source
              WHEN p.category IS NOT NULL THEN 'category ' || p.category
              ELSE 'office' END
    FROM rectify.escalation_ladder l
    LEFT JOIN LATERAL (
      SELECT p.category, p.source, p.level, p.min_days_overdue
        FROM rectify.escalation_policy p
       WHERE p.level = l.level
         AND (p.category IS NULL OR p.category = escalation_thresholds.category)
         AND (p.source IS NULL OR p.source = escalation_thresholds.source)
       ORDER BY p.source IS NOT NULL DESC, p.category IS NOT NULL DESC
       LIMIT 1) p ON true
   WHERE l.level > 'none'
   ORDER BY l.level;
END;
COMMENT ON FUNCTION rectify.escalation_thresholds(text, text) IS
  'the escalation thresholds for items of this category and source, and which policy row (scope) set each; NULL days: never automatically';

-- Is the item lagging (进度滞后) as of asof: is its progress behind 序时进度
-- (from the assignment, or the last reopening) by at least the office's lag
-- threshold?
CREATE FUNCTION rectify.is_lagging(it rectify.items, asof date)
  RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(it.completed_on IS NULL
                  AND rectify.due_progress(it.due_date,
                                           coalesce(it.last_reopened, it.assigned), asof)
                      - it.progress >= o.lag_threshold, false)
    FROM rectify.office o;
END;
COMMENT ON FUNCTION rectify.is_lagging(rectify.items, date) IS
  'true when an open item''s progress lags its time-proportional progress (序时进度) by at least the office''s lag_threshold as of asof';

-- The first date on which an item becomes lagging, if it ever does with
-- its present progress.  序时进度 grows with the date, so the date is found
-- from the formula and then checked against rectify.expected_progress
-- itself (which rounds to four decimals) by stepping a day either way.
CREATE FUNCTION rectify.lag_date(it rectify.items)
  RETURNS date
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  o rectify.office;
  due date;
  start date := coalesce(it.last_reopened, it.assigned);
  d date;
  steps integer := 0;
BEGIN
  IF it.completed_on IS NOT NULL OR rectify.is_ongoing(it.deadline) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO o FROM rectify.office;
  IF it.progress + o.lag_threshold > 1 THEN
    RETURN NULL;                      -- 序时进度 never exceeds 1
  END IF;
  due := it.due_date;
  d := start + least(greatest(due - start, 0),
                      ceil((it.progress + o.lag_threshold) * greatest(due - start, 0))::integer);
  WHILE d > start AND rectify.is_lagging(it, d - 1) AND steps < 10 LOOP
    d := d - 1; steps := steps + 1;
  END LOOP;
  WHILE NOT rectify.is_lagging(it, d) AND steps < 20 LOOP
    d := d + 1; steps := steps + 1;
  END LOOP;
  RETURN d;
END $$;
COMMENT ON FUNCTION rectify.lag_date(rectify.items) IS
  'the first date on which an open item lags 序时进度 by the lag threshold, given its present progress; NULL if it never will';

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

-- escalation_next_change: the date stored in items.escalation_next.
CREATE FUNCTION rectify.escalation_next_change(it rectify.items)
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
COMMENT ON FUNCTION rectify.escalation_next_change(rectify.items) IS
  'the first date on which an item''s escalation level can rise: its due date plus the smallest threshold above its level, or the day it starts lagging; NULL if never';

-- Recompute every open item's date (after a policy or setting change).
CREATE FUNCTION rectify.refresh_escalation_dates()
  RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- rows are locked in item order, as escalate() locks them, so that the
  -- two cannot deadlock
  UPDATE rectify.items i SET escalation_next = rectify.escalation_next_change(i)
    FROM (SELECT j.item_id FROM rectify.items j WHERE j.completed_on IS NULL
           ORDER BY j.item_id FOR UPDATE) AS locked
   WHERE i.item_id = locked.item_id AND i.completed_on IS NULL
     AND i.escalation_next IS DISTINCT FROM rectify.escalation_next_change(i);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.refresh_escalation_dates() IS
  'recomputes escalation_next of every open item; run by trigger when escalation_policy or settings change. Returns how many changed';

-- A policy or setting changed: every open item's escalation_next is
-- recomputed.  It takes no input and only recomputes derived dates, so it
-- runs as the owner: an administrator may change the policy without any
-- right on the items' escalation columns.
CREATE FUNCTION rectify.escalation_inputs_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.refresh_escalation_dates();
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.escalation_inputs_changed() IS
  'trigger: a policy or setting changed, so every open item''s escalation_next is recomputed';
CREATE TRIGGER escalation_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON rectify.escalation_policy
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.escalation_inputs_changed();
COMMENT ON TRIGGER escalation_policy_changed ON rectify.escalation_policy IS
  'recomputes next escalation dates when thresholds change';
CREATE TRIGGER settings_escalation_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON rectify.settings
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.escalation_inputs_changed();
COMMENT ON TRIGGER settings_escalation_changed ON rectify.settings IS
  'recomputes next escalation dates when the lag threshold or immediate_days change';

-- What a step sends on channel rectify_escalation: only the id of its event.
-- LISTEN needs no privilege, so the notice names nothing; a listener reads
-- the step back from rectify.events (or rectify.escalation_history), where
-- row-level security shows it only what it may see.
CREATE FUNCTION rectify.escalation_notice(event bigint) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN pg_catalog.jsonb_build_object('event_id', event)::text;
COMMENT ON FUNCTION rectify.escalation_notice(bigint) IS
  'the payload an escalation step sends on channel rectify_escalation: {"event_id": N}, nothing a listener without rights could use';

CREATE FUNCTION rectify.escalate_item(item bigint, to_level rectify.escalation_level, reason text,
                                      on_date date DEFAULT rectify.today())
  RETURNS rectify.escalation_level
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  step bigint;
  it rectify.items := rectify.lock_item(item);
  days integer;
  above text;
BEGIN
  IF to_level IS NULL THEN
    RAISE EXCEPTION 'escalation level must not be NULL' USING ERRCODE = 'null_value_not_allowed',
      HINT = 'Levels: notice, warning, circular, supervision, listed_supervision, summons, approval_freeze, accountability.';
  END IF;
  PERFORM rectify.require_text(reason, 'a reason for a manual escalation');
  IF it.completed_on IS NOT NULL THEN
    RAISE EXCEPTION 'item "%" is % and its escalation has ended', it.code, it.status
      USING ERRCODE = 'check_violation',
            HINT = 'Only open items escalate; send the item back or reopen it first.';
  END IF;
  PERFORM rectify.check_on_date(it, on_date);
  PERFORM rectify.check_in_order(it, on_date, ARRAY['escalated', 'escalated_manually', 'escalation_ended'],
                                 'the last escalation step');
  IF to_level <= it.escalation_level THEN
    SELECT string_agg(l::text, ', ' ORDER BY l) INTO above
      FROM unnest(enum_range(it.escalation_level, NULL)) AS l WHERE l > it.escalation_level;
    RAISE EXCEPTION 'item "%" is already at %: a manual escalation to % would not raise it', it.code, it.escalation_level, to_level
      USING ERRCODE = 'check_violation',
            HINT = CASE WHEN above IS NULL THEN 'The item is at the top of the ladder.'
                        ELSE format('Levels above %s: %s.', it.escalation_level, above) END;
  END IF;
  days := rectify.due_days_overdue(it.due_date, it.completed_on, on_date);
  UPDATE rectify.items i SET escalation_level = to_level, escalated_on = on_date,
    peak_level = greatest(i.peak_level, to_level),
    valid_from = greatest(i.valid_from, on_date), recorded_at = pg_catalog.now()
   WHERE i.item_id = it.item_id;
  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, days_overdue)
    VALUES (it.item_id, on_date, 'escalated_manually', it.escalation_level::text, to_level::text,
            escalate_item.reason, days)
    RETURNING event_id INTO step;
  PERFORM pg_notify('rectify_escalation', rectify.escalation_notice(step));
  RETURN to_level;
END $$;
COMMENT ON FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) IS
  'escalates an open item by hand to a higher level, with a reason (recorded, notified); EXECUTE is for administrators only';
REVOKE EXECUTE ON FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) FROM PUBLIC;

CREATE FUNCTION rectify.escalation_history(item bigint DEFAULT NULL)
  RETURNS TABLE (event_id bigint, item_id bigint, code text, happened_on date, kind text,
                 from_level rectify.escalation_level, to_level rectify.escalation_level,
                 days_overdue integer, reason text, actor text, recorded_at timestamptz)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT e.event_id, e.item_id, i.code, e.happened_on, e.kind,
         e.from_value::rectify.escalation_level, e.to_value::rectify.escalation_level,
         e.days_overdue, e.reason, e.actor, e.recorded_at
    FROM rectify.events e JOIN rectify.items i USING (item_id)
   WHERE e.kind IN ('escalated', 'escalated_manually', 'escalation_ended')
     AND (escalation_history.item IS NULL OR e.item_id = escalation_history.item)
   ORDER BY e.event_id;
END;
COMMENT ON FUNCTION rectify.escalation_history(bigint) IS
  'the escalation steps of one item (or of all items when NULL), in the order they were recorded';

-- ------------------------------------------------------------------
-- Monthly dispatch (一月一调度).
-- ------------------------------------------------------------------

CREATE TABLE rectify.dispatch_snapshots (
  month date NOT NULL CHECK (month = date_trunc('month', month)::date),
  item_id bigint NOT NULL REFERENCES rectify.items,
  code text NOT NULL,
  region rectify.region NOT NULL,
  status rectify.item_status NOT NULL,
  state rectify.deadline_state,
  due_date date,
  days_overdue integer NOT NULL,
  escalation_level rectify.escalation_level NOT NULL,
  progress numeric(5,4) NOT NULL,
  expected_progress numeric,
  primary_units text,
  taken_on date NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  taken_by text NOT NULL DEFAULT rectify.caller(),
  PRIMARY KEY (month, item_id)
);
COMMENT ON TABLE rectify.dispatch_snapshots IS
  '一月一调度: each month''s snapshot of every open item (state, days overdue, level, progress), written by rectify.dispatch()';
COMMENT ON COLUMN rectify.dispatch_snapshots.month IS 'first day of the month dispatched';
COMMENT ON COLUMN rectify.dispatch_snapshots.item_id IS 'the item';
COMMENT ON COLUMN rectify.dispatch_snapshots.code IS 'the item''s code when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.region IS 'the item''s region';
COMMENT ON COLUMN rectify.dispatch_snapshots.status IS 'lifecycle status when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.due_date IS 'the due date then in force';
COMMENT ON COLUMN rectify.dispatch_snapshots.progress IS 'reported progress when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.state IS 'deadline state as of taken_on';
COMMENT ON COLUMN rectify.dispatch_snapshots.days_overdue IS 'days overdue as of taken_on';
COMMENT ON COLUMN rectify.dispatch_snapshots.escalation_level IS 'escalation level when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.expected_progress IS '序时进度 as of taken_on';
COMMENT ON COLUMN rectify.dispatch_snapshots.primary_units IS 'the primary responsible units, in order';
COMMENT ON COLUMN rectify.dispatch_snapshots.taken_on IS 'the asof of the dispatch';
COMMENT ON COLUMN rectify.dispatch_snapshots.taken_at IS 'when the snapshot was written';
COMMENT ON COLUMN rectify.dispatch_snapshots.taken_by IS 'the role that wrote it';
SELECT pg_catalog.pg_extension_config_dump('rectify.dispatch_snapshots', '');

-- A month's dispatch is taken once: asked again, it keeps the snapshot it
-- has (a report once sent does not change); a deliberate re-take names a
-- reason and leaves a row in rectify.dispatch_retakes.
CREATE TABLE rectify.dispatch_retakes (
  month date NOT NULL,
  retaken_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  retaken_by text NOT NULL DEFAULT rectify.caller(),
  reason text NOT NULL CHECK (btrim(reason) <> ''),
  previous_taken_on date NOT NULL,
  previous_taken_at timestamptz NOT NULL,
  previous_items integer NOT NULL,
  PRIMARY KEY (month, retaken_at)
);
COMMENT ON TABLE rectify.dispatch_retakes IS
  'each deliberate re-take of a month''s dispatch (rectify.dispatch(asof, retake_reason)): who, when, why, and the snapshot it replaced';
SELECT pg_catalog.pg_extension_config_dump('rectify.dispatch_retakes', '');

CREATE FUNCTION rectify.dispatch(asof date DEFAULT rectify.today(), retake_reason text DEFAULT NULL)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  mon date;
  n bigint;
  prev record;
BEGIN
  -- it runs as the owner so that an administrator can run it; the pg_cron
  -- job runs as a superuser, who passes this check too
  PERFORM rectify.require_admin('rectify.dispatch()', 'take the monthly dispatch');
  PERFORM rectify.require_date(asof, 'dispatch date', 'Give a date such as 2022-06-01, or omit it for rectify.today().');
  mon := date_trunc('month', asof)::date;
  PERFORM 1 FROM rectify.job_locks l WHERE l.job = 'dispatch' FOR UPDATE;
  SELECT count(*) AS items, min(s.taken_on) AS taken_on, min(s.taken_at) AS taken_at INTO prev
    FROM rectify.dispatch_snapshots s WHERE s.month = mon;
  IF prev.items > 0 THEN
    IF retake_reason IS NULL THEN
      RAISE NOTICE 'the dispatch of % was taken on % (% items) and is kept', to_char(mon, 'YYYY-MM'), prev.taken_on, prev.items
        USING HINT = 'To take it again, give a reason: rectify.dispatch(asof, retake_reason => ''...'').';
      RETURN prev.items;
    END IF;
    PERFORM rectify.require_text(retake_reason, 'a reason for taking a dispatch again');
    INSERT INTO rectify.dispatch_retakes (month, reason, previous_taken_on, previous_taken_at, previous_items)
      VALUES (mon, retake_reason, prev.taken_on, prev.taken_at, prev.items);
    DELETE FROM rectify.dispatch_snapshots s WHERE s.month = mon;
  END IF;
  INSERT INTO rectify.dispatch_snapshots
         (month, item_id, code, region, status, state, due_date, days_overdue, escalation_level,
          progress, expected_progress, primary_units, taken_on)
  SELECT mon, l.item_id, l.code, l.region, l.status, l.state, l.due_date, l.days_overdue,
         l.escalation_level, l.progress, l.expected_progress, l.primary_units, asof
    FROM rectify.ledger(asof) l
   WHERE l.completed_on IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.dispatch(date, text) IS
  '一月一调度: snapshots every open item as of asof into rectify.dispatch_snapshots for asof''s month and returns the number of items; a month already taken is kept (NOTICE) unless retake_reason is given, which re-takes it and records the re-take in rectify.dispatch_retakes; administrators (42501 otherwise)';

-- answers as the caller (row-level security applies)
CREATE VIEW rectify.dispatch_compare WITH (security_invoker = true) AS
  SELECT s.month, s.item_id, s.code, s.region, s.primary_units,
         p.status AS prev_status, s.status,
         p.days_overdue AS prev_days_overdue, s.days_overdue,
         p.escalation_level AS prev_level, s.escalation_level AS level,
         p.progress AS prev_progress, s.progress,
         s.progress - p.progress AS progress_change,
         p.item_id IS NULL AS new_this_month
    FROM rectify.dispatch_snapshots s
    LEFT JOIN rectify.dispatch_snapshots p
      ON p.item_id = s.item_id AND p.month = (s.month - interval '1 month')::date;
COMMENT ON VIEW rectify.dispatch_compare IS
  'each month''s dispatch beside the previous month''s for the same item: status, days overdue, level and progress then and now';

-- The notification payload is defined once, in this helper, for
-- escalation_payload() (one item, cutting the unit list to fit) and
-- escalate() (every step of a run at once).
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

-- escalation_payload: one step's notification, with the unit list cut to
-- keep it under 2000 bytes.
CREATE FUNCTION rectify.escalation_payload(item bigint, from_level rectify.escalation_level,
                                                      to_level rectify.escalation_level,
                                                      days_overdue integer, asof date,
                                                      manual boolean DEFAULT false)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  limit_bytes constant integer := 2000;
  it rectify.items;
  -- the units responsible on the step's date (rectify.primary_units_on)
  units text[] := (SELECT p.names FROM rectify.primary_units_on(item, asof) p);
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

COMMENT ON FUNCTION rectify.escalation_payload(bigint, rectify.escalation_level, rectify.escalation_level, integer, date, boolean) IS
  'the JSON sent on channel rectify_escalation for one step: item_id, code, region, primary units on asof (cut to keep the payload under 2000 bytes, with units_omitted), from, to, days_overdue, asof, manual';

-- escalate(asof): one run of the ladder, set-based.  It decides every step
-- of a chunk of candidates in one query and writes them with one UPDATE,
-- one INSERT and one payload query.  The candidate rows are locked FOR
-- UPDATE in item order and, under READ COMMITTED, a row changed meanwhile
-- is re-read and rechecked.
CREATE FUNCTION rectify.escalate(asof date DEFAULT rectify.today())
  RETURNS TABLE (item_id bigint, code text, from_level rectify.escalation_level,
                 to_level rectify.escalation_level, days_overdue integer, reason text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
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
  written_ids bigint[];
  written_id bigint;
BEGIN
  -- It runs as the owner, so that an administrator can run it; the
  -- pg_cron jobs run as a superuser, who passes this check too.
  PERFORM rectify.require_admin('rectify.escalate()', 'run rectify.escalate()');
  PERFORM rectify.require_date(asof, 'escalation date');
  -- Under REPEATABLE READ or SERIALIZABLE the snapshot would predate the
  -- job lock below, and the run could act on what a concurrent run
  -- already did.
  -- One run at a time (a pg_cron job and a DBA's manual run): the second
  -- waits, then sees what the first committed.
  PERFORM rectify.lock_job('escalate', 'rectify.escalate()');
  SELECT o.lag_threshold INTO lag_limit FROM rectify.office o;

  -- Only items whose date has come (items_escalation_next_idx).  They are
  -- handled in chunks, in item order, so that the arrays below stay small
  -- however many items a first run on a large ledger finds.
  SELECT array_agg(i.item_id ORDER BY i.item_id) INTO candidates
    FROM rectify.items i
   WHERE i.escalation_next <= asof AND i.assigned <= asof
     AND (i.escalated_on IS NULL OR i.escalated_on <= asof);

  WHILE first <= coalesce(cardinality(candidates), 0) LOOP
    -- Decide: lock the chunk's items in item order and recheck the
    -- condition on the row as locked (READ COMMITTED: a row changed since
    -- is re-read).  by_days is the highest level whose threshold the days
    -- overdue reach; a lagging item below notice goes to notice.
    WITH due AS (
      SELECT i.item_id, i.code, i.category, i.source, i.escalation_level, i.due_date,
             coalesce(i.last_reopened, i.assigned) AS progress_from,
             i.progress, i.completed_on
        FROM rectify.items i
       WHERE i.item_id = ANY (candidates[first:first + chunk - 1])
         AND i.escalation_next <= asof AND i.assigned <= asof
         AND (i.escalated_on IS NULL OR i.escalated_on <= asof)
       ORDER BY i.item_id
         FOR UPDATE),
    -- The thresholds depend on the scope (category, source) only: they
    -- are looked up once per scope of the chunk, not once per item.
    thresholds AS (
      SELECT s.category, s.source, t.level, t.min_days_overdue, t.scope
        FROM (SELECT DISTINCT d.category, d.source FROM due d) s
       CROSS JOIN LATERAL rectify.escalation_thresholds(s.category, s.source) t),
    -- per scope and level, the smallest threshold above it: the next date
    -- the level can rise is the due date plus that (next_threshold_date)
    next_up AS (
      SELECT t.category, t.source, l.level AS above,
             min(t.min_days_overdue) FILTER (WHERE t.level > l.level) AS days
        FROM thresholds t CROSS JOIN rectify.escalation_ladder l
       GROUP BY t.category, t.source, l.level),
    judged AS (
      SELECT DISTINCT ON (d.item_id)
             d.*, coalesce(t.level, 'none') AS by_days, t.min_days_overdue AS threshold, t.scope,
             rectify.due_progress(d.due_date, d.progress_from, asof) AS expected
        FROM (SELECT d.*, rectify.due_days_overdue(d.due_date, d.completed_on, asof) AS days
                FROM due d
               WHERE d.completed_on IS NULL) d     -- never: completion clears the date
        LEFT JOIN thresholds t
          ON t.category = d.category AND t.source = d.source AND t.min_days_overdue <= d.days
       ORDER BY d.item_id, t.level DESC NULLS LAST),
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
           array_agg(s.due_date + n.days ORDER BY s.item_id),
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
      JOIN next_up n ON n.category = s.category AND n.source = s.source AND n.above = s.new_level
     WHERE s.new_level > s.escalation_level;

    first := first + chunk;
    CONTINUE WHEN ids IS NULL;

    -- Setting escalation_next with escalated_on spares the trigger
    -- items_track_escalation its per-row recomputation (see below).
    UPDATE rectify.items i SET escalation_level = s.to_level, escalated_on = asof,
                               escalation_next = s.next_at,
                               peak_level = greatest(i.peak_level, s.to_level),
                               valid_from = greatest(i.valid_from, asof), recorded_at = pg_catalog.now()
      FROM unnest(ids, tos, nexts) AS s(item_id, to_level, next_at)
     WHERE i.item_id = s.item_id;
    WITH written AS (
      INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, days_overdue)
        SELECT s.item_id, asof, 'escalated', s.from_level::text, s.to_level::text, s.why, s.days
          FROM unnest(ids, froms, tos, whys, day_counts) WITH ORDINALITY AS s(item_id, from_level, to_level, why, days, n)
         ORDER BY s.n
        RETURNING event_id)
    SELECT array_agg(w.event_id ORDER BY w.event_id) INTO written_ids FROM written w;
    FOREACH written_id IN ARRAY written_ids LOOP
      PERFORM pg_notify('rectify_escalation', rectify.escalation_notice(written_id));
    END LOOP;

    RETURN QUERY
      SELECT s.item_id, s.code, s.from_level, s.to_level, s.days, s.why
        FROM unnest(ids, codes, froms, tos, day_counts, whys) WITH ORDINALITY
             AS s(item_id, code, from_level, to_level, days, why, n)
       ORDER BY s.n;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.escalate(date) IS
  'one run of the escalation ladder as of asof: raises every open item whose next-change date has come to the level its days overdue or lag require, records rectify.events, sends NOTIFY rectify_escalation with each step''s event id; returns the items it changed. Idempotent; concurrent runs wait for each other; READ COMMITTED only';