-- ===========================================================================
-- Audit trail.  The lifecycle functions record registration, status,
-- send-backs, reopenings, deadline extensions, progress, escalation and
-- responsibilities added; these triggers record what can change by other
-- paths: responsibility rows changed or removed, the content of an item
-- (content_changed), due dates re-resolved after a calendar load
-- (due_date_changed), and the status and verified amounts of reduction
-- projects (project_status / verified_amount, on the project's item when
-- it has one, else with project_id only).  Inserts are not audited, so a
-- pg_restore, which copies rows in, adds no history.
-- ===========================================================================

-- The day is the one unassign_unit was given (rectify.fact_date), else today.
CREATE FUNCTION rectify.responsibilities_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  on_date date := coalesce(nullif(current_setting('rectify.fact_date'), '')::date, rectify.today());
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value)
      SELECT OLD.item_id, on_date, 'responsibility_removed', OLD.role || ': ' || u.name
        FROM rectify.units u WHERE u.unit_id = OLD.unit_id;
    -- the list as it stood before keeps its answer (rectify.responsibilities_at);
    -- a row removed on the day it began was never in force
    INSERT INTO rectify.responsibilities_ended (item_id, unit_id, role, seq, since, recorded_at, ended_on)
      SELECT OLD.item_id, OLD.unit_id, OLD.role, OLD.seq, OLD.since, OLD.recorded_at, on_date
       WHERE on_date > OLD.since;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, to_value)
      SELECT NEW.item_id, on_date, 'responsibility_added', NEW.role || ': ' || u.name
        FROM rectify.units u WHERE u.unit_id = NEW.unit_id;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.responsibilities_audit() IS
  'trigger: records changes and removals of responsibility rows in rectify.events (rectify.assign_unit records additions)';
CREATE TRIGGER responsibilities_audit AFTER UPDATE OR DELETE ON rectify.responsibilities
  FOR EACH ROW EXECUTE FUNCTION rectify.responsibilities_audit();

-- content, and due dates re-resolved by a calendar load
CREATE FUNCTION rectify.items_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  content text[] := ARRAY['code', 'source', 'batch', 'region', 'category', 'problem', 'target', 'leader', 'deadline_text'];
  o jsonb := to_jsonb(OLD);
  n jsonb := to_jsonb(NEW);
  k text;
BEGIN
  FOREACH k IN ARRAY content LOOP
    IF o -> k IS DISTINCT FROM n -> k THEN
      INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value)
        VALUES (NEW.item_id, rectify.today(), 'content_changed', k || ': ' || coalesce(o ->> k, 'NULL'),
                k || ': ' || coalesce(n ->> k, 'NULL'));
    END IF;
  END LOOP;
  IF NEW.due_date IS DISTINCT FROM OLD.due_date AND NEW.deadline = OLD.deadline THEN
    -- a correction of the due date the item had from its registration or
    -- last extension: dated that day, recorded now
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, due_date)
      VALUES (NEW.item_id,
              coalesce((SELECT max(e.happened_on) FROM rectify.events e
                         WHERE e.item_id = NEW.item_id AND e.kind IN ('registered', 'deadline_extended')),
                       NEW.assigned),
              'due_date_changed', OLD.due_date::text, NEW.due_date::text,
              format('calendar %s version %s', NEW.calendar, NEW.calendar_version), NEW.due_date);
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.items_audit() IS
  'trigger: records changes of an item''s content and due-date re-resolutions in rectify.events';
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

-- measures: completion (by rectify.complete_measure, or corrected by an
-- administrator) and content; effects (效果清单): changes and removals
CREATE FUNCTION rectify.measures_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NEW.completed_on IS DISTINCT FROM OLD.completed_on THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value)
      VALUES (NEW.item_id, coalesce(NEW.completed_on, rectify.today()), 'measure_completed',
              CASE WHEN OLD.completed_on IS NOT NULL THEN format('done on %s', OLD.completed_on) END,
              format('measure %s: %s', NEW.seq, NEW.description)
                || CASE WHEN NEW.completed_on IS NULL THEN ' (not done)' ELSE '' END);
  END IF;
  IF (NEW.description, NEW.deadline) IS DISTINCT FROM (OLD.description, OLD.deadline) THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value)
      VALUES (NEW.item_id, rectify.today(), 'content_changed',
              format('measure %s: %s (%s)', OLD.seq, OLD.description, coalesce(OLD.deadline::text, 'item deadline')),
              format('measure %s: %s (%s)', NEW.seq, NEW.description, coalesce(NEW.deadline::text, 'item deadline')));
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.measures_audit() IS
  'trigger: records a measure''s completion (measure_completed) and changes of its text or deadline (content_changed) in rectify.events';
