-- ===========================================================================
-- The daily run that catches up, and health checks for monitoring.
--
-- pg_cron 1.4 never makes up a run missed while the server was down: its
-- launcher starts at the current minute.  rectify.run_daily(upto) therefore
-- runs every office day since the last day it completed, in order, each
-- with rectify.escalate(day), so that a step that became due on a missed
-- day is dated that day; rectify.job_runs records one run per office day.
-- The pg_cron job calls it every hour: the first call of an office day does
-- the day, the others find it done.  rectify.health() says in one row per
-- check whether the runs happen, whether pg_cron's runs of rectify's jobs
-- fail or hang, whether the calendar is loaded, and whether the settings
-- make sense.
-- ===========================================================================

-- One row per job and office day.  A failed day is recorded too (and
-- retried at the next run, which then overwrites the row); it is dumped so
-- that a restored ledger catches up from the day its backup had reached.
CREATE TABLE rectify.job_runs (
  job text NOT NULL CHECK (job ~ '^[a-z][a-z_]*$'),
  office_date date NOT NULL CHECK (isfinite(office_date)),
  started timestamptz NOT NULL,
  finished timestamptz NOT NULL CHECK (finished >= started),
  steps integer NOT NULL CHECK (steps >= 0),
  outcome text NOT NULL CHECK (outcome IN ('done', 'failed')),
  detail text,
  attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  run_by text NOT NULL DEFAULT rectify.caller(),
  PRIMARY KEY (job, office_date),
  CHECK ((outcome = 'failed') = (detail IS NOT NULL))
);
COMMENT ON TABLE rectify.job_runs IS
  'one row per daily job (escalate) and office day, written by rectify.run_daily(): when it ran, how many steps, done or failed; read by rectify.health()';
COMMENT ON COLUMN rectify.job_runs.job IS 'the job: escalate';
COMMENT ON COLUMN rectify.job_runs.office_date IS 'the office day the run was for (the asof it ran with), not the day it ran on';
COMMENT ON COLUMN rectify.job_runs.started IS 'when the run of this day started (its last attempt)';
COMMENT ON COLUMN rectify.job_runs.finished IS 'when the run of this day ended (its last attempt)';
COMMENT ON COLUMN rectify.job_runs.steps IS 'what the run did: for escalate, the number of items it raised';
COMMENT ON COLUMN rectify.job_runs.outcome IS 'done, or failed (tried again by the next run)';
COMMENT ON COLUMN rectify.job_runs.detail IS 'for a failed run: SQLSTATE and message of the error';
COMMENT ON COLUMN rectify.job_runs.attempts IS 'how many runs handled this day (a failed day is tried again)';
COMMENT ON COLUMN rectify.job_runs.run_by IS 'the role that ran it (rectify.caller())';
SELECT pg_catalog.pg_extension_config_dump('rectify.job_runs', '');
REVOKE ALL ON rectify.job_runs FROM PUBLIC;

