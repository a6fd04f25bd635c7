-- ===========================================================================
-- Who is calling, and what each part may write.
--
--   * Four group roles, created by rectify.setup_roles() (called by the DBA,
--     never by CREATE EXTENSION): admin, officer, verifier, reader.  Their
--     names are recorded in rectify.role_names, so policies and checks work
--     whatever the DBA called them.
--   * Nobody but the extension owner gets INSERT/DELETE on the ledger tables,
--     and nobody gets UPDATE on a lifecycle column.  Every change goes
--     through the lifecycle functions, which are SECURITY DEFINER (pinned
--     search_path) so they can write, and check the CALLER explicitly:
--     the caller is rectify.caller(), the role the session acts as (it
--     follows SET ROLE; inside a SECURITY DEFINER function current_user is
--     the owner and session_user ignores SET ROLE).  The checks live in triggers
--     (items_guard in 40_ledger_triggers.sql, the ones below), so they hold
--     for every path that writes.
--   * Direct reads are filtered by row-level security (70_security.sql).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- The four parts are group roles of the cluster: rectify_admin,
-- rectify_officer, rectify_verifier and rectify_reader, made here if they
-- do not exist yet (DROP EXTENSION leaves them).  The privileges and the
-- row-level security policies are granted to them in this script, so a
-- dump and restore brings both back with CREATE EXTENSION, and each policy
-- is a plain predicate for its part that the planner can use (a policy for
-- every role at once would OR the parts together and hide every index).
-- The office's own roles get a part by membership (rectify.setup_roles).
-- ---------------------------------------------------------------------------

DO $$
DECLARE
  part text;
BEGIN
  FOREACH part IN ARRAY ARRAY['rectify_admin', 'rectify_officer', 'rectify_verifier', 'rectify_reader'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = part) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', part);
    END IF;
  END LOOP;
END $$;

-- ---------------------------------------------------------------------------
-- Role names and officer bindings.  Roles are kept by OID (regrole, shown by
-- name): a role created later under a dropped role's name does not inherit
-- its part or its units.
-- ---------------------------------------------------------------------------

CREATE TABLE rectify.role_names (
  kind text PRIMARY KEY CHECK (kind IN ('admin', 'officer', 'verifier', 'reader')),
  role_name regrole NOT NULL
);
COMMENT ON TABLE rectify.role_names IS
  'the group role playing each part (admin, officer, verifier, reader); written by rectify.setup_roles()';

CREATE TABLE rectify.officer_units (
  role_name regrole NOT NULL,
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

-- caller(): the role the session acts as outside any SECURITY DEFINER
-- function (C: GetOuterUserId).  It follows SET ROLE and SET LOCAL ROLE, so
-- a connection pool or an API layer that logs in once and switches to each
-- person gets exactly that person's rights; rectify's own functions, which
-- run as their owner, still see who called them.
CREATE FUNCTION rectify.caller() RETURNS regrole
  AS 'MODULE_PATHNAME', 'rectify_caller' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.caller() IS
  'the role the session acts as (follows SET ROLE; not changed by SECURITY DEFINER): the identity every rectify check uses';

-- caller_is(kind): the caller is a superuser, or has the rights of the
-- part's role (USAGE: a NOINHERIT login role that is a member of several
-- parts has none of them until it SETs ROLE to one).  Admins are not
-- implicitly officers or verifiers: the checks always ask "admin OR ...".
CREATE FUNCTION rectify.caller_is(kind text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles s WHERE s.oid = rectify.caller() AND s.rolsuper)
      OR (kind IN ('admin', 'officer', 'verifier', 'reader')
          AND pg_catalog.pg_has_role(rectify.caller(), 'rectify_' || kind, 'USAGE'))
$$;
COMMENT ON FUNCTION rectify.caller_is(text) IS
  'true if the caller (rectify.caller()) is a superuser or has the rights of the part''s role rectify_admin, rectify_officer, rectify_verifier or rectify_reader';

