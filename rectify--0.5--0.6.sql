\echo Use "ALTER EXTENSION rectify UPDATE TO '0.6'" to load this file. \quit
-- ===========================================================================
-- rectify 0.6: trust — roles, row-level security, audit trail, batch import.
--
-- Design (see README "Security"):
--   * Four group roles, created by rectify.setup_roles() (called by the DBA,
--     never by CREATE EXTENSION): admin, officer, verifier, reader.  Their
--     names are recorded in rectify.role_names, so policies and checks work
--     whatever the DBA called them.
--   * Nobody but the extension owner gets INSERT/DELETE on the ledger tables,
--     and nobody gets UPDATE on a lifecycle column.  Every change goes
--     through the lifecycle functions, which are SECURITY DEFINER (pinned
--     search_path) so they can write, and check the CALLER explicitly:
--     the caller is session_user (the login role; inside a SECURITY DEFINER
--     function current_user is the owner).  The checks live in triggers
--     (items_authorize, ...), so they hold for every path that writes.
--   * Direct reads are filtered by row-level security policies keyed on the
--     same caller; superusers and the table owner bypass RLS as always.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Role names and officer bindings.
-- ---------------------------------------------------------------------------

CREATE TABLE rectify.role_names (
  kind text PRIMARY KEY CHECK (kind IN ('admin', 'officer', 'verifier', 'reader')),
  role_name text NOT NULL CHECK (btrim(role_name) <> '')
);
COMMENT ON TABLE rectify.role_names IS
  'the group role playing each part (admin, officer, verifier, reader); written by rectify.setup_roles()';

CREATE TABLE rectify.officer_units (
  role_name text NOT NULL CHECK (btrim(role_name) <> ''),
  unit_id integer NOT NULL REFERENCES rectify.units,
  PRIMARY KEY (role_name, unit_id)
);
COMMENT ON TABLE rectify.officer_units IS
  'binds an officer login role (or a group it belongs to) to the units it acts for; managed by rectify.bind_officer()';
CREATE INDEX officer_units_unit_idx ON rectify.officer_units (unit_id);

