-- ------------------------------------------------------------------
-- The ledger core: one trigger fills what a new item derives, one guards
-- every change of an item.  Which columns a role may write at all is
-- decided by its grants (70_security.sql: no role may UPDATE a lifecycle
-- or escalation column directly); these triggers decide, for the changes
-- rectify's own functions make on a caller's behalf, whether that caller
-- may make them, and keep the derived columns true.
-- ------------------------------------------------------------------

-- items_derive: a new item's calendar (the calendar of its region, the most
-- specific one, else cn), its due dates for every form of deadline (in its
-- calendar when counted in working days), its original deadline and the
-- first date its escalation level can rise.  A restore brings its own
-- calendar, due dates and original deadline, and keeps them.
CREATE FUNCTION rectify.items_derive() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may insert rectification items');
  END IF;
  IF NEW.calendar IS NULL THEN
    SELECT c.name INTO NEW.calendar FROM rectify.calendars c
     WHERE c.region IS NOT NULL AND c.region @> NEW.region
     ORDER BY c.region DESC LIMIT 1;
    NEW.calendar := coalesce(NEW.calendar, 'cn');
  END IF;
  NEW.original_deadline := coalesce(NEW.original_deadline, NEW.deadline);
  NEW.valid_from := coalesce(NEW.valid_from, NEW.assigned);
  IF NEW.due_date IS NULL THEN
    IF rectify.needs_calendar(NEW.deadline) THEN
      NEW.due_date := rectify.resolve_due(NEW.deadline, NEW.assigned, NEW.calendar);
      NEW.calendar_version := rectify.calendar_version(NEW.calendar);
    ELSE
      NEW.due_date := rectify.due_date(NEW.deadline, NEW.assigned,
                                       (SELECT immediate_days FROM rectify.office));
    END IF;
  END IF;
  IF NEW.original_due_date IS NULL THEN
    IF NEW.original_deadline = NEW.deadline THEN
      NEW.original_due_date := NEW.due_date;
    ELSIF rectify.needs_calendar(NEW.original_deadline) THEN
      NEW.original_due_date := rectify.resolve_due(NEW.original_deadline, NEW.assigned, NEW.calendar);
    END IF;
  END IF;
  NEW.escalation_next := rectify.escalation_next_change(NEW);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_derive() IS
  'trigger: a new item''s calendar, due dates, original deadline and next escalation date; administrators only (42501)';
CREATE TRIGGER items_derive BEFORE INSERT ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_derive();

