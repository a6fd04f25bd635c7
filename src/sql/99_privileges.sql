-- ------------------------------------------------------------------
-- Privileges that hold for every object of a kind, whichever file defines
-- it; last, so that they cover every object of the extension.
-- ------------------------------------------------------------------

-- Trigger functions run as the triggers of rectify's tables and nobody
-- else's: no role may execute one, or it could attach one that runs as the
-- owner to a table of its own and write forged history or run a
-- ledger-wide refresh on demand.  (A trigger fires whatever the privileges
-- on its function; EXECUTE is checked when a trigger is created.)
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'rectify'::regnamespace AND p.prorettype = 'trigger'::regtype LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END $$;