SELECT pg_catalog.pg_extension_config_dump('rectify.role_names', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.officer_units', '');

-- ---------------------------------------------------------------------------
-- Who is calling.  All SECURITY DEFINER (they read tables the caller may
-- not), STABLE, pinned search_path, no dynamic SQL.
-- ---------------------------------------------------------------------------

-- caller_is(kind): the session user is a superuser, or a member of the role
-- playing that part.  Admins are not implicitly officers or verifiers: the
-- checks always ask "admin OR ...".
CREATE FUNCTION rectify.caller_is(kind text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles s WHERE s.rolname = session_user AND s.rolsuper)
      OR EXISTS (SELECT 1 FROM rectify.role_names r JOIN pg_catalog.pg_roles p ON p.rolname = r.role_name
                  WHERE r.kind = caller_is.kind
                    AND pg_catalog.pg_has_role(session_user, p.oid, 'MEMBER'))
$$;
COMMENT ON FUNCTION rectify.caller_is(text) IS
  'true if the session user is a superuser or a member of the role playing this part (admin, officer, verifier, reader)';

-- The units the session user acts for (bindings of itself or of a role it
-- is a member of).
CREATE FUNCTION rectify.caller_units() RETURNS SETOF integer
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT o.unit_id FROM rectify.officer_units o JOIN pg_catalog.pg_roles p ON p.rolname = o.role_name
   WHERE pg_catalog.pg_has_role(session_user, p.oid, 'MEMBER')
$$;
COMMENT ON FUNCTION rectify.caller_units() IS 'the units the session user is bound to (rectify.officer_units)';

-- may_see_item(item): admin and verifier see every item; an officer the items
-- its units are responsible for (any role) or that lie within a region of
-- one of its units.
CREATE FUNCTION rectify.may_see_item(item bigint) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT rectify.caller_is('admin') OR rectify.caller_is('verifier')
      OR (rectify.caller_is('officer') AND (
            EXISTS (SELECT 1 FROM rectify.responsibilities r
                     WHERE r.item_id = may_see_item.item AND r.unit_id IN (SELECT rectify.caller_units()))
         OR EXISTS (SELECT 1 FROM rectify.items i JOIN rectify.units u ON u.region IS NOT NULL
                     WHERE i.item_id = may_see_item.item
                       AND u.unit_id IN (SELECT rectify.caller_units())
                       AND i.region OPERATOR(rectify.<@) u.region)))
$$;
COMMENT ON FUNCTION rectify.may_see_item(bigint) IS
  'whether the session user may read an item: admin, verifier, or an officer whose units are responsible for it or whose units'' regions contain it';

-- is_primary(item): one of the caller's units is a primary unit of the item.
CREATE FUNCTION rectify.is_primary(item bigint) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT rectify.caller_is('officer') AND EXISTS (
    SELECT 1 FROM rectify.responsibilities r
     WHERE r.item_id = is_primary.item AND r.role = 'primary'
       AND r.unit_id IN (SELECT rectify.caller_units()))
$$;
COMMENT ON FUNCTION rectify.is_primary(bigint) IS
  'whether the session user is an officer of one of the item''s primary units (主体责任单位)';

-- deny(what): raise 42501.
CREATE FUNCTION rectify.deny(what text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'permission denied: %', what
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'See the Security section of the rectify README for what each role may do.';
END $$;
COMMENT ON FUNCTION rectify.deny(text) IS 'raises 42501 (insufficient_privilege) with the reason';

-- ---------------------------------------------------------------------------
-- Authorization triggers: they hold for every path that writes (the
-- SECURITY DEFINER functions and any direct SQL).
-- ---------------------------------------------------------------------------

-- The steps each part may take.  Officers (of a primary unit) do the work
-- and submit it for sign-off; verifiers perform 核查 and 备案 and send back;
-- reopening (回头看) and everything else is for admins.
CREATE FUNCTION rectify.step_role(from_status rectify.item_status, to_status rectify.item_status)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT CASE
    WHEN from_status IN ('registered', 'in_progress', 'reopened') AND to_status IN ('in_progress', 'completed')
      THEN 'officer'
    WHEN (from_status, to_status) IN (('completed', 'preliminary_review'),
                                      ('preliminary_review', 'public_notice'),
                                      ('public_notice', 'applied'))
      THEN 'officer'
    WHEN (from_status, to_status) IN (('applied', 'verified'), ('verified', 'closed'))
      THEN 'verifier'
    WHEN to_status = 'in_progress' THEN 'verifier'   -- send-back (退回)
    ELSE 'admin' END
$$;
COMMENT ON FUNCTION rectify.step_role(rectify.item_status, rectify.item_status) IS
  'which part may take a status step: officer (work and submission), verifier (核查, 备案, send-back), admin (the rest)';

CREATE FUNCTION rectify.items_authorize() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  changed text[];
  side text[] := ARRAY['status', 'completed_on', 'closed_on', 'progress', 'reopened_count',
                       'escalation_level', 'escalated_on', 'escalation_next'];
  part text;
BEGIN
  IF rectify.caller_is('admin') THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP <> 'UPDATE' THEN
    PERFORM rectify.deny(format('only an administrator may %s rectification items', lower(TG_OP)));
  END IF;
  SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO changed
    FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
   WHERE n.value IS DISTINCT FROM o.value;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    part := rectify.step_role(OLD.status, NEW.status);
    IF NOT changed <@ side THEN
      PERFORM rectify.deny(format('a status step may not change %s of item "%s"',
                                  array_to_string(array(SELECT unnest(changed) EXCEPT SELECT unnest(side)), ', '), OLD.code));
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
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_authorize() IS
  'trigger: who may change what on an item (admin anything; officer of a primary unit progress and submission steps; verifier 核查/备案/send-back); 42501 otherwise';
-- "items_authorize" sorts before the other BEFORE triggers: it sees the row
-- as the statement set it.
CREATE TRIGGER items_authorize BEFORE INSERT OR UPDATE OR DELETE ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_authorize();

-- The item's lists (measures, responsibilities, effects) and units: admins.
CREATE FUNCTION rectify.admin_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny(format('only an administrator may %s rows of rectify.%s', lower(TG_OP), TG_TABLE_NAME));
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION rectify.admin_only() IS 'trigger: only administrators (and superusers) write this table; 42501 otherwise';
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.measures
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.responsibilities
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.effects
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.units
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.officer_units
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();

-- Reduction projects: admins; verifiers only verify (核查).
CREATE FUNCTION rectify.projects_authorize() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF rectify.caller_is('admin') THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF rectify.caller_is('verifier') AND TG_OP = 'UPDATE' AND (
       (TG_TABLE_NAME = 'reduction_projects' AND OLD.status = 'completed' AND NEW.status = 'verified'
        AND (to_jsonb(NEW) - ARRAY['status', 'verified_on', 'verified_by'])
            = (to_jsonb(OLD) - ARRAY['status', 'verified_on', 'verified_by']))
    OR (TG_TABLE_NAME = 'project_amounts' AND OLD.verified IS NULL
        AND (to_jsonb(NEW) - 'verified') = (to_jsonb(OLD) - 'verified'))) THEN
    RETURN NEW;
  END IF;
  PERFORM rectify.deny(format('only an administrator may %s rows of rectify.%s (verifiers only verify)',
                              lower(TG_OP), TG_TABLE_NAME));
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.projects_authorize() IS
  'trigger: reduction projects are written by administrators; verifiers may only verify (核查) a completed project';
CREATE TRIGGER projects_authorize BEFORE INSERT OR UPDATE OR DELETE ON rectify.reduction_projects
  FOR EACH ROW EXECUTE FUNCTION rectify.projects_authorize();
CREATE TRIGGER projects_authorize BEFORE INSERT OR UPDATE OR DELETE ON rectify.project_amounts
  FOR EACH ROW EXECUTE FUNCTION rectify.projects_authorize();

-- lock_item: as in 0.1, but a caller who may not see the item is refused
-- with 42501 whether or not it exists (no probing for ids).
CREATE OR REPLACE FUNCTION rectify.lock_item(item bigint) RETURNS rectify.items
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items;
BEGIN
  IF item IS NOT NULL AND NOT rectify.may_see_item(item)
     AND NOT (rectify.caller_is('admin') OR rectify.caller_is('verifier')) THEN
    PERFORM rectify.deny(format('rectification item %s is not visible to %s', item, session_user));
  END IF;
  SELECT * INTO it FROM rectify.items WHERE item_id = item FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rectification item % does not exist', coalesce(item::text, 'NULL')
      USING ERRCODE = 'no_data_found';
  END IF;
  RETURN it;
END $$;

-- The functions that write run as their owner and rely on the triggers
-- above for the caller check; their search_path is already pinned.
ALTER FUNCTION rectify.register_item(text, rectify.region, text, text, date, text, text, text, text, text) SECURITY DEFINER;
ALTER FUNCTION rectify.assign_unit(bigint, text, text) SECURITY DEFINER;
ALTER FUNCTION rectify.assign_unit(bigint, text, text) SET rectify.in_api = 'on';
ALTER FUNCTION rectify.add_measure(bigint, text, text) SECURITY DEFINER;
ALTER FUNCTION rectify.advance(bigint, rectify.item_status, date, text) SECURITY DEFINER;
ALTER FUNCTION rectify.report_progress(bigint, numeric, date, text) SECURITY DEFINER;
ALTER FUNCTION rectify.extend_deadline(bigint, rectify.deadline, text, text, date) SECURITY DEFINER;
ALTER FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) SECURITY DEFINER;
ALTER FUNCTION rectify.add_reduction_project(text, text, rectify.region, integer, rectify.reduction_kind, rectify.emission[], bigint) SECURITY DEFINER;
ALTER FUNCTION rectify.set_project_status(bigint, rectify.project_status, date) SECURITY DEFINER;
ALTER FUNCTION rectify.verify_project(bigint, rectify.emission[], date, text) SECURITY DEFINER;

-- Events are written inside SECURITY DEFINER functions: record the login.
ALTER TABLE rectify.events ALTER COLUMN actor SET DEFAULT SESSION_USER;
COMMENT ON COLUMN rectify.events.actor IS 'the session (login) role that made the change';

-- ---------------------------------------------------------------------------
-- Row-level security.  Policies apply to every role but the owner and
-- superusers; they are written for PUBLIC and ask who the caller is, so
-- they need no role to exist when the extension is created.
-- ---------------------------------------------------------------------------

ALTER TABLE rectify.items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_read ON rectify.items FOR SELECT USING (rectify.may_see_item(item_id));
CREATE POLICY items_admin_update ON rectify.items FOR UPDATE
  USING (rectify.caller_is('admin')) WITH CHECK (rectify.caller_is('admin'));

ALTER TABLE rectify.measures ENABLE ROW LEVEL SECURITY;
CREATE POLICY measures_read ON rectify.measures FOR SELECT USING (rectify.may_see_item(item_id));
CREATE POLICY measures_admin_update ON rectify.measures FOR UPDATE
  USING (rectify.caller_is('admin')) WITH CHECK (rectify.caller_is('admin'));

ALTER TABLE rectify.responsibilities ENABLE ROW LEVEL SECURITY;
CREATE POLICY responsibilities_read ON rectify.responsibilities FOR SELECT USING (rectify.may_see_item(item_id));

ALTER TABLE rectify.effects ENABLE ROW LEVEL SECURITY;
CREATE POLICY effects_read ON rectify.effects FOR SELECT USING (rectify.may_see_item(item_id));
CREATE POLICY effects_admin_write ON rectify.effects FOR ALL
  USING (rectify.caller_is('admin')) WITH CHECK (rectify.caller_is('admin'));

ALTER TABLE rectify.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_read ON rectify.events FOR SELECT USING (rectify.may_see_item(item_id));

ALTER TABLE rectify.officer_units ENABLE ROW LEVEL SECURITY;
CREATE POLICY officer_units_read ON rectify.officer_units FOR SELECT
  USING (rectify.caller_is('admin') OR unit_id IN (SELECT rectify.caller_units()));

-- Views that read the ledger answer as the caller.
ALTER VIEW rectify.open_items SET (security_invoker = true);
ALTER VIEW rectify.dispatch_compare SET (security_invoker = true);

-- The history is append-only for everyone but the owner: the trigger (0.1)
-- refuses, and no one is granted the privileges.
REVOKE UPDATE, DELETE, TRUNCATE ON rectify.events FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- setup_roles and bind_officer.
-- ---------------------------------------------------------------------------

CREATE FUNCTION rectify.setup_roles(admin text DEFAULT 'rectify_admin',
                                    officer text DEFAULT 'rectify_officer',
                                    verifier text DEFAULT 'rectify_verifier',
                                    reader text DEFAULT 'rectify_reader')
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  r record;
  readable text := 'rectify.items, rectify.measures, rectify.responsibilities, rectify.effects, '
                   'rectify.events, rectify.units, rectify.transitions, rectify.officer_units, '
                   'rectify.role_names, rectify.office, rectify.open_items, rectify.settings, '
                   'rectify.escalation_ladder, rectify.escalation_policy, rectify.calendars, '
                   'rectify.calendar_loads, rectify.calendar_days, rectify.regions';
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
    RAISE EXCEPTION 'rectify.setup_roles() must be run by a superuser or a role with CREATEROLE'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  FOR r IN SELECT * FROM (VALUES ('admin', admin), ('officer', officer), ('verifier', verifier)) v(kind, name) LOOP
    PERFORM rectify.require_text(r.name, format('the %s role name', r.kind));
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r.name);
    END IF;
    INSERT INTO rectify.role_names (kind, role_name) VALUES (r.kind, r.name)
      ON CONFLICT (kind) DO UPDATE SET role_name = EXCLUDED.role_name;
    EXECUTE format('GRANT USAGE ON SCHEMA rectify TO %I', r.name);
    EXECUTE format('GRANT SELECT ON %s TO %I', readable, r.name);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON rectify.events FROM %I', r.name);
  END LOOP;
  -- admin: reads everything, edits item content (not lifecycle columns),
  -- effects, measure descriptions and the configuration tables; escalates.
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA rectify TO %I', admin);
  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON rectify.events FROM %I', admin);
  EXECUTE format('GRANT UPDATE (code, source, batch, region, category, problem, target, leader) ON rectify.items TO %I', admin);
  EXECUTE format('GRANT UPDATE (description, completed_on) ON rectify.measures TO %I', admin);
  EXECUTE format('GRANT INSERT, UPDATE, DELETE ON rectify.effects, rectify.escalation_policy, '
                 'rectify.base_emissions, rectify.emission_increments, rectify.reduction_targets, '
                 'rectify.indicator_values, rectify.indicator_targets TO %I', admin);
  EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA rectify TO %I', admin);
  EXECUTE format('GRANT EXECUTE ON FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) TO %I', admin);
  -- verifier: also reads the reduction projects it verifies.
  EXECUTE format('GRANT SELECT ON rectify.reduction_projects, rectify.project_amounts TO %I', verifier);
  -- reader: the BI role belongs to rectify.create_reader_role() when that
  -- exists (issue 4); it gets no base table here.
  IF reader IS NOT NULL THEN
    IF to_regprocedure('rectify.create_reader_role(text)') IS NOT NULL THEN
      EXECUTE 'SELECT rectify.create_reader_role($1)' USING reader;
    ELSE
      RAISE NOTICE 'rectify.create_reader_role() is not installed: reader role "%" not created', reader;
    END IF;
    INSERT INTO rectify.role_names (kind, role_name) VALUES ('reader', reader)
      ON CONFLICT (kind) DO UPDATE SET role_name = EXCLUDED.role_name;
  END IF;
