-- ------------------------------------------------------------------
-- The ledger as it stood on a date, as known at a moment (bitemporal).
--
-- Every fact in rectify.events carries the day it took effect
-- (happened_on, valid time) and the moment it was written (recorded_at,
-- recorded time).  The state of an item on day D as known at moment K is
-- the fold of its events with happened_on <= D and recorded_at <= K.
--
-- rectify.items is that fold for the latest facts: its row is the item's
-- state on every date from items.valid_from on, as known from
-- items.recorded_at on.  rectify.item_versions keeps the states the row
-- held before, each with the dates it held, as known now: triggers keep
-- it (a fact that takes effect after the row's valid_from closes the old
-- state; a fact dated earlier rebuilds the item's later versions from its
-- events).  So item_states(D, K) reads, for an item recorded by K, its row
-- when valid_from <= D (most items, for most dates) or else the version
-- that held on D; only an item with a fact recorded after K is rebuilt
-- from its events (item_replay).  All of it is plain SQL the planner
-- inlines: it reads as the caller, so row-level security applies, and an
-- officer's query still reads only the officer's items through their
-- index.
-- ------------------------------------------------------------------

-- The kinds of event that change an item's row (rectify.items): its
-- valid_from and recorded_at are the latest of these.
CREATE FUNCTION rectify.state_kinds() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['registered', 'status', 'sent_back', 'reopened', 'progress', 'deadline_extended',
               'due_date_changed', 'escalated', 'escalated_manually', 'escalation_ended'];
COMMENT ON FUNCTION rectify.state_kinds() IS
  'the kinds of event that change an item''s state (its row in rectify.items)';

-- item_replay(asof, known_at, stale_only): items rebuilt from their
-- events.  With stale_only, only the items with a fact recorded after
-- known_at (their row and versions are what is known now, not then).
-- Facts of one kind are recorded in date order (check_on_date,
-- check_in_order), so "the latest" of a kind is the latest by
-- (happened_on, event_id).
CREATE FUNCTION rectify.item_replay(asof date, known_at timestamptz, stale_only boolean)
  RETURNS SETOF rectify.items
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT i.item_id, i.code, i.source, i.batch, i.region, i.category, i.problem, i.target, i.leader,
         coalesce(h.deadline::rectify.deadline, i.original_deadline),
         i.deadline_text, i.assigned,
         CASE WHEN h.due_known THEN h.due_date ELSE i.original_due_date END,
         i.original_deadline, i.original_due_date,
         coalesce(h.status, 'registered'),
         coalesce(h.progress, 0),
         CASE WHEN h.status NOT IN ('registered', 'in_progress', 'reopened') THEN h.last_completed END,
         CASE WHEN h.status = 'closed' THEN h.last_closed END,
         coalesce(h.reopened_count, 0), h.last_reopened,
         coalesce(h.level, 'none'), h.escalated_on, coalesce(h.peak_level, 'none'),
         NULL::date,                    -- escalation_next: a date to come, not a state
         i.calendar, i.calendar_version, i.source_ref, i.note,
         coalesce(h.valid_from, i.assigned), h.recorded_at
    FROM rectify.items i
   CROSS JOIN LATERAL (
     SELECT (array_agg(e.to_value ORDER BY e.happened_on DESC, e.event_id DESC)
               FILTER (WHERE e.kind IN ('status', 'sent_back', 'reopened')))[1]::rectify.item_status AS status,
            max(e.happened_on) FILTER (WHERE e.kind = 'status' AND e.to_value = 'completed') AS last_completed,
            max(e.happened_on) FILTER (WHERE e.kind = 'status' AND e.to_value = 'closed') AS last_closed,
            -- a completion sets the progress to 1
            (array_agg(CASE WHEN e.kind = 'progress' THEN e.to_value ELSE '1' END
                       ORDER BY e.happened_on DESC, e.event_id DESC)
               FILTER (WHERE e.kind = 'progress' OR (e.kind = 'status' AND e.to_value = 'completed'))
            )[1]::numeric(5,4) AS progress,
            count(*) FILTER (WHERE e.kind = 'reopened')::integer AS reopened_count,
            max(e.happened_on) FILTER (WHERE e.kind = 'reopened') AS last_reopened,
            (array_agg(e.to_value ORDER BY e.happened_on DESC, e.event_id DESC)
               FILTER (WHERE e.kind = 'deadline_extended'))[1] AS deadline,
            -- registration, extensions and calendar re-resolutions each set a due date
            (array_agg(e.due_date ORDER BY e.happened_on DESC, e.event_id DESC)
               FILTER (WHERE e.kind IN ('registered', 'deadline_extended', 'due_date_changed')))[1] AS due_date,
            coalesce(bool_or(e.kind IN ('registered', 'deadline_extended', 'due_date_changed')), false) AS due_known,
            (array_agg(e.to_value ORDER BY e.happened_on DESC, e.event_id DESC)
               FILTER (WHERE e.kind IN ('escalated', 'escalated_manually', 'escalation_ended'))
            )[1]::rectify.escalation_level AS level,
            max(e.happened_on) FILTER (WHERE e.kind IN ('escalated', 'escalated_manually')) AS escalated_on,
            max(e.to_value::rectify.escalation_level)
              FILTER (WHERE e.kind IN ('escalated', 'escalated_manually')) AS peak_level,
            max(e.happened_on) FILTER (WHERE e.kind = ANY (rectify.state_kinds())) AS valid_from,
            max(e.recorded_at) FILTER (WHERE e.kind = ANY (rectify.state_kinds())) AS recorded_at
       FROM rectify.events e
      WHERE e.item_id = i.item_id
        AND e.happened_on <= item_replay.asof AND e.recorded_at <= item_replay.known_at) h
   WHERE i.assigned <= item_replay.asof
     AND NOT (item_replay.stale_only AND i.recorded_at <= item_replay.known_at);
