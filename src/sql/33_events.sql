-- ------------------------------------------------------------------
-- The history (rectify.events): one append-only row for every change of
-- an item or a reduction project, written by rectify's functions and by
-- the audit triggers (75_audit.sql).  Reports rebuild past states from it.
-- ------------------------------------------------------------------

-- The kinds of event, in one list used by the table's CHECK constraint.
CREATE FUNCTION rectify.event_kinds() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY[
    -- lifecycle
    'registered', 'status', 'sent_back', 'reopened', 'deadline_extended', 'progress',
    'due_date_changed', 'measure_completed',
    -- escalation
    'escalated', 'escalated_manually', 'escalation_ended',
    -- responsibility list
    'responsibility_added', 'responsibility_removed',
    -- content
    'content_changed',
    -- reduction projects
    'project_status', 'verified_amount'];
COMMENT ON FUNCTION rectify.event_kinds() IS
  'the kinds of event: lifecycle (registered, status, sent_back, reopened, deadline_extended, progress, due_date_changed, measure_completed), escalation (escalated, escalated_manually, escalation_ended), responsibility (responsibility_added, responsibility_removed), content_changed, and reduction projects (project_status, verified_amount)';

CREATE TABLE rectify.events (
  event_id bigserial PRIMARY KEY,
  item_id bigint REFERENCES rectify.items,
  happened_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  -- events are written inside SECURITY DEFINER functions: record the caller
  actor text NOT NULL DEFAULT rectify.caller(),
  kind text NOT NULL CONSTRAINT events_kind_check CHECK (kind = ANY (rectify.event_kinds())),
  from_value text,
  to_value text,
  -- a change made by direct SQL takes its reason from SET LOCAL rectify.reason
  reason text DEFAULT nullif(pg_catalog.current_setting('rectify.reason', true), ''),
  approved_by text,
  days_overdue integer,
  -- the due date a deadline_extended or due_date_changed event set
  due_date date,
  project_id bigint REFERENCES rectify.reduction_projects ON DELETE SET NULL,
  CONSTRAINT events_item_or_project CHECK (item_id IS NOT NULL OR project_id IS NOT NULL)
);
COMMENT ON TABLE rectify.events IS
  'append-only history of every item: registration, status changes, send-backs, reopenings, deadline extensions (延期), progress reports';
COMMENT ON COLUMN rectify.events.happened_on IS 'the office date the change took effect (asof)';
COMMENT ON COLUMN rectify.events.recorded_at IS 'when it was written';
COMMENT ON COLUMN rectify.events.actor IS 'the role that made the change (rectify.caller(): follows SET ROLE)';
COMMENT ON COLUMN rectify.events.approved_by IS 'who approved a deadline extension';
COMMENT ON COLUMN rectify.events.days_overdue IS 'days overdue at an escalation step';
COMMENT ON COLUMN rectify.events.due_date IS 'the due date a deadline extension or a calendar re-resolution set';
COMMENT ON COLUMN rectify.events.project_id IS 'the reduction project of a project_status or verified_amount event';
COMMENT ON SEQUENCE rectify.events_event_id_seq IS 'ids of rectify.events, in recording order';
-- an item's history in order; the columns a rebuild of its state reads
-- are in the index, so that rebuilding reads no event row
CREATE INDEX events_item_idx ON rectify.events (item_id, event_id)
  INCLUDE (happened_on, recorded_at, kind, to_value, due_date);
CREATE INDEX events_project_idx ON rectify.events (project_id) WHERE project_id IS NOT NULL;
SELECT pg_catalog.pg_extension_config_dump('rectify.events', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.events_event_id_seq', '');

-- The history is evidence: rows are added, never changed or removed, by
-- anyone but the owner (no role is granted UPDATE, DELETE or TRUNCATE).
REVOKE UPDATE, DELETE, TRUNCATE ON rectify.events FROM PUBLIC;

CREATE FUNCTION rectify.events_append_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'rectify.events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a correction as a new event instead.';
END $$;
COMMENT ON FUNCTION rectify.events_append_only() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE on rectify.events';
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON rectify.events
  FOR EACH ROW EXECUTE FUNCTION rectify.events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON rectify.events
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.events_append_only();