END $$;
COMMENT ON FUNCTION rectify.setup_roles(text, text, text, text) IS
  'creates (if missing) the NOLOGIN group roles admin, officer and verifier, records their names and grants their privileges; calls rectify.create_reader_role(reader) if it exists; idempotent; for the DBA';
REVOKE EXECUTE ON FUNCTION rectify.setup_roles(text, text, text, text) FROM PUBLIC;

-- bind_officer(role, unit): the login role acts for the unit (named as in
-- rectify.units) and becomes a member of the officer group role.
CREATE FUNCTION rectify.bind_officer(role_name text, unit text) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  u integer;
  grp text := (SELECT r.role_name FROM rectify.role_names r WHERE r.kind = 'officer');
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may bind officers to units');
  END IF;
  IF grp IS NULL THEN
    RAISE EXCEPTION 'no officer role: run rectify.setup_roles() first' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = bind_officer.role_name) THEN
    RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = 'undefined_object';
  END IF;
  SELECT x.unit_id INTO u FROM rectify.units x WHERE x.name = btrim(unit);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unit "%" does not exist', unit USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Create it with rectify.unit(name, region).';
  END IF;
  INSERT INTO rectify.officer_units VALUES (bind_officer.role_name, u) ON CONFLICT DO NOTHING;
  IF bind_officer.role_name <> grp AND NOT pg_has_role(bind_officer.role_name, grp, 'MEMBER') THEN
    EXECUTE format('GRANT %I TO %I', grp, bind_officer.role_name);
  END IF;
  RETURN u;