-- items_guard: who may change what on an item, and the escalation that
-- follows from the change.
--   * Administrators may change anything their grants allow.  Any other
--     caller reaches items only through rectify's functions, and may change
--     the columns of `steps` alone: an officer of a primary unit its
--     progress and the work and submission steps, a verifier 核查, 备案 and
--     send-backs (step_role); 42501 otherwise.
--   * Completing an item ends its escalation (the level goes back to none,
--     the history keeps the steps); any other change moves the date on
--     which the level can next rise.  escalate() sets that date itself
--     together with the level, and is let through untouched.
CREATE FUNCTION rectify.items_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  steps constant text[] := ARRAY['status', 'completed_on', 'closed_on', 'progress', 'reopened_count',
                                 'last_reopened', 'escalation_level', 'escalated_on', 'escalation_next'];
  changed text[];
  part text;
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
     WHERE n.value IS DISTINCT FROM o.value
       -- when a fact took effect and was recorded follow the fact
       AND n.key NOT IN ('valid_from', 'recorded_at');
    IF NEW.status IS DISTINCT FROM OLD.status THEN
      part := rectify.step_role(OLD.status, NEW.status);
      IF NOT changed <@ steps THEN
        PERFORM rectify.deny(format('a status step may not change %s of item "%s"',
                                    array_to_string(array(SELECT unnest(changed) EXCEPT SELECT unnest(steps)), ', '), OLD.code));
      ELSIF part = 'officer' AND NOT rectify.is_primary(OLD.item_id) THEN
        PERFORM rectify.deny(format('only an officer of a primary unit of item "%s" may move it from %s to %s',
                                    OLD.code, OLD.status, NEW.status));
      ELSIF part = 'verifier' AND NOT rectify.caller_is('verifier') THEN
        PERFORM rectify.deny(format('only a verifier may move item "%s" from %s to %s', OLD.code, OLD.status, NEW.status));
      ELSIF part = 'admin' THEN
        PERFORM rectify.deny(format('only an administrator may move item "%s" from %s to %s', OLD.code, OLD.status, NEW.status));
      END IF;
    ELSIF changed <@ ARRAY['progress', 'escalation_next'] THEN
      IF 'progress' = ANY (changed) AND NOT rectify.is_primary(OLD.item_id) THEN
        PERFORM rectify.deny(format('only an officer of a primary unit of item "%s" may report its progress', OLD.code));
      END IF;
    ELSE
      PERFORM rectify.deny(format('only an administrator may change %s of item "%s"',
                                  array_to_string(changed, ', '), OLD.code));
    END IF;
  END IF;
  IF NEW.escalation_next IS DISTINCT FROM OLD.escalation_next
     AND NEW.escalated_on IS DISTINCT FROM OLD.escalated_on THEN
    RETURN NEW;                         -- escalate()'s own step
  END IF;
  IF OLD.completed_on IS NULL AND NEW.completed_on IS NOT NULL AND OLD.escalation_level > 'none' THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
      VALUES (NEW.item_id, NEW.completed_on, 'escalation_ended', OLD.escalation_level::text, 'none',
              'completed (整改完成): escalation ends');
    NEW.escalation_level := 'none';
  END IF;
  -- a calendar load corrects a due date: the correction holds from the day
  -- the due date was set (items_audit records it so), and is known from now
  IF NEW.due_date IS DISTINCT FROM OLD.due_date AND NEW.deadline = OLD.deadline THEN
    NEW.recorded_at := pg_catalog.now();
  END IF;
  NEW.escalation_next := rectify.escalation_next_change(NEW);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_guard() IS
  'trigger: who may change what on an item (admin anything its grants allow; officer of a primary unit progress and submission steps; verifier 核查/备案/send-back; 42501 otherwise); ends escalation on completion and keeps escalation_next current';
-- escalate()'s own update by an administrator (or the superuser running
-- the pg_cron job) needs neither check: it skips the PL/pgSQL call.
CREATE TRIGGER items_guard BEFORE UPDATE ON rectify.items
  FOR EACH ROW
  WHEN (NOT (NEW.escalation_next IS DISTINCT FROM OLD.escalation_next
             AND NEW.escalated_on IS DISTINCT FROM OLD.escalated_on)
        OR NOT rectify.caller_is('admin'))
  EXECUTE FUNCTION rectify.items_guard();
COMMENT ON TRIGGER items_guard ON rectify.items IS
  'checks who may change what and keeps the escalation columns true; escalate()''s own update by an administrator passes without the trigger running';

-- measures_stamp: the moment a measure's completion (or its correction)
-- was recorded, for reports as known at an earlier moment
-- (rectify.measure_states).  Named to run after measures_authorize.
CREATE FUNCTION rectify.measures_stamp() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.completed_recorded_at := pg_catalog.now();
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.measures_stamp() IS
  'trigger: records when a measure''s completion date was set or changed (completed_recorded_at)';
CREATE TRIGGER measures_stamp BEFORE UPDATE OF completed_on ON rectify.measures
  FOR EACH ROW WHEN (NEW.completed_on IS DISTINCT FROM OLD.completed_on)
  EXECUTE FUNCTION rectify.measures_stamp();
COMMENT ON TRIGGER measures_stamp ON rectify.measures IS
  'stamps completed_recorded_at when completed_on changes';
