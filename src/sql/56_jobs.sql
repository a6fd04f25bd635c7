-- ------------------------------------------------------------------
-- pg_cron glue.  Nothing here refers to pg_cron at parse time: every call
-- goes through EXECUTE, after checking that pg_cron is in this database.
-- pg_cron 1.4 reads schedules in UTC (cron.timezone came in 1.5): the
-- daily job runs every hour and rectify.run_daily() decides, on the
-- office's clock, which days are due (58_health.sql).
-- ------------------------------------------------------------------

-- lock_job(job, fn): one run of a job at a time.  The run locks its row of
-- rectify.job_locks (granted to nobody, so no role outside the extension
-- can hold it); a second run waits, then reads what the first committed.
-- Under REPEATABLE READ or SERIALIZABLE its snapshot would predate the
-- lock, and it could act on what the first run already did: refused.
CREATE FUNCTION rectify.lock_job(job text, fn text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION '% cannot run at isolation level %', fn, upper(current_setting('transaction_isolation'))
      USING ERRCODE = 'invalid_transaction_state',
            DETAIL = 'Its snapshot would predate the lock that keeps two runs apart.',
            HINT = 'Run it in a READ COMMITTED transaction (the default): BEGIN ISOLATION LEVEL READ COMMITTED.';
  END IF;
  PERFORM 1 FROM rectify.job_locks l WHERE l.job = lock_job.job FOR UPDATE;
END $$;
COMMENT ON FUNCTION rectify.lock_job(text, text) IS
  'serialises runs of a job on its row of rectify.job_locks; 25000 under REPEATABLE READ or SERIALIZABLE (the snapshot would predate the lock)';
REVOKE EXECUTE ON FUNCTION rectify.lock_job(text, text) FROM PUBLIC;

CREATE FUNCTION rectify.job_command(job text)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE job
    WHEN 'escalate' THEN 'SELECT count(*) AS days FROM rectify.run_daily(); SELECT rectify.purge_cron_history()'
    WHEN 'escalate-elsewhere' THEN 'SELECT count(*) AS days FROM rectify.run_daily()'
    WHEN 'dispatch' THEN 'SELECT rectify.dispatch()' END;
COMMENT ON FUNCTION rectify.job_command(text) IS
  'the SQL a rectify pg_cron job runs (escalate: the hourly rectify.run_daily(), escalate-elsewhere, dispatch): schema-qualified, as each run starts with the default search_path';

-- Check a pg_cron 1.4 schedule; returns it trimmed.
CREATE FUNCTION rectify.check_cron_schedule(schedule text, what text)
  RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  s text := btrim(regexp_replace(schedule, '\s+', ' ', 'g'));
BEGIN
  IF s IS NULL OR s = '' OR NOT (
       s ~ '^@(yearly|annually|monthly|weekly|daily|hourly)$'
       OR s ~ '^[0-9*,/-]+ [0-9*,/-]+ [0-9*,/-]+ [0-9A-Za-z*,/-]+ [0-9A-Za-z*,/-]+$') THEN
    RAISE EXCEPTION 'invalid pg_cron schedule for %: "%"', what, coalesce(schedule, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'pg_cron 1.4 takes five fields (minute hour day-of-month month day-of-week) read in UTC, or @daily, @weekly, @monthly, @yearly, @hourly; it has no seconds.',
            HINT = 'For the daily run give ''0 * * * *'' (every hour: each office day runs once, missed days are caught up); for 08:30 Beijing time on the 1st of each month ''30 0 1 * *''.';
  END IF;
  RETURN s;
END $$;
COMMENT ON FUNCTION rectify.check_cron_schedule(text, text) IS
  'validates a pg_cron 1.4 schedule (five fields in UTC, or @daily and the like) and returns it normalized; 22023 otherwise';

-- When a UTC schedule runs on the office's clock, for people reading it.
CREATE FUNCTION rectify.cron_schedule_note(schedule text)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  f text[] := regexp_split_to_array(btrim(schedule), '\s+');
  tz text := rectify.office_time_zone();
  utc timestamp;
  loc timestamp;
  off interval;
BEGIN
  IF cardinality(f) = 5 AND f[1] ~ '^\d{1,2}$' AND f[2] ~ '^\d{1,2}$'
     AND f[1]::integer < 60 AND f[2]::integer < 24 THEN
    utc := current_date + make_time(f[2]::integer, f[1]::integer, 0);
    loc := (utc AT TIME ZONE 'UTC') AT TIME ZONE tz;
    RETURN format('%s UTC = %s %s%s', to_char(utc, 'HH24:MI'), to_char(loc, 'HH24:MI'), tz,
                  CASE WHEN loc::date > utc::date THEN ' (next day)'
                       WHEN loc::date < utc::date THEN ' (previous day)' ELSE '' END);
  END IF;
  -- every hour at a minute: the same minute in the office's zone, unless
  -- its offset has minutes (Asia/Kolkata)
  IF cardinality(f) = 5 AND f[1] ~ '^\d{1,2}$' AND f[1]::integer < 60 AND f[2:5] = ARRAY['*', '*', '*', '*'] THEN
    utc := current_date + make_time(0, f[1]::integer, 0);
    loc := (utc AT TIME ZONE 'UTC') AT TIME ZONE tz;
    RETURN format('every hour at :%s UTC = :%s %s', to_char(utc, 'MI'), to_char(loc, 'MI'), tz);
  END IF;
  off := pg_catalog.now() AT TIME ZONE tz - pg_catalog.now() AT TIME ZONE 'UTC';
  RETURN format('UTC; %s = UTC%s%s', tz, CASE WHEN off < interval '0' THEN '-' ELSE '+' END,
                to_char(CASE WHEN off < interval '0' THEN -off ELSE off END, 'HH24:MI'));
END $$;
COMMENT ON FUNCTION rectify.cron_schedule_note(text) IS
  'says when a pg_cron schedule (read in UTC by pg_cron 1.4) runs on the office''s clock, e.g. 00:00 UTC = 08:00 Asia/Shanghai';

-- Raise the right error unless pg_cron is usable from this database.
-- action is 'schedule' or 'unschedule'; the other-database message gives
-- the exact calls to run there.
CREATE FUNCTION rectify.require_cron(action text, escalate_at text DEFAULT '0 * * * *',
                                     dispatch_at text DEFAULT '30 0 1 * *')
  RETURNS void
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  cron_db text := current_setting('cron.database_name', true);
  db text := current_database();
  calls text;
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    RETURN;
  END IF;
  IF cron_db IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not available'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'pg_cron is not in shared_preload_libraries, so jobs cannot be scheduled from the database.',
            HINT = format('Set shared_preload_libraries = ''pg_cron'', cron.database_name = %L and cron.use_background_workers = on, restart, then CREATE EXTENSION pg_cron in database %I. Without pg_cron, have any scheduler run SELECT rectify.run_daily() every hour and SELECT rectify.dispatch() monthly.', db, db);
  END IF;
  IF cron_db = db THEN
    RAISE EXCEPTION 'pg_cron is loaded but not created in database "%"', db
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Run CREATE EXTENSION pg_cron in this database (cron.database_name names it).';
  END IF;
  IF action = 'unschedule' THEN
    calls := format('SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname IN (%L, %L, %L);',
                    'rectify-escalate-' || db, 'rectify-dispatch-' || db, 'rectify-purge-' || db);
  ELSE
    calls := concat_ws(E'\n',
      format('SELECT cron.schedule_in_database(%L, %L, %L, %L);', 'rectify-escalate-' || db,
             escalate_at, rectify.job_command('escalate-elsewhere'), db),
      format('SELECT cron.schedule_in_database(%L, %L, %L, %L);', 'rectify-dispatch-' || db,
             dispatch_at, rectify.job_command('dispatch'), db),
      format('SELECT cron.schedule(%L, %L, %L);', 'rectify-purge-' || db, '15 0 * * *',
             format('DELETE FROM cron.job_run_details WHERE jobid IN (SELECT jobid FROM cron.job WHERE jobname LIKE %L) AND end_time < now() - interval %L',
                    'rectify-%', (SELECT cron_history_days FROM rectify.office) || ' days')));
  END IF;
  RAISE EXCEPTION 'pg_cron lives in database "%", not in "%"', cron_db, db
    USING ERRCODE = 'object_not_in_prerequisite_state',
          DETAIL = 'pg_cron can only be created in the database named by cron.database_name, and a function here cannot reach it.',
          HINT = format(E'Run in database "%s", as a superuser:\n%s', cron_db, calls)
                 || CASE WHEN action = 'unschedule' THEN ''
                         ELSE E'\npg_cron 1.4 reads schedules in UTC: ' || rectify.cron_schedule_note(escalate_at) || '.' END;
END $$;
COMMENT ON FUNCTION rectify.require_cron(text, text, text) IS
  'returns if pg_cron is created in this database; otherwise raises 55000 saying what to configure, or, when pg_cron is in another database, the exact cron.schedule_in_database calls to run there';

CREATE FUNCTION rectify.schedule_jobs(escalate_at text DEFAULT '0 * * * *',
                                      dispatch_at text DEFAULT '30 0 1 * *')
  RETURNS TABLE (jobid bigint, jobname text, schedule text, runs_at text, command text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  esc text := rectify.check_cron_schedule(escalate_at, 'escalate_at');
  dis text := rectify.check_cron_schedule(dispatch_at, 'dispatch_at');
  job record;
BEGIN
  PERFORM rectify.require_cron('schedule', esc, dis);
  IF coalesce(current_setting('cron.use_background_workers', true), 'off') <> 'on' THEN
    RAISE NOTICE 'pg_cron will run these jobs over libpq as %: the role needs LOGIN and a pg_hba.conf entry for cron.host', current_user
      USING HINT = 'cron.use_background_workers = on runs them inside the server instead.';
  END IF;
  FOR job IN SELECT * FROM (VALUES ('rectify-escalate', esc, rectify.job_command('escalate')),
                                   ('rectify-dispatch', dis, rectify.job_command('dispatch'))) AS v(name, sched, cmd)
  LOOP
    -- cron.schedule(name, ...) updates this role's job of that name in place.
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO jobid USING job.name, job.sched, job.cmd;
    jobname := job.name; schedule := job.sched; command := job.cmd;
    runs_at := rectify.cron_schedule_note(job.sched);
    RETURN NEXT;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.schedule_jobs(text, text) IS
  'creates or updates the pg_cron jobs rectify-escalate (rectify.run_daily(), which runs each office day once and catches up missed days, and run-history housekeeping; default 0 * * * *, every hour) and rectify-dispatch (monthly dispatch(); default 30 0 1 * * UTC = 08:30 Beijing on the 1st). Opt-in; needs pg_cron in this database';

CREATE FUNCTION rectify.unschedule_jobs()
  RETURNS TABLE (jobid bigint, jobname text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  job record;
BEGIN
  PERFORM rectify.require_cron('unschedule');
  -- By id: cron.unschedule(name) finds only the current role's jobs.
  FOR job IN EXECUTE
    'SELECT j.jobid, j.jobname::text AS jobname FROM cron.job j
      WHERE j.jobname IN (''rectify-escalate'', ''rectify-dispatch'') AND j.database = current_database()
      ORDER BY j.jobid'
  LOOP
    EXECUTE 'SELECT cron.unschedule($1)' USING job.jobid;
    jobid := job.jobid; jobname := job.jobname;
    RETURN NEXT;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.unschedule_jobs() IS
  'removes the pg_cron jobs made by rectify.schedule_jobs() (those visible to the current role), by job id; returns what it removed';

CREATE FUNCTION rectify.purge_cron_history(keep_days integer DEFAULT NULL)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  keep integer := coalesce(keep_days, (SELECT cron_history_days FROM rectify.office));
  n bigint;
BEGIN
  IF keep < 0 THEN
    RAISE EXCEPTION 'days of pg_cron history to keep must not be negative, not %', keep
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a number of days such as 30, or NULL for the office''s cron_history_days.';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    RETURN NULL;      -- pg_cron is elsewhere: its database purges (see require_cron)
  END IF;
  EXECUTE $q$
    DELETE FROM cron.job_run_details d
     WHERE d.end_time < pg_catalog.now() - make_interval(days => $1)
       AND (d.jobid IN (SELECT j.jobid FROM cron.job j WHERE j.jobname LIKE 'rectify-%')
            OR d.command LIKE '%rectify.escalate(%' OR d.command LIKE '%rectify.run_daily(%'
            OR d.command LIKE '%rectify.dispatch(%')$q$
    USING keep;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.purge_cron_history(integer) IS
  'deletes rectify''s own pg_cron run records (cron.job_run_details) that ended more than keep_days ago (default: the office''s cron_history_days); NULL when pg_cron is in another database. Run by the daily job';