END $$;
COMMENT ON FUNCTION rectify.bind_officer(text, text) IS
  'binds an officer login role to a unit (rectify.officer_units) and grants it the officer role; administrators only';

CREATE FUNCTION rectify.unbind_officer(role_name text, unit text) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may unbind officers');
  END IF;
  DELETE FROM rectify.officer_units o USING rectify.units x
   WHERE o.role_name = unbind_officer.role_name AND o.unit_id = x.unit_id AND x.name = btrim(unit);
  RETURN FOUND;
END $$;
COMMENT ON FUNCTION rectify.unbind_officer(text, text) IS
  'removes an officer''s binding to a unit (the officer role membership stays); administrators only';

-- ===========================================================================
-- Audit trail.  rectify.events already records registration, status,
-- send-backs, reopenings, deadline extensions, progress and escalation.
-- 0.6 adds: responsibility changes (responsibility_added / _removed), the
-- content of an item (content_changed), re-resolved due dates after a
-- calendar load (due_date_changed), and the status and verified amounts of
-- reduction projects (project_status / verified_amount, on the project's
-- item when it has one, else with project_id only).
-- Triggers record only changes made after a restore-safe point: INSERTs are
-- recorded when they come through rectify's functions (rectify.in_api = on),
-- so a pg_restore, which COPYs rows in, does not duplicate history.
-- ===========================================================================