END;
COMMENT ON FUNCTION rectify.item_replay(date, timestamptz, boolean) IS
  'internal: items assigned by asof rebuilt from the events that took effect by asof and were recorded by known_at (with stale_only, only the items with a fact recorded after known_at); see rectify.item_states';

-- ------------------------------------------------------------------
-- item_versions: the earlier states of each item, as known now.  A row
-- is the state the item held on the days valid_from .. valid_to - 1; the
-- versions of an item and its row in rectify.items cover its days from
-- its assignment on, without gaps or overlaps.  Reports read it instead
-- of folding an item's events again, and without a join: a version
-- carries the content the reports show (code, source, region, category,
-- the original deadline and calendar), kept current with the item's row;
-- the long texts are read from the row where a report shows them.  It is
-- derived: rectify.rebuild_versions() writes it again from the events.
-- ------------------------------------------------------------------
CREATE TABLE rectify.item_versions (
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  valid_to date NOT NULL,
  valid_from date NOT NULL,
  code text NOT NULL,
  source text NOT NULL,
  region rectify.region NOT NULL,
  category text NOT NULL,
  assigned date NOT NULL,
  original_deadline rectify.deadline NOT NULL,
  original_due_date date,
  calendar text NOT NULL,
  calendar_version bigint,
  deadline rectify.deadline NOT NULL,
  due_date date,
  status rectify.item_status NOT NULL,
  progress numeric(5,4) NOT NULL,
  completed_on date,
  closed_on date,
  reopened_count integer NOT NULL,
  last_reopened date,
  escalation_level rectify.escalation_level NOT NULL,
  escalated_on date,
  peak_level rectify.escalation_level NOT NULL,
  recorded_at timestamptz,
  PRIMARY KEY (item_id, valid_to),
  CHECK (valid_from < valid_to)
);
-- a report for D reads the versions that end after D
CREATE INDEX item_versions_valid_to_idx ON rectify.item_versions (valid_to);
COMMENT ON TABLE rectify.item_versions IS
  'the states each item held before its current row, as known now: the state in force from valid_from to the day before valid_to, with the item''s current code, source, region, category, original deadline and calendar (kept by triggers; rectify.rebuild_versions() derives it again from rectify.events)';
COMMENT ON COLUMN rectify.item_versions.valid_to IS 'the first day this state no longer held (the valid_from of the next version or of the row)';
COMMENT ON COLUMN rectify.item_versions.valid_from IS 'the first day this state held';
COMMENT ON COLUMN rectify.item_versions.recorded_at IS 'when the latest fact of this state was recorded (NULL for the state at registration of an item without events)';
SELECT pg_catalog.pg_extension_config_dump('rectify.item_versions', '');

