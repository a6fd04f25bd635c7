-- ---------------------------------------------------------------------------
-- Row-level security: one policy per part (32_access.sql), each a plain
-- predicate.  Administrators and verifiers read every row; an officer the
-- rows of the items in rectify.caller_item_ids(), computed once per
-- statement (an InitPlan), so that an officer's query reads its rows
-- through the primary key.  The owner and superusers bypass row-level
-- security, as PostgreSQL does; a role of no part reads nothing.
-- ---------------------------------------------------------------------------

ALTER TABLE rectify.items ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.measures ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.responsibilities ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.responsibilities_ended ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.effects ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.item_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE rectify.officer_units ENABLE ROW LEVEL SECURITY;

-- Every row: administrators and verifiers read it (effects: verifiers,
-- administrators through their write policy below; officer bindings:
-- administrators).  Only they read the events of reduction projects
-- without an item.
CREATE POLICY items_read_all ON rectify.items FOR SELECT TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY measures_read_all ON rectify.measures FOR SELECT TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY responsibilities_read_all ON rectify.responsibilities FOR SELECT TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY responsibilities_ended_read_all ON rectify.responsibilities_ended FOR SELECT TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY events_read_all ON rectify.events FOR SELECT TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY item_versions_read_all ON rectify.item_versions FOR SELECT TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY effects_read_all ON rectify.effects FOR SELECT TO rectify_verifier USING (true);
CREATE POLICY officer_units_read_all ON rectify.officer_units FOR SELECT TO rectify_admin USING (true);

-- An officer: the rows of its items, one predicate for the six tables
-- keyed by item_id (policies items_read_own, measures_read_own,
-- responsibilities_read_own, responsibilities_ended_read_own,
-- effects_read_own, events_read_own) ...
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['items', 'measures', 'responsibilities', 'responsibilities_ended', 'effects', 'events',
                          'item_versions'] LOOP
    EXECUTE format('CREATE POLICY %I ON rectify.%I FOR SELECT TO rectify_officer
                      USING (item_id = ANY ((SELECT rectify.caller_item_ids())::bigint[]))',
                   t || '_read_own', t);
  END LOOP;
END $$;
-- ... and its own unit bindings.
CREATE POLICY officer_units_read_own ON rectify.officer_units FOR SELECT TO rectify_officer
  USING (unit_id = ANY ((SELECT rectify.caller_unit_ids())::integer[]));

-- Writing: administrators update items and measures (what else they may
-- write is in their grants) and write effects.
CREATE POLICY items_admin_update ON rectify.items FOR UPDATE TO rectify_admin USING (true) WITH CHECK (true);
CREATE POLICY measures_admin_update ON rectify.measures FOR UPDATE TO rectify_admin USING (true) WITH CHECK (true);
CREATE POLICY effects_admin_write ON rectify.effects FOR ALL TO rectify_admin USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------
-- setup_roles and bind_officer.
-- ---------------------------------------------------------------------------

-- play_part(role, part): the role, made NOLOGIN if missing, plays the part
-- (a member of rectify_<part>, unless it is that role).
CREATE FUNCTION rectify.play_part(role_name text, part text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = play_part.role_name) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
  END IF;
  IF role_name <> 'rectify_' || part AND NOT pg_has_role(role_name, 'rectify_' || part, 'MEMBER') THEN
    EXECUTE format('GRANT %I TO %I', 'rectify_' || part, role_name);
  END IF;
END $$;
COMMENT ON FUNCTION rectify.play_part(text, text) IS
  'internal: makes a role (NOLOGIN if new) a member of rectify_<part>; for setup_roles and create_reader_role';
REVOKE EXECUTE ON FUNCTION rectify.play_part(text, text) FROM PUBLIC;

-- setup_roles(admin, officer, verifier, reader): the office's group roles
-- that play the four parts, made (NOLOGIN) if missing and made members of
-- the parts' roles; the privileges belong to the parts (99_privileges.sql).
CREATE FUNCTION rectify.setup_roles(admin text DEFAULT 'rectify_admin',
                                    officer text DEFAULT 'rectify_officer',
                                    verifier text DEFAULT 'rectify_verifier',
                                    reader text DEFAULT 'rectify_reader')
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  r record;
BEGIN
  PERFORM rectify.require_primary('rectify.setup_roles()');
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
  FOR r IN SELECT * FROM (VALUES ('admin', admin), ('officer', officer), ('verifier', verifier),
                                 ('reader', reader)) v(kind, name)
            WHERE v.kind <> 'reader' OR v.name IS NOT NULL LOOP
    PERFORM rectify.require_text(r.name, format('the %s role name', r.kind));
    PERFORM rectify.play_part(r.name, r.kind);
    INSERT INTO rectify.role_names (kind, role_name)
      VALUES (r.kind, (SELECT p.oid FROM pg_roles p WHERE p.rolname = r.name)::regrole)
      ON CONFLICT (kind) DO UPDATE SET role_name = EXCLUDED.role_name;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.setup_roles(text, text, text, text) IS
  'makes (if missing) the office''s NOLOGIN group roles for the parts admin, officer, verifier and reader (NULL: none), makes each a member of the part''s role (rectify_admin, ...) and records the names; idempotent; for the DBA';
REVOKE EXECUTE ON FUNCTION rectify.setup_roles(text, text, text, text) FROM PUBLIC;

-- bind_officer(role, unit): the login role acts for the unit (named as in
-- rectify.units) and becomes a member of the officer group role.
CREATE FUNCTION rectify.bind_officer(role_name text, unit text) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  u integer;
  -- the office's officer group (setup_roles), else the part's own role
  grp text := coalesce((SELECT p.rolname FROM rectify.role_names r JOIN pg_roles p ON p.oid = r.role_name
                         WHERE r.kind = 'officer'), 'rectify_officer');
  member oid := (SELECT p.oid FROM pg_roles p WHERE p.rolname = bind_officer.role_name);
BEGIN
  PERFORM rectify.require_admin('rectify.bind_officer()', 'bind officers to units');
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
  PERFORM rectify.require_admin('rectify.unbind_officer()', 'unbind officers');
  DELETE FROM rectify.officer_units o USING rectify.units x
   WHERE o.role_name = (SELECT p.oid FROM pg_roles p WHERE p.rolname = unbind_officer.role_name)
     AND o.unit_id = x.unit_id AND x.name = btrim(unit);
  RETURN FOUND;
END $$;
COMMENT ON FUNCTION rectify.unbind_officer(text, text) IS
  'removes an officer''s binding to a unit (the officer role membership stays); administrators only';