ALTER TABLE rectify.events ADD COLUMN project_id bigint REFERENCES rectify.reduction_projects ON DELETE SET NULL;
COMMENT ON COLUMN rectify.events.project_id IS 'the reduction project of a project_status or verified_amount event';
ALTER TABLE rectify.events ALTER COLUMN item_id DROP NOT NULL;
ALTER TABLE rectify.events ADD CONSTRAINT events_item_or_project CHECK (item_id IS NOT NULL OR project_id IS NOT NULL);
ALTER TABLE rectify.events DROP CONSTRAINT events_kind_check;
ALTER TABLE rectify.events ADD CONSTRAINT events_kind_check CHECK (kind IN
  ('registered', 'status', 'sent_back', 'reopened', 'deadline_extended', 'progress',
   'escalated', 'escalated_manually', 'escalation_ended',
   'responsibility_added', 'responsibility_removed', 'content_changed', 'due_date_changed',
   'project_status', 'verified_amount'));
COMMENT ON CONSTRAINT events_kind_check ON rectify.events IS
  'the kinds of event: lifecycle (registered, status, sent_back, reopened, deadline_extended, progress, due_date_changed), escalation (escalated, escalated_manually, escalation_ended), responsibility (responsibility_added, responsibility_removed), content_changed, and reduction projects (project_status, verified_amount)';