-- item_version(it, valid_from, valid_to): the version of an item's row
-- for those days; the one place an items row becomes a version.
CREATE FUNCTION rectify.item_version(it rectify.items, valid_from date, valid_to date)
  RETURNS rectify.item_versions
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ROW(it.item_id, valid_to, valid_from, it.code, it.source, it.region, it.category,
             it.assigned, it.original_deadline, it.original_due_date, it.calendar,
             it.calendar_version, it.deadline, it.due_date, it.status, it.progress,
             it.completed_on, it.closed_on, it.reopened_count, it.last_reopened,
             it.escalation_level, it.escalated_on, it.peak_level,
             it.recorded_at)::rectify.item_versions;
COMMENT ON FUNCTION rectify.item_version(rectify.items, date, date) IS
  'internal: an item''s row as its version for the days valid_from to valid_to - 1 (rectify.item_versions)';

-- rebuild_versions(item, from_date): writes the versions of an item (every
-- item when NULL) that end after from_date again from its events: one
-- version from each day one of its facts took effect to the next such
-- day, the last one ending where its row begins.  Runs as the owner: the
-- triggers below call it for whoever recorded the fact.
CREATE FUNCTION rectify.rebuild_versions(item bigint DEFAULT NULL, from_date date DEFAULT '-infinity')
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  written bigint;
BEGIN
  DELETE FROM rectify.item_versions v
   WHERE (rebuild_versions.item IS NULL OR v.item_id = rebuild_versions.item)
     AND v.valid_to > rebuild_versions.from_date;
  INSERT INTO rectify.item_versions
  SELECT (rectify.item_version(r, d.day, d.next)).*
    FROM (SELECT s.item_id, s.day, lead(s.day) OVER (PARTITION BY s.item_id ORDER BY s.day) AS next
            FROM (-- where the versions kept end (the assignment when none is kept) ...
                  SELECT i.item_id,
                         coalesce((SELECT max(v.valid_to) FROM rectify.item_versions v
                                    WHERE v.item_id = i.item_id), i.assigned) AS start
                    FROM rectify.items i
                   WHERE rebuild_versions.item IS NULL OR i.item_id = rebuild_versions.item) b
           CROSS JOIN LATERAL (
             -- ... and every later day a fact took effect
             SELECT b.item_id, b.start AS day
             UNION
             SELECT e.item_id, e.happened_on FROM rectify.events e
              WHERE e.item_id = b.item_id AND e.happened_on > b.start
                AND e.kind = ANY (rectify.state_kinds())) s) d
   CROSS JOIN LATERAL (SELECT x FROM rectify.item_replay(d.day, 'infinity', false) x
                        WHERE x.item_id = d.item_id) rr(r)
   WHERE d.next IS NOT NULL
   -- in the order the office would have appended them, so that a report
   -- for a date finds the versions ending after it together
   ORDER BY d.next, d.item_id;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;
REVOKE ALL ON FUNCTION rectify.rebuild_versions(bigint, date) FROM PUBLIC;
COMMENT ON FUNCTION rectify.rebuild_versions(bigint, date) IS
  'internal (owner only): writes rectify.item_versions of an item (of every item when NULL) that end after from_date again from rectify.events; returns the number of versions written';

-- A fact that takes effect after an item's row began closes the row's
-- state: it becomes a version ending on the new valid_from.  A change of
-- the content a version carries is made in all of the item's versions.
-- One statement-level trigger, so that escalate()'s update of thousands
-- of rows writes their versions in one insert.
CREATE FUNCTION rectify.items_keep_versions() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  corrected bigint[];
BEGIN
  INSERT INTO rectify.item_versions
  SELECT (rectify.item_version(o, o.valid_from, n.valid_from)).*
    FROM old_rows o JOIN new_rows n ON n.item_id = o.item_id
   WHERE n.valid_from > o.valid_from;
  -- rare (an administrator's correction, a calendar load): found first,
  -- so that escalate()'s updates read no version
  SELECT array_agg(n.item_id) INTO corrected
    FROM old_rows o JOIN new_rows n ON n.item_id = o.item_id
   WHERE (o.code, o.source, o.region, o.category, o.assigned, o.original_deadline,
          o.original_due_date, o.calendar, o.calendar_version)
         IS DISTINCT FROM (n.code, n.source, n.region, n.category, n.assigned, n.original_deadline,
                           n.original_due_date, n.calendar, n.calendar_version);
  IF corrected IS NOT NULL THEN
    UPDATE rectify.item_versions v
       SET code = i.code, source = i.source, region = i.region, category = i.category,
           assigned = i.assigned, original_deadline = i.original_deadline,
           original_due_date = i.original_due_date, calendar = i.calendar,
           calendar_version = i.calendar_version
      FROM rectify.items i
     WHERE i.item_id = ANY (corrected) AND v.item_id = i.item_id;
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rectify.items_keep_versions() FROM PUBLIC;
COMMENT ON FUNCTION rectify.items_keep_versions() IS
  'trigger: keeps the state an item''s row held before a fact that took effect later (rectify.item_versions), and the content a version carries current';
CREATE TRIGGER items_keep_versions AFTER UPDATE ON rectify.items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.items_keep_versions();

-- A fact dated before the end of an item's kept versions (a backdated
-- fact, a calendar correction) changes what those versions were: they are
-- written again from the events, which now include it.
CREATE FUNCTION rectify.events_revise_versions() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT n.item_id, min(n.happened_on) AS from_date
      FROM new_rows n
     WHERE n.item_id IS NOT NULL AND n.kind = ANY (rectify.state_kinds())
       AND n.happened_on < (SELECT max(v.valid_to) FROM rectify.item_versions v
                             WHERE v.item_id = n.item_id)
     GROUP BY n.item_id ORDER BY n.item_id
  LOOP
    PERFORM rectify.rebuild_versions(r.item_id, r.from_date);
  END LOOP;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rectify.events_revise_versions() FROM PUBLIC;