-- run_daily(upto): every office day from the day after the last one done
-- to upto, in order.  The first run ever does only upto.
CREATE FUNCTION rectify.run_daily(upto date DEFAULT rectify.today())
  RETURNS TABLE (office_date date, steps integer, outcome text, detail text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
#variable_conflict use_column
DECLARE
  office_today date;
  last_done date;
  day date;
  t0 timestamptz;
  n integer;
  err_state text;
  err_message text;
BEGIN
  -- It runs as the owner, so that an administrator can run it; the
  -- pg_cron job runs as a superuser, who passes this check too.
  PERFORM rectify.require_admin('rectify.run_daily()', 'run rectify.run_daily()');
  PERFORM rectify.require_date(upto, 'the last office day to run',
                               'Give a date such as 2022-06-20, or omit it for rectify.today().');
  office_today := rectify.today();
  IF upto > office_today THEN
    RAISE EXCEPTION 'office day % has not begun: rectify.run_daily() runs days up to today', upto
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Today is %s in the office''s time zone (%s).', office_today, rectify.office_time_zone()),
            HINT = 'Give today or an earlier date, or omit it for rectify.today().';
  END IF;
  -- One run at a time, with escalate() itself: a second run waits here,
  -- then reads what the first committed (a new snapshot per statement).
  PERFORM rectify.lock_job('escalate', 'rectify.run_daily()');
  -- and with remind(): the job locks in one order, escalate, remind, then
  -- the outbox (which the day's escalation steps and reminders write)
  PERFORM 1 FROM rectify.job_locks l WHERE l.job = 'remind' FOR UPDATE;
  SELECT max(r.office_date) INTO last_done
    FROM rectify.job_runs r WHERE r.job = 'escalate' AND r.outcome = 'done';
  day := coalesce(last_done + 1, upto);
  WHILE day <= upto LOOP
    t0 := pg_catalog.clock_timestamp();
    BEGIN
      -- the day's escalation steps, then its reminders (rectify.remind),
      -- and the outbox rows past their keeping period
      SELECT count(*) INTO n FROM rectify.escalate(day);
      PERFORM rectify.remind(day);
      PERFORM rectify.purge_notifications(day);
      INSERT INTO rectify.job_runs AS r (job, office_date, started, finished, steps, outcome, detail)
        VALUES ('escalate', day, t0, pg_catalog.clock_timestamp(), n, 'done', NULL)
        ON CONFLICT (job, office_date) DO UPDATE
          SET started = EXCLUDED.started, finished = EXCLUDED.finished, steps = EXCLUDED.steps,
              outcome = 'done', detail = NULL, attempts = r.attempts + 1, run_by = EXCLUDED.run_by;
    EXCEPTION WHEN OTHERS THEN
      -- the day's escalation is rolled back whole; the failure is recorded,
      -- and later days wait for it (days run in order)
      GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT;
      INSERT INTO rectify.job_runs AS r (job, office_date, started, finished, steps, outcome, detail)
        VALUES ('escalate', day, t0, pg_catalog.clock_timestamp(), 0, 'failed', err_state || ': ' || err_message)
        ON CONFLICT (job, office_date) DO UPDATE
          SET started = EXCLUDED.started, finished = EXCLUDED.finished, steps = 0,
              outcome = 'failed', detail = EXCLUDED.detail, attempts = r.attempts + 1, run_by = EXCLUDED.run_by;
      RAISE WARNING 'the daily run of office day % failed: %', day, err_message
        USING DETAIL = format('SQLSTATE %s. Later days wait for this one.', err_state),
              HINT = 'The next run tries it again; rectify.health() reports it until then.';
      office_date := day; steps := 0; outcome := 'failed'; detail := err_state || ': ' || err_message;
      RETURN NEXT;
      RETURN;
    END;
    office_date := day; steps := n; outcome := 'done'; detail := NULL;
    RETURN NEXT;
    day := day + 1;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.run_daily(date) IS
  'the daily job: runs rectify.escalate(day), rectify.remind(day) and rectify.purge_notifications(day) for every office day after the last one done up to upto (the first run ever: upto only), in order, recording each day in rectify.job_runs (steps: the escalation steps); returns the days it ran. A day already done is skipped; concurrent runs wait for each other; a failed day is recorded and stops the run. Administrators and superusers (42501 otherwise)';

-- ------------------------------------------------------------------
-- Health.
-- ------------------------------------------------------------------

-- The daily run of asof: done, not yet, missed days, or failed.
CREATE FUNCTION rectify.health_daily_run(asof date, OUT status text, OUT detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  r rectify.job_runs;
  first_day date;
  last_done date;
  failed rectify.job_runs;
BEGIN
  SELECT * INTO r FROM rectify.job_runs j WHERE j.job = 'escalate' AND j.office_date = asof;
  IF r.outcome = 'done' THEN
    status := 'ok';
    detail := format('the daily run of %s finished at %s: %s escalation step%s%s', asof,
                     to_char(r.finished AT TIME ZONE rectify.office_time_zone(), 'YYYY-MM-DD HH24:MI:SS ') || rectify.office_time_zone(),
                     r.steps, CASE WHEN r.steps = 1 THEN '' ELSE 's' END,
                     CASE WHEN r.attempts > 1 THEN format(' (after %s attempts)', r.attempts) ELSE '' END);
    RETURN;
  END IF;
  SELECT min(j.office_date), max(j.office_date) FILTER (WHERE j.outcome = 'done' AND j.office_date <= asof)
    INTO first_day, last_done
    FROM rectify.job_runs j WHERE j.job = 'escalate';
  IF first_day IS NULL THEN
    status := 'warn';
    detail := 'rectify.run_daily() has never run: schedule it with rectify.schedule_jobs(), or have a scheduler run SELECT rectify.run_daily() every hour';
    RETURN;
  END IF;
  IF asof < first_day THEN
    status := 'ok';
    detail := format('no daily run for %s: the runs began on %s', asof, first_day);
    RETURN;
  END IF;
  SELECT * INTO failed FROM rectify.job_runs j
   WHERE j.job = 'escalate' AND j.outcome = 'failed' AND j.office_date <= asof
     AND j.office_date > coalesce(last_done, '-infinity')
   ORDER BY j.office_date LIMIT 1;
  IF failed.office_date IS NOT NULL THEN
    status := 'fail';
    detail := format('the daily run of %s failed (%s attempt%s, the last at %s): %s; later days wait for it',
                     failed.office_date, failed.attempts, CASE WHEN failed.attempts = 1 THEN '' ELSE 's' END,
                     to_char(failed.finished AT TIME ZONE rectify.office_time_zone(), 'YYYY-MM-DD HH24:MI:SS ') || rectify.office_time_zone(),
                     failed.detail);
    RETURN;
  END IF;
  IF last_done IS NULL THEN
    status := 'fail';
    detail := format('no day up to %s has been done: the runs began on %s and none finished', asof, first_day);
  ELSIF asof - last_done = 1 THEN
    status := 'warn';
    detail := format('the daily run of %s has not run yet (the last day done is %s); normal only just after the office''s midnight',
                     asof, last_done);
  ELSE
    status := 'fail';
    detail := format('%s office days not run (%s to %s; the last day done is %s): is the job scheduled and the server up? The next rectify.run_daily() catches them up in order',
                     asof - last_done, last_done + 1, asof, last_done);
  END IF;
END $$;
COMMENT ON FUNCTION rectify.health_daily_run(date) IS
  'internal: the escalation_run check of rectify.health(): whether the daily run of asof is done (rectify.job_runs)';

-- pg_cron's runs of rectify's jobs: failed or hanging since the last
-- success, inactive jobs, jobs whose command is not the current one.
-- pg_cron may be absent: everything about it goes through EXECUTE.
CREATE FUNCTION rectify.health_cron(OUT status text, OUT detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  cron_db text := current_setting('cron.database_name', true);
  problems text[];
  fails boolean;
  jobs integer;
BEGIN
  IF to_regclass('cron.job') IS NULL OR to_regclass('cron.job_run_details') IS NULL THEN
    status := 'ok';
    detail := CASE WHEN cron_db IS NOT NULL AND cron_db <> current_database()
                   THEN format('pg_cron runs in database "%s": check rectify''s jobs in its cron.job_run_details there', cron_db)
                   ELSE 'pg_cron is not installed in this database: nothing to check (escalation_run says whether the daily run happens)' END;
    RETURN;
  END IF;
  EXECUTE $q$
    WITH jobs AS (
      SELECT j.jobid, j.jobname::text AS jobname, j.command, j.active
        FROM cron.job j
       WHERE j.jobname LIKE 'rectify-%' AND j.database = pg_catalog.current_database()),
    last_ok AS (
      SELECT d.jobid, max(d.start_time) AS at
        FROM cron.job_run_details d WHERE d.status = 'succeeded' GROUP BY d.jobid),
    since AS (
      SELECT j.jobname, o.at AS last_ok, d.status, d.start_time, d.return_message
        FROM jobs j
        JOIN cron.job_run_details d ON d.jobid = j.jobid
        LEFT JOIN last_ok o ON o.jobid = j.jobid
       WHERE d.start_time > coalesce(o.at, '-infinity')),
    failed AS (
      SELECT s.jobname, count(*) AS n, max(s.last_ok) AS last_ok,
             (array_agg(s.start_time ORDER BY s.start_time DESC))[1] AS last_at,
             (array_agg(s.return_message ORDER BY s.start_time DESC))[1] AS message
        FROM since s WHERE s.status = 'failed' GROUP BY s.jobname),
    stuck AS (
      SELECT s.jobname, min(s.start_time) AS since_at
        FROM since s
       WHERE s.status IN ('starting', 'running', 'sending', 'connecting')
         AND s.start_time < pg_catalog.now() - interval '1 hour'
       GROUP BY s.jobname)
    SELECT (SELECT count(*) FROM jobs)::integer,
           EXISTS (SELECT FROM failed) OR EXISTS (SELECT FROM stuck),
           array(
             SELECT p FROM (
               SELECT 1 AS o, f.jobname AS k,
                      format('%s: %s failed run%s since %s, the last at %s: %s', f.jobname, f.n,
                             CASE WHEN f.n = 1 THEN '' ELSE 's' END,
                             coalesce('the last success at ' || to_char(f.last_ok AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS ') || $1, 'it was scheduled (no success recorded)'),
                             to_char(f.last_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS ') || $1,
                             coalesce(pg_catalog.left(f.message, 300), 'no message')) AS p
                 FROM failed f
               UNION ALL
               SELECT 2, s.jobname,
                      format('%s: a run started at %s has not finished after %s h %s min: pg_cron starts no other run of the job meanwhile',
                             s.jobname, to_char(s.since_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS ') || $1,
                             floor(extract(epoch FROM pg_catalog.now() - s.since_at) / 3600),
                             floor(extract(epoch FROM pg_catalog.now() - s.since_at) / 60)::bigint % 60)
                 FROM stuck s
               UNION ALL
               SELECT 3, j.jobname, format('%s is inactive (cron.job.active = false): it does not run', j.jobname)
                 FROM jobs j WHERE NOT j.active
               UNION ALL
               SELECT 4, j.jobname,
                      format('%s runs "%s", not this version''s command: run SELECT rectify.schedule_jobs() again', j.jobname, j.command)
                 FROM jobs j
                WHERE rectify.job_command(substr(j.jobname, 9)) IS DISTINCT FROM j.command
                  AND rectify.job_command(substr(j.jobname, 9)) IS NOT NULL) x
              ORDER BY x.o, x.k)$q$
    INTO jobs, fails, problems USING rectify.office_time_zone();
  IF fails THEN
    status := 'fail';
  ELSIF cardinality(problems) > 0 THEN
    status := 'warn';
  ELSE
    status := 'ok';
  END IF;
  detail := CASE WHEN cardinality(problems) > 0 THEN array_to_string(problems, '; ')
                 WHEN jobs = 0 THEN 'no rectify job is scheduled in pg_cron here (rectify.schedule_jobs() makes them; escalation_run says whether another scheduler runs the days)'
                 ELSE format('%s rectify job%s in pg_cron, no failed or hanging run since the last success',
                             jobs, CASE WHEN jobs = 1 THEN '' ELSE 's' END) END;
END $$;
COMMENT ON FUNCTION rectify.health_cron() IS
  'internal: the pg_cron check of rectify.health(): failed runs of rectify''s jobs since their last success, runs unfinished after an hour, inactive jobs, outdated commands (cron.job_run_details, read through EXECUTE: pg_cron may be absent)';

-- The national calendar: asof's year loaded, and the next year's by
-- December (the State Council's notice comes out in October or November).
CREATE FUNCTION rectify.health_calendar(asof date, OUT status text, OUT detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  y integer := extract(year FROM asof)::integer;
  m integer := extract(month FROM asof)::integer;
  has_this boolean;
  has_next boolean;
BEGIN
  SELECT bool_or(l.year = y), bool_or(l.year = y + 1) INTO has_this, has_next
    FROM rectify.calendar_loads l WHERE l.calendar = 'cn' AND l.year IN (y, y + 1);
  IF NOT coalesce(has_this, false) THEN
    status := 'fail';
    detail := format('calendar cn has no data for %s: working-day deadlines in %s are counted without holidays and are provisional; load the State Council''s notice with rectify.load_calendar(''cn'', ...)', y, y);
  ELSIF NOT coalesce(has_next, false) AND m >= 11 THEN
    status := CASE WHEN m = 12 THEN 'fail' ELSE 'warn' END;
    detail := format('calendar cn has no data for %s: deadlines in working days now reach into it; load the State Council''s notice (usually out in October or November) with rectify.load_calendar(''cn'', ...)', y + 1);
  ELSE
    status := 'ok';
    detail := CASE WHEN coalesce(has_next, false) THEN format('calendar cn is loaded for %s and %s', y, y + 1)
                   ELSE format('calendar cn is loaded for %s (%s is needed by December)', y, y + 1) END;
  END IF;
END $$;
COMMENT ON FUNCTION rectify.health_calendar(date) IS
  'internal: the calendar check of rectify.health(): the cn calendar loaded for asof''s year, and for the next year from November (warn) and December (fail)';

-- Settings that are allowed but cannot be what the office meant.
CREATE FUNCTION rectify.health_settings(OUT status text, OUT detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  o rectify.office;
  off interval;
  hours numeric;
  problems text[] := '{}';
  worst text := 'ok';
  shown text;
BEGIN
  SELECT * INTO o FROM rectify.office;
  BEGIN
    off := (pg_catalog.now() AT TIME ZONE o.time_zone) - (pg_catalog.now() AT TIME ZONE 'UTC');
  EXCEPTION WHEN OTHERS THEN
    status := 'fail';
    detail := format('time zone "%s" is not known to this server: rectify.today() fails; set a zone name such as Asia/Shanghai with rectify.set_setting(''time_zone'', ...)', o.time_zone);
    RETURN;
  END;
  hours := trim_scale(round(extract(epoch FROM off) / 3600, 2));
  shown := format('UTC%s%s', CASE WHEN off < interval '0' THEN '-' ELSE '+' END,
                  to_char(CASE WHEN off < interval '0' THEN -off ELSE off END, 'HH24:MI'));
  IF off NOT BETWEEN interval '-12 hours' AND interval '14 hours' THEN
    worst := 'fail';
    problems := problems || format('time zone "%s" is %s hours from UTC: rectify.today() is days away from any office''s date; set a zone name such as Asia/Shanghai', o.time_zone, hours);
  ELSIF o.time_zone ~* '^\s*(utc|gmt)?\s*[+-]\s*\d' THEN
    worst := 'warn';
    problems := problems || format('time zone "%s" is a POSIX offset, which counts west of UTC: it puts the office at %s; for Beijing time use Asia/Shanghai', o.time_zone, shown);
  END IF;
  IF o.lag_threshold >= 1 THEN
    worst := CASE WHEN worst = 'fail' THEN worst ELSE 'warn' END;
    problems := problems || format('lag_threshold %s: progress would have to trail 序时进度 by 100%%, so no item is ever escalated for lagging', o.lag_threshold);
  END IF;
  IF o.warning_days > 366 THEN
    worst := CASE WHEN worst = 'fail' THEN worst ELSE 'warn' END;
    problems := problems || format('warning_days %s: items count as due soon (预警) more than a year before their due date', o.warning_days);
  END IF;
  IF o.cron_history_days = 0 AND to_regclass('cron.job_run_details') IS NOT NULL THEN
    worst := CASE WHEN worst = 'fail' THEN worst ELSE 'warn' END;
    problems := problems || 'cron_history_days 0: every run deletes the records of the runs before it, so failed runs cannot be seen'::text;
  END IF;
  status := worst;
  detail := CASE WHEN cardinality(problems) > 0 THEN array_to_string(problems, '; ')
                 ELSE format('time zone %s (%s), warning_days %s, immediate_days %s, lag_threshold %s, cron_history_days %s',
                             o.time_zone, shown, o.warning_days, o.immediate_days, o.lag_threshold, o.cron_history_days) END;
END $$;
COMMENT ON FUNCTION rectify.health_settings() IS
  'internal: the settings check of rectify.health(): a time zone unknown or days away from UTC (fail), a POSIX offset such as UTC+8 that counts west, a lag_threshold of 1, warning_days over a year, cron_history_days 0 (warn)';

-- health(asof): one row per check.  It runs as the owner, so that a
-- monitoring role granted EXECUTE (and USAGE on the schema) needs no right
-- on the ledger or on cron.job_run_details; EXECUTE is revoked from PUBLIC.
-- The outbox: notifications no consumer has acknowledged outbox_alert_days
-- after their date (a sender that stopped, or none at all).
CREATE FUNCTION rectify.health_outbox(asof date, OUT status text, OUT detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  alert integer := (SELECT o.outbox_alert_days FROM rectify.office o);
  delivered bigint := (SELECT max(c.last_id) FROM rectify.notification_cursors c);
  waiting bigint;
  oldest date;
BEGIN
  SELECT count(*), min(n.on_date) INTO waiting, oldest FROM rectify.notifications n
   WHERE n.id > coalesce(delivered, 0) AND n.on_date <= asof - alert;
  IF waiting = 0 THEN
    status := 'ok';
    detail := format('no notification waits more than %s days for a consumer', alert);
  ELSE
    status := 'warn';
    detail := format('%s notifications from %s on have not been acknowledged by any consumer%s; '
                     'check the sender (rectify.take_notifications / rectify.ack_notifications)',
                     waiting, oldest, CASE WHEN delivered IS NULL THEN ' (no consumer has acknowledged any yet)' ELSE '' END);
  END IF;
END $$;
COMMENT ON FUNCTION rectify.health_outbox(date) IS
  'the outbox check of rectify.health(): warn when notifications dated outbox_alert_days (default 2) or more before asof are beyond every consumer''s cursor';

CREATE FUNCTION rectify.health(asof date DEFAULT rectify.today())
  RETURNS TABLE (check_name text, status text, detail text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  c text;
  s text;
  d text;
BEGIN
  PERFORM rectify.require_date(asof, 'the office day to check',
                               'Give a date such as 2022-06-20, or omit it for rectify.today().');
  FOREACH c IN ARRAY ARRAY['escalation_run', 'pg_cron', 'calendar', 'settings', 'outbox'] LOOP
    BEGIN
      CASE c
        WHEN 'escalation_run' THEN SELECT * INTO s, d FROM rectify.health_daily_run(asof);
        WHEN 'pg_cron' THEN SELECT * INTO s, d FROM rectify.health_cron();
        WHEN 'calendar' THEN SELECT * INTO s, d FROM rectify.health_calendar(asof);
        WHEN 'settings' THEN SELECT * INTO s, d FROM rectify.health_settings();
        WHEN 'outbox' THEN SELECT * INTO s, d FROM rectify.health_outbox(asof);
      END CASE;
    EXCEPTION WHEN OTHERS THEN
      -- a check that cannot run is a failure to look at, not a reason to
      -- hide the other checks
      GET STACKED DIAGNOSTICS d = MESSAGE_TEXT, s = RETURNED_SQLSTATE;
      d := format('the check itself failed: %s (SQLSTATE %s)', d, s);
      s := 'fail';
    END;
    check_name := c; status := s; detail := d;
    RETURN NEXT;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.health(date) IS
  'one row per check (escalation_run, pg_cron, calendar, settings, outbox) with status ok, warn or fail and a detail saying what is wrong and what to do; asof is the office day judged (default today). For monitoring: EXECUTE for rectify_admin, grant it to a monitoring role';
REVOKE EXECUTE ON FUNCTION rectify.health(date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rectify.health_daily_run(date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rectify.health_cron() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rectify.health_calendar(date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rectify.health_settings() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION rectify.health_outbox(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.health(date) TO rectify_admin;