CREATE INDEX events_project_idx ON rectify.events (project_id) WHERE project_id IS NOT NULL;

-- responsibility changes
CREATE FUNCTION rectify.responsibilities_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, reason)
      SELECT OLD.item_id, rectify.today(), 'responsibility_removed',
             OLD.role || ': ' || u.name, current_setting('rectify.reason', true)
        FROM rectify.units u WHERE u.unit_id = OLD.unit_id;
  END IF;
  IF TG_OP = 'UPDATE' OR (TG_OP = 'INSERT' AND coalesce(current_setting('rectify.in_api', true), '') = 'on') THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, to_value, reason)
      SELECT NEW.item_id, rectify.today(), 'responsibility_added',
             NEW.role || ': ' || u.name, current_setting('rectify.reason', true)
        FROM rectify.units u WHERE u.unit_id = NEW.unit_id;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.responsibilities_audit() IS
  'trigger: records responsibility list changes in rectify.events (additions through rectify functions, every removal)';
CREATE TRIGGER responsibilities_audit AFTER INSERT OR UPDATE OR DELETE ON rectify.responsibilities
  FOR EACH ROW EXECUTE FUNCTION rectify.responsibilities_audit();

-- unassign_unit: the way to take a unit off an item's list, with a reason.
CREATE FUNCTION rectify.unassign_unit(item bigint, unit_name text, role text, reason text)
  RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
BEGIN
  PERFORM rectify.require_text(reason, 'a reason for removing a responsible unit');
  PERFORM set_config('rectify.reason', reason, true);
  DELETE FROM rectify.responsibilities r USING rectify.units u
   WHERE r.item_id = it.item_id AND r.unit_id = u.unit_id AND u.name = btrim(unit_name)
     AND r.role = unassign_unit.role;
  PERFORM set_config('rectify.reason', '', true);
  RETURN FOUND;
END $$;
COMMENT ON FUNCTION rectify.unassign_unit(bigint, text, text, text) IS
  'removes a unit from an item''s responsibility list with a reason (recorded); administrators only';

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
      INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
        VALUES (NEW.item_id, rectify.today(), 'content_changed', k || ': ' || coalesce(o ->> k, 'NULL'),
                k || ': ' || coalesce(n ->> k, 'NULL'), nullif(current_setting('rectify.reason', true), ''));
    END IF;
  END LOOP;
  IF NEW.due_date IS DISTINCT FROM OLD.due_date AND NEW.deadline = OLD.deadline THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
      VALUES (NEW.item_id, rectify.today(), 'due_date_changed', OLD.due_date::text, NEW.due_date::text,
              format('calendar %s version %s', NEW.calendar, NEW.calendar_version));
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.items_audit() IS
  'trigger: records changes of an item''s content and due-date re-resolutions in rectify.events';
CREATE TRIGGER items_audit AFTER UPDATE ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_audit();

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

-- events of projects: read by admins and verifiers (may_see_item(NULL) is
-- false for officers).
DROP POLICY events_read ON rectify.events;
CREATE POLICY events_read ON rectify.events FOR SELECT
  USING (CASE WHEN item_id IS NULL THEN rectify.caller_is('admin') OR rectify.caller_is('verifier')
              ELSE rectify.may_see_item(item_id) END);

-- item_asof(item, asof): the lifecycle fields of an item as they stood at
-- the end of day asof, rebuilt from rectify.events alone (in the order the
-- events took effect: happened_on, then recording order).
CREATE FUNCTION rectify.item_asof(item bigint, asof date)
  RETURNS TABLE (item_id bigint, code text, status rectify.item_status, deadline rectify.deadline,
                 due_date date, progress numeric, escalation_level rectify.escalation_level,
                 completed_on date, closed_on date)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items;
  e rectify.events;