COMMENT ON FUNCTION rectify.events_revise_versions() IS
  'trigger: writes an item''s versions again from its events when a fact takes effect before their end';
CREATE TRIGGER events_revise_versions AFTER INSERT ON rectify.events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.events_revise_versions();

-- item_states(asof, known_at): every item assigned by asof as it stood on
-- asof, as known at known_at (default: now).  The reports read it.
CREATE FUNCTION rectify.item_states(asof date, known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS SETOF rectify.items
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT i.* FROM rectify.items i
   WHERE i.assigned <= item_states.asof
     AND i.valid_from <= item_states.asof AND i.recorded_at <= item_states.known_at
  UNION ALL
  SELECT v.item_id, v.code, v.source, t.batch, v.region, v.category, t.problem, t.target, t.leader,
         v.deadline, t.deadline_text, v.assigned, v.due_date, v.original_deadline, v.original_due_date,
         v.status, v.progress, v.completed_on, v.closed_on, v.reopened_count, v.last_reopened,
         v.escalation_level, v.escalated_on, v.peak_level,
         NULL::date,                    -- escalation_next: a date to come, not a state
         v.calendar, v.calendar_version, t.source_ref, t.note, v.valid_from, v.recorded_at
    FROM rectify.item_versions v
    -- the texts, read (and the join made) only where a report shows them
    LEFT JOIN rectify.items t ON t.item_id = v.item_id
   WHERE v.valid_from <= item_states.asof AND v.valid_to > item_states.asof
     AND NOT EXISTS (SELECT FROM rectify.items j
                      WHERE j.item_id = v.item_id AND j.recorded_at > item_states.known_at)
  UNION ALL
  SELECT r.* FROM rectify.item_replay(item_states.asof, item_states.known_at, true) r;
END;
COMMENT ON FUNCTION rectify.item_states(date, timestamptz) IS
  'every item assigned by asof as it stood on asof (status, progress, completion, closing, deadline and due date, reopenings, escalation level and the highest reached) as known at known_at: its row, or the version that held then (rectify.item_versions), or for an item with a fact recorded after known_at its state rebuilt from rectify.events; escalation_next is NULL in an earlier state';

-- responsibilities_at(asof, known_at): the responsibility list on asof as
-- known at known_at: the rows in force then, including those that ended
-- later or whose ending was recorded later.
CREATE FUNCTION rectify.responsibilities_at(asof date, known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (item_id bigint, unit_id integer, role text, seq integer)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT r.item_id, r.unit_id, r.role, r.seq FROM rectify.responsibilities r
   WHERE r.since <= responsibilities_at.asof AND r.recorded_at <= responsibilities_at.known_at
  UNION ALL
  SELECT x.item_id, x.unit_id, x.role, x.seq FROM rectify.responsibilities_ended x
   WHERE x.since <= responsibilities_at.asof AND x.recorded_at <= responsibilities_at.known_at
     AND (x.ended_on > responsibilities_at.asof OR x.ended_recorded_at > responsibilities_at.known_at);
END;
COMMENT ON FUNCTION rectify.responsibilities_at(date, timestamptz) IS
  'the responsibility list (item, unit, role, order) in force on asof as known at known_at';