-- The units the caller acts for (bindings of itself or of a role whose
-- rights it has), once per statement where a policy asks.
CREATE FUNCTION rectify.caller_unit_ids() RETURNS integer[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT coalesce(array_agg(o.unit_id ORDER BY o.unit_id), '{}')
    FROM rectify.officer_units o JOIN pg_catalog.pg_roles p ON p.oid = o.role_name
   WHERE pg_catalog.pg_has_role(rectify.caller(), p.oid, 'USAGE')
$$;
COMMENT ON FUNCTION rectify.caller_unit_ids() IS 'the units the caller (rectify.caller()) is bound to (rectify.officer_units)';

-- The items an officer sees: those its units are responsible for (any
-- role) and those that lie within the region of one of its units.  Read
-- through the indexes on responsibilities by unit and on items by region,
-- once per statement: the officers' policies compare item_id with it.  A
-- region is passed to its query as a literal, so that the planner support
-- of <@ turns it into a range of the region index (it cannot for a value
-- known only at run time).
CREATE FUNCTION rectify.caller_item_ids() RETURNS bigint[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  units integer[] := rectify.caller_unit_ids();
  ids bigint[];
  within bigint[];
  area rectify.region;
BEGIN
  SELECT array_agg(r.item_id) INTO ids FROM rectify.responsibilities r WHERE r.unit_id = ANY (units);
  FOR area IN SELECT DISTINCT u.region FROM rectify.units u
               WHERE u.unit_id = ANY (units) AND u.region IS NOT NULL LOOP
    EXECUTE format('SELECT array_agg(i.item_id) FROM rectify.items i WHERE i.region OPERATOR(rectify.<@) %L::rectify.region',
                   area) INTO within;
    ids := ids || within;
  END LOOP;
  RETURN (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(ids) x);
END $$;
COMMENT ON FUNCTION rectify.caller_item_ids() IS
  'the items the caller''s units are responsible for or whose region lies in one of its units'' regions (what an officer sees)';

-- may_see_item(item): admin and verifier see every item; an officer the items
-- of rectify.caller_item_ids().
CREATE FUNCTION rectify.may_see_item(item bigint) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT rectify.caller_is('admin') OR rectify.caller_is('verifier')
      OR (rectify.caller_is('officer') AND may_see_item.item = ANY (rectify.caller_item_ids()))
$$;
COMMENT ON FUNCTION rectify.may_see_item(bigint) IS
  'whether the caller may read an item: admin, verifier, or an officer whose units are responsible for it or whose units'' regions contain it';

-- is_primary(item): one of the caller's units is a primary unit of the item.
CREATE FUNCTION rectify.is_primary(item bigint) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT rectify.caller_is('officer') AND EXISTS (
    SELECT 1 FROM rectify.responsibilities r
     WHERE r.item_id = is_primary.item AND r.role = 'primary'
       AND r.unit_id = ANY (rectify.caller_unit_ids()))
$$;
COMMENT ON FUNCTION rectify.is_primary(bigint) IS
  'whether the caller is an officer of one of the item''s primary units (主体责任单位)';

-- deny(what): raise 42501.
CREATE FUNCTION rectify.deny(what text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'permission denied: %', what
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'docs/security.md in rectify says what each role may do.';
END $$;
COMMENT ON FUNCTION rectify.deny(text) IS 'raises 42501 (insufficient_privilege) with the reason';

-- The first lines of every function an administrator alone may run: on a
-- standby, or for any other caller, it stops before anything is read.
CREATE FUNCTION rectify.require_admin(fn text, may text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM rectify.require_primary(fn);
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may ' || may);
  END IF;
END $$;
COMMENT ON FUNCTION rectify.require_admin(text, text) IS
  'refuses with 25006 on a standby (rectify.require_primary(fn)), then with 42501 "only an administrator may <may>" any caller who is not an administrator';

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

-- The item's lists (responsibilities, effects), units, officer bindings and
-- the office's settings: administrators.
CREATE FUNCTION rectify.admin_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny(format('only an administrator may %s rows of rectify.%s', lower(TG_OP), TG_TABLE_NAME));
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION rectify.admin_only() IS 'trigger: only administrators (and superusers) write this table; 42501 otherwise';
-- The same trigger on each of these tables (set_setting() runs as the owner
-- so that an administrator can use it; the settings table checks the caller).
DO $$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY ARRAY['rectify.responsibilities', 'rectify.effects', 'rectify.units',
                           'rectify.officer_units', 'rectify.settings']::regclass[] LOOP
    EXECUTE format('CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION rectify.admin_only()', t);
  END LOOP;
END $$;

-- Reduction projects: admins; verifiers only verify (核查).
CREATE FUNCTION rectify.projects_authorize() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  verifies boolean := false;
BEGIN
  IF rectify.caller_is('admin') THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  -- A verification (核查) changes exactly these columns.  The two tables
  -- are told apart before any column is named: a record has only its own
  -- table's fields.  The generated pollutant column is not computed yet in
  -- a BEFORE trigger, so it is left out of the comparison.
  IF TG_OP = 'UPDATE' AND rectify.caller_is('verifier') THEN
    IF TG_TABLE_NAME = 'reduction_projects' THEN
      verifies := OLD.status = 'completed' AND NEW.status = 'verified'
        AND (to_jsonb(NEW) - ARRAY['status', 'verified_on', 'verified_by'])
            = (to_jsonb(OLD) - ARRAY['status', 'verified_on', 'verified_by']);
    ELSE
      verifies := OLD.verified IS NULL
        AND (to_jsonb(NEW) - ARRAY['verified', 'pollutant']) = (to_jsonb(OLD) - ARRAY['verified', 'pollutant']);
    END IF;
  END IF;
  IF verifies THEN
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
CREATE TRIGGER measures_authorize BEFORE INSERT OR UPDATE OR DELETE ON rectify.measures
  FOR EACH ROW
  WHEN (NOT rectify.caller_is('admin'))
  EXECUTE FUNCTION rectify.measures_authorize();
COMMENT ON TRIGGER measures_authorize ON rectify.measures IS
  'administrators and superusers pass; officers of a primary unit may only complete a measure';