BEGIN
  SELECT * INTO it FROM rectify.items i WHERE i.item_id = item;
  IF NOT FOUND OR asof < it.assigned THEN
    RETURN;
  END IF;
  item_id := it.item_id; code := it.code;
  status := 'registered'; deadline := it.original_deadline; due_date := it.original_due_date;
  progress := 0.0000; escalation_level := 'none'; completed_on := NULL; closed_on := NULL;
  FOR e IN SELECT * FROM rectify.events x WHERE x.item_id = item AND x.happened_on <= asof
            ORDER BY x.happened_on, x.event_id LOOP
    CASE e.kind
      WHEN 'status', 'sent_back', 'reopened' THEN
        status := e.to_value::rectify.item_status;
        IF status = 'completed' THEN completed_on := e.happened_on; progress := 1.0000; END IF;
        IF status IN ('in_progress', 'reopened') THEN completed_on := NULL; END IF;
        closed_on := CASE WHEN status = 'closed' THEN e.happened_on END;
      WHEN 'progress' THEN
        progress := e.to_value::numeric;
      WHEN 'deadline_extended' THEN
        deadline := e.to_value::rectify.deadline;
        due_date := rectify.resolve_due(deadline, it.assigned, it.calendar, (SELECT o.immediate_days FROM rectify.office o));
      WHEN 'due_date_changed' THEN
        due_date := e.to_value::date;
      WHEN 'escalated', 'escalated_manually', 'escalation_ended' THEN
        escalation_level := e.to_value::rectify.escalation_level;
      ELSE NULL;
    END CASE;
  END LOOP;
  RETURN NEXT;
END $$;
COMMENT ON FUNCTION rectify.item_asof(bigint, date) IS
  'an item''s status, deadline, due date, progress, escalation level, completion and closing dates as they stood on asof, rebuilt from rectify.events';

-- ===========================================================================
-- Batch import of a rectification list.
--
--   CREATE TEMP TABLE stage (LIKE rectify.import_template);
--   \copy stage FROM 'list.csv' WITH (FORMAT csv, HEADER true)
--   SELECT rectify.import_items('stage');
--
-- Every row is checked before anything is loaded; the first bad row rejects
-- the whole batch with its number (the n-th row of the staging table, which
-- after a COPY is line n+1 of a CSV with a header) and the reason.  The load
-- itself runs through register_item and assign_unit in the same statement,
-- so an error there too leaves nothing behind.
-- ===========================================================================

CREATE TABLE rectify.import_template (
  code text, source text, batch text, region text, category text, assigned text,
  deadline_text text, problem text, target text, primary_units text,
  lead_supervisors text, co_supervisors text, leader text, source_ref text, note text
);
COMMENT ON TABLE rectify.import_template IS
  'the columns of a rectification list (data/sample-ledger.csv), all text; always empty: CREATE TABLE stage (LIKE rectify.import_template) and COPY into it';
CREATE RULE import_template_empty AS ON INSERT TO rectify.import_template DO INSTEAD NOTHING;

