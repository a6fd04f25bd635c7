-- ------------------------------------------------------------------
-- Read replicas.  Every report works on a streaming standby; every
-- function that writes calls require_primary() first, so that on a
-- standby the refusal says where to go instead of PostgreSQL's bare
-- "cannot execute ... in a read-only transaction".
-- ------------------------------------------------------------------

-- The primary's host and port are read from the WAL receiver (or
-- primary_conninfo), which only the owner may see: SECURITY DEFINER, and
-- only host and port leave the function.
CREATE FUNCTION rectify.require_primary(action text DEFAULT NULL) RETURNS void
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  host text;
  port text;
BEGIN
  IF NOT pg_is_in_recovery() THEN
    RETURN;
  END IF;
  SELECT r.sender_host, r.sender_port::text INTO host, port FROM pg_stat_wal_receiver r;
  IF host IS NULL THEN
    host := substring(current_setting('primary_conninfo', true) FROM 'host=''?([^'' ]+)');
    port := substring(current_setting('primary_conninfo', true) FROM 'port=''?([0-9]+)');
  END IF;
  RAISE EXCEPTION '% refused: this server is a read-only standby', coalesce(action, 'writing')
    USING ERRCODE = 'read_only_sql_transaction',
          HINT = CASE WHEN host IS NULL
                      THEN 'Connect to the primary server to make changes.'
                      ELSE format('Connect to the primary at host=%s%s to make changes.', host,
                                  coalesce(' port=' || port, '')) END;
END $$;
COMMENT ON FUNCTION rectify.require_primary(text) IS
  'raises 25006 with a hint naming the primary (the host and port this standby streams from) when the server is in recovery; nothing on a primary. The functions that write call it first';
-- It shows where the primary is: for the office's parts (99_privileges.sql)
REVOKE EXECUTE ON FUNCTION rectify.require_primary(text) FROM PUBLIC;
