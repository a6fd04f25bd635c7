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
-- items.recorded_at on.  So item_states(D, K) takes the row as it is when
-- valid_from <= D and recorded_at <= K (most items, for most dates), and
-- rebuilds the others from their events (item_replay).  Both are plain
-- SQL functions the planner inlines: they read as the caller, so
-- row-level security applies, and an officer's query still reads only
-- the officer's items through their index.
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
-- events.  With stale_only, only the items whose row is not their state
-- on asof as known at known_at.  Facts of one kind are recorded in date
-- order (check_on_date, check_in_order), so "the latest" of a kind is the
-- latest by (happened_on, event_id).
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
     AND NOT (item_replay.stale_only AND i.valid_from <= item_replay.asof
              AND i.recorded_at <= item_replay.known_at);
END;
COMMENT ON FUNCTION rectify.item_replay(date, timestamptz, boolean) IS
  'internal: items assigned by asof rebuilt from the events that took effect by asof and were recorded by known_at (only those whose row is not their state then, with stale_only); see rectify.item_states';

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
  SELECT r.* FROM rectify.item_replay(item_states.asof, item_states.known_at, true) r;
END;
COMMENT ON FUNCTION rectify.item_states(date, timestamptz) IS
  'every item assigned by asof as it stood on asof (status, progress, completion, closing, deadline and due date, reopenings, escalation level and the highest reached) as known at known_at, rebuilt from rectify.events where the row has changed since; escalation_next is NULL in a rebuilt row';

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