CREATE FUNCTION rectify.import_items(staging regclass, create_units boolean DEFAULT true)
  RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  needed text[] := ARRAY['code', 'source', 'batch', 'region', 'category', 'assigned', 'deadline_text',
                         'problem', 'target', 'primary_units', 'lead_supervisors', 'co_supervisors', 'leader'];
  missing text;
  r record;
  n integer := 0;
  id bigint;
  x text;
  role text;
  list text;
  seen text[] := '{}';
  cats text[] := ARRAY['governance', 'industry', 'energy', 'air', 'water', 'soil', 'solid_waste', 'ecology', 'other'];
  srcs text[] := ARRAY['central', 'provincial', 'lookback', 'warning_film', 'complaint', 'proposal', 'other'];
  q text;
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may import rectification items');
  END IF;
  IF staging IS NULL THEN
    RAISE EXCEPTION 'the staging table must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT string_agg(c, ', ' ORDER BY o) INTO missing FROM unnest(needed) WITH ORDINALITY AS w(c, o)
   WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = staging AND a.attname = w.c
                       AND a.attnum > 0 AND NOT a.attisdropped);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'staging table % lacks the column(s) %', staging, missing
      USING ERRCODE = 'undefined_column', HINT = 'CREATE TABLE stage (LIKE rectify.import_template).';
  END IF;
  -- The caller reads the staging table with its own privileges (this
  -- function is SECURITY INVOKER); the name is quoted by regclass.
  q := format('SELECT row_number() OVER (ORDER BY ctid) AS row_no, %s FROM %s',
              (SELECT string_agg(format('nullif(btrim(%1$I::text), %2$L) AS %1$I', c, ''), ', ') FROM unnest(needed) c),
              staging);

  -- 1. validate every row
  FOR r IN EXECUTE q LOOP
    n := r.row_no;
    IF r.code IS NULL THEN
      RAISE EXCEPTION 'row %: code is missing', n USING ERRCODE = 'not_null_violation';
    END IF;
    IF r.code = ANY (seen) THEN
      RAISE EXCEPTION 'row %: code "%" appears twice in the batch', n, r.code USING ERRCODE = 'unique_violation';
    END IF;
    seen := seen || r.code;
    IF EXISTS (SELECT 1 FROM rectify.items i WHERE i.code = r.code) THEN
      RAISE EXCEPTION 'row %: item "%" is already in the ledger', n, r.code USING ERRCODE = 'unique_violation';
    END IF;
    IF r.problem IS NULL THEN
      RAISE EXCEPTION 'row % (%): problem is missing', n, r.code USING ERRCODE = 'not_null_violation';
    END IF;
    IF r.source IS NULL OR NOT r.source = ANY (srcs) THEN
      RAISE EXCEPTION 'row % (%): unknown source "%"', n, r.code, r.source
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Sources: ' || array_to_string(srcs, ', ') || '.';
    END IF;
    IF r.category IS NULL OR NOT r.category = ANY (cats) THEN
      RAISE EXCEPTION 'row % (%): unknown category "%"', n, r.code, r.category
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Categories: ' || array_to_string(cats, ', ') || '.';
    END IF;
    BEGIN
      PERFORM r.region::rectify.region;
      IF r.region IS NULL THEN RAISE EXCEPTION 'missing' USING ERRCODE = 'invalid_text_representation'; END IF;
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'row % (%): invalid region "%"', n, r.code, r.region USING ERRCODE = 'invalid_text_representation';
    END;
    BEGIN
      IF r.assigned IS NULL OR NOT isfinite(r.assigned::date) THEN
        RAISE EXCEPTION 'missing' USING ERRCODE = 'invalid_datetime_format';
      END IF;
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'row % (%): invalid assigned date "%"', n, r.code, r.assigned
        USING ERRCODE = 'invalid_text_representation', HINT = 'Write dates as YYYY-MM-DD.';
    END;
    BEGIN
      PERFORM r.deadline_text::rectify.deadline;
      IF r.deadline_text IS NULL THEN RAISE EXCEPTION 'missing' USING ERRCODE = 'invalid_text_representation'; END IF;
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'row % (%): invalid deadline "%"', n, r.code, r.deadline_text
        USING ERRCODE = 'invalid_text_representation';
    END;
    FOREACH list IN ARRAY ARRAY[r.primary_units, r.lead_supervisors, r.co_supervisors] LOOP
      FOREACH x IN ARRAY coalesce(string_to_array(list, '|'), '{}') LOOP
        IF btrim(x) = '' THEN
          RAISE EXCEPTION 'row % (%): empty unit name in "%"', n, r.code, list
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Separate unit names with |.';
        END IF;
        IF NOT create_units AND NOT EXISTS (SELECT 1 FROM rectify.units u WHERE u.name = btrim(x)) THEN
          RAISE EXCEPTION 'row % (%): unknown unit "%"', n, r.code, btrim(x)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Create units first with rectify.unit(name, region), or pass create_units => true.';
        END IF;
      END LOOP;
    END LOOP;
  END LOOP;

  -- 2. load (same statement: all or nothing)
  n := 0;
  FOR r IN EXECUTE q LOOP
    id := rectify.register_item(r.code, r.region::rectify.region, r.problem, r.deadline_text, r.assigned::date,
                                r.category, r.source, r.target, r.leader, r.batch);
    FOR role, list IN SELECT * FROM (VALUES ('primary', r.primary_units), ('lead_supervisor', r.lead_supervisors),
                                            ('co_supervisor', r.co_supervisors)) v LOOP
      FOREACH x IN ARRAY coalesce(string_to_array(list, '|'), '{}') LOOP
        PERFORM rectify.assign_unit(id, btrim(x), role);
      END LOOP;
    END LOOP;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.import_items(regclass, boolean) IS
  'validates every row of a staging table shaped like rectify.import_template, then registers all its items with their units, or none: the first bad row is reported by number and reason (22P02, 22023, 23502, 23505); administrators only';