CREATE TRIGGER measures_audit AFTER UPDATE ON rectify.measures
  FOR EACH ROW
  WHEN ((OLD.completed_on, OLD.description, OLD.deadline) IS DISTINCT FROM (NEW.completed_on, NEW.description, NEW.deadline))
  EXECUTE FUNCTION rectify.measures_audit();

CREATE FUNCTION rectify.effects_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value)
    VALUES (OLD.item_id, rectify.today(), 'content_changed',
            format('effect %s: %s (target %s, achieved %s %s)', OLD.effect_id, OLD.description,
                   coalesce(OLD.target_value::text, '-'), coalesce(OLD.achieved_value::text, '-'),
                   coalesce(OLD.measure_unit, '')),
            CASE WHEN TG_OP = 'UPDATE' THEN
              format('effect %s: %s (target %s, achieved %s %s)', NEW.effect_id, NEW.description,
                     coalesce(NEW.target_value::text, '-'), coalesce(NEW.achieved_value::text, '-'),
                     coalesce(NEW.measure_unit, '')) END);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.effects_audit() IS
  'trigger: records changes and removals of an item''s effects (效果清单) in rectify.events (content_changed)';
CREATE TRIGGER effects_audit AFTER UPDATE OR DELETE ON rectify.effects
  FOR EACH ROW EXECUTE FUNCTION rectify.effects_audit();

-- reduction projects: status and verified amounts
CREATE FUNCTION rectify.projects_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  p rectify.reduction_projects;
BEGIN
  IF TG_TABLE_NAME = 'reduction_projects' THEN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
      INSERT INTO rectify.events (item_id, project_id, happened_on, kind, from_value, to_value, approved_by)
        VALUES (NEW.item_id, NEW.project_id, coalesce(NEW.verified_on, NEW.completed_on, rectify.today()),
                'project_status', OLD.status::text, NEW.status::text, NEW.verified_by);
    END IF;
  ELSIF NEW.verified IS DISTINCT FROM OLD.verified THEN
    SELECT * INTO p FROM rectify.reduction_projects r WHERE r.project_id = NEW.project_id;
    INSERT INTO rectify.events (item_id, project_id, happened_on, kind, from_value, to_value, reason)
      VALUES (p.item_id, p.project_id, rectify.today(), 'verified_amount', OLD.verified::text,
              NEW.verified::text, 'claimed ' || NEW.claimed::text);
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.projects_audit() IS
  'trigger: records reduction project status changes and verified amounts in rectify.events';
CREATE TRIGGER projects_audit AFTER UPDATE ON rectify.reduction_projects
  FOR EACH ROW EXECUTE FUNCTION rectify.projects_audit();
CREATE TRIGGER projects_audit AFTER UPDATE ON rectify.project_amounts
  FOR EACH ROW EXECUTE FUNCTION rectify.projects_audit();
-- item_asof(item, asof, known_at): one item as it stood at the end of day
-- asof, as known at known_at (rectify.item_states), with its responsible
-- units then.
CREATE FUNCTION rectify.item_asof(item bigint, asof date, known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (item_id bigint, code text, status rectify.item_status, deadline rectify.deadline,
                 due_date date, progress numeric, escalation_level rectify.escalation_level,
                 completed_on date, closed_on date, units text[])
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.require_date(asof, 'the date of item_asof', 'Give the day to rebuild, such as 2022-06-30.');
  IF known_at IS NULL THEN
    RAISE EXCEPTION 'known_at must not be NULL'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the moment to answer as known at, or omit it for now().';
  END IF;
  RETURN QUERY
    SELECT s.item_id, s.code, s.status, s.deadline, s.due_date, s.progress, s.escalation_level,
           s.completed_on, s.closed_on,
           coalesce((SELECT array_agg(r.role || ': ' || u.name ORDER BY r.role DESC, r.seq)
                       FROM rectify.responsibilities_at(asof, known_at) r JOIN rectify.units u USING (unit_id)
                      WHERE r.item_id = s.item_id), '{}')
      FROM rectify.item_states(asof, known_at) s
     WHERE s.item_id = item_asof.item;
END $$;
COMMENT ON FUNCTION rectify.item_asof(bigint, date, timestamptz) IS
  'an item''s status, deadline, due date, progress, escalation level, completion and closing dates and responsible units ("role: unit") as they stood on asof, as known at known_at (default now)';
