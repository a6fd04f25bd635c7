-- ---------------------------------------------------------------------------
-- Row-level security and the roles' privileges.  Policies apply to every role but the owner and
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
CREATE POLICY events_read ON rectify.events FOR SELECT
  USING (CASE WHEN item_id IS NULL THEN rectify.caller_is('admin') OR rectify.caller_is('verifier')
              ELSE rectify.may_see_item(item_id) END);

ALTER TABLE rectify.officer_units ENABLE ROW LEVEL SECURITY;
CREATE POLICY officer_units_read ON rectify.officer_units FOR SELECT
  USING (rectify.caller_is('admin') OR unit_id IN (SELECT rectify.caller_units()));


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
  -- one role per part: a reader that is also the officer role would give
  -- every officer the BI views of every unit
  IF EXISTS (SELECT FROM unnest(ARRAY[admin, officer, verifier, reader]) n
              WHERE n IS NOT NULL GROUP BY btrim(n) HAVING count(*) > 1) THEN
    RAISE EXCEPTION 'each part needs a role of its own, not admin "%", officer "%", verifier "%", reader "%"',
                    admin, officer, verifier, coalesce(reader, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give four different names, such as rectify_admin, rectify_officer, rectify_verifier and rectify_reader.';
  END IF;
  FOR r IN SELECT * FROM (VALUES ('admin', admin), ('officer', officer), ('verifier', verifier)) v(kind, name) LOOP
    PERFORM rectify.require_text(r.name, format('the %s role name', r.kind));
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r.name);
    END IF;
    INSERT INTO rectify.role_names (kind, role_name)
      VALUES (r.kind, (SELECT p.oid FROM pg_roles p WHERE p.rolname = r.name)::regrole)
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
  -- reader: the BI views only (rectify.create_reader_role), no base table.
  IF reader IS NOT NULL THEN
    PERFORM rectify.create_reader_role(reader);
    INSERT INTO rectify.role_names (kind, role_name)
      VALUES ('reader', (SELECT p.oid FROM pg_roles p WHERE p.rolname = reader)::regrole)
      ON CONFLICT (kind) DO UPDATE SET role_name = EXCLUDED.role_name;
  END IF;
END $$;
COMMENT ON FUNCTION rectify.setup_roles(text, text, text, text) IS
  'creates (if missing) the NOLOGIN group roles admin, officer and verifier, records their names and grants their privileges; makes the reader role with rectify.create_reader_role(reader) unless it is NULL; idempotent; for the DBA';
REVOKE EXECUTE ON FUNCTION rectify.setup_roles(text, text, text, text) FROM PUBLIC;

-- bind_officer(role, unit): the login role acts for the unit (named as in
-- rectify.units) and becomes a member of the officer group role.
CREATE FUNCTION rectify.bind_officer(role_name text, unit text) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  u integer;
  grp text := (SELECT p.rolname FROM rectify.role_names r JOIN pg_roles p ON p.oid = r.role_name
                WHERE r.kind = 'officer');
  member oid := (SELECT p.oid FROM pg_roles p WHERE p.rolname = bind_officer.role_name);
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may bind officers to units');
  END IF;
  IF grp IS NULL THEN
    RAISE EXCEPTION 'no officer role: run rectify.setup_roles() first' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF member IS NULL THEN
    RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = 'undefined_object';
  END IF;
  SELECT x.unit_id INTO u FROM rectify.units x WHERE x.name = btrim(unit);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unit "%" does not exist', unit USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Create it with rectify.unit(name, region).';
  END IF;
  INSERT INTO rectify.officer_units VALUES (member::regrole, u) ON CONFLICT DO NOTHING;
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
   WHERE o.role_name = (SELECT p.oid FROM pg_roles p WHERE p.rolname = unbind_officer.role_name)
     AND o.unit_id = x.unit_id AND x.name = btrim(unit);
  RETURN FOUND;
END $$;
COMMENT ON FUNCTION rectify.unbind_officer(text, text) IS
  'removes an officer''s binding to a unit (the officer role membership stays); administrators only';

