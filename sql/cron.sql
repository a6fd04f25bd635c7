-- pg_cron glue: schedule_jobs() / unschedule_jobs(), the monthly dispatch
-- (一月一调度), housekeeping of cron.job_run_details, and the errors when
-- pg_cron is in another database.  pg_cron 1.4 reads schedules in UTC:
-- '0 0 * * *' is 08:00 Beijing time; the daily job runs every hour
-- ('0 * * * *') and rectify.run_daily() picks the office's days (health.sql).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
DROP EXTENSION IF EXISTS rectify CASCADE;
CREATE EXTENSION rectify;
RESET client_min_messages;
SET DateStyle = ISO;
SET search_path = public, rectify;

-- ------------------------------------------------------------------
-- Scheduling is opt-in: installing rectify made no job.
-- ------------------------------------------------------------------
SELECT count(*) AS jobs_after_install FROM cron.job WHERE command ~ 'rectify\.';

SELECT jobname, schedule, runs_at, command FROM schedule_jobs();
SELECT jobname, schedule, command, database = current_database() AS here,
       username = current_user AS mine, active
  FROM cron.job WHERE jobname ~ '^rectify-' ORDER BY jobname;
CREATE TEMP TABLE first_ids AS SELECT jobid, jobname FROM cron.job WHERE jobname ~ '^rectify-';

-- Again, with other schedules: the same jobs are updated in place.
SELECT jobname, schedule, runs_at FROM schedule_jobs('0 23 * * *', '@monthly');
SELECT j.jobname, j.schedule, j.jobid = f.jobid AS same_job
  FROM cron.job j JOIN first_ids f USING (jobname) ORDER BY j.jobname;
SELECT count(*) AS rectify_jobs FROM cron.job WHERE jobname ~ '^rectify-';
SELECT cron_schedule_note('0 16 * * *') AS note_16, cron_schedule_note('*/5 * * * *') AS note_every_5;

-- Bad schedules, before pg_cron sees them.
SELECT s.label, (testkit.attempt(s.stmt)).*
  FROM (VALUES
    ('NULL', $$SELECT rectify.schedule_jobs(NULL)$$),
    ('blank', $$SELECT rectify.schedule_jobs('  ')$$),
    ('seconds', $$SELECT rectify.schedule_jobs('30 seconds')$$),
    ('four fields', $$SELECT rectify.schedule_jobs('0 0 * *')$$),
    ('reboot', $$SELECT rectify.schedule_jobs('0 0 * * *', '@reboot')$$),
    ('words', $$SELECT rectify.schedule_jobs('every day at 8')$$)
  ) AS s(label, stmt);
-- Well formed but out of range: pg_cron's own check.
SELECT (testkit.attempt($$SELECT rectify.schedule_jobs('61 0 * * *')$$)).state;
SELECT count(*) AS rectify_jobs FROM cron.job WHERE jobname ~ '^rectify-';

-- ------------------------------------------------------------------
-- Housekeeping: rectify's own run records older than N days go.
-- ------------------------------------------------------------------
SELECT cron.schedule('someone-elses-job', '0 3 * * *', 'SELECT 1') > 0 AS other_job;
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, return_message, start_time, end_time)
SELECT j.jobid, nextval('cron.runid_seq'), current_database(), current_user, j.command, 'succeeded', 'SELECT 1',
       now() - make_interval(days => d), now() - make_interval(days => d)
  FROM cron.job j, unnest(ARRAY[2, 10, 40, 400]) AS d
 WHERE j.jobname IN ('rectify-escalate', 'someone-elses-job');
-- a record of a rectify job since removed (found by its command)
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, start_time, end_time)
VALUES (999999, nextval('cron.runid_seq'), current_database(), current_user,
        'SELECT count(*) AS escalated FROM rectify.escalate()', 'failed', now() - interval '50 days', now() - interval '50 days');
SELECT purge_cron_history() AS purged_30_days;
SELECT purge_cron_history(5) AS purged_5_days;
SELECT set_setting('cron_history_days', '1');
SELECT purge_cron_history() AS purged_1_day;
SELECT set_setting('cron_history_days', NULL);
SELECT j.jobname, count(*) AS runs_left
  FROM cron.job_run_details d LEFT JOIN cron.job j USING (jobid)
 GROUP BY j.jobname ORDER BY j.jobname;
SELECT s.label, (testkit.attempt(s.stmt)).*
  FROM (VALUES
    ('negative', $$SELECT rectify.purge_cron_history(-1)$$),
    ('setting', $$SELECT rectify.set_setting('cron_history_days', 'a month')$$)
  ) AS s(label, stmt);
DELETE FROM cron.job_run_details;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'someone-elses-job';

-- ------------------------------------------------------------------
-- Unscheduling, by job id.
-- ------------------------------------------------------------------
SELECT u.jobname, u.jobid = f.jobid AS same_job
  FROM unschedule_jobs() u JOIN first_ids f USING (jobname) ORDER BY u.jobname;
SELECT count(*) AS removed_again FROM unschedule_jobs();
SELECT count(*) AS rectify_jobs FROM cron.job WHERE jobname ~ '^rectify-';

-- ------------------------------------------------------------------
-- The monthly dispatch: a snapshot per month, compared with the last.
-- ------------------------------------------------------------------
SELECT register_item('CRON-01', '130600', '调度测试问题一', '2022-03-31', '2022-01-01', 'water', 'central'),
       register_item('CRON-02', '131000', '调度测试问题二', '2022-12-31', '2022-01-01', 'air', 'provincial'),
       register_item('CRON-03', '340000', '调度测试问题三', '持续推进', '2022-01-01', 'ecology', 'central');
SELECT assign_unit(item_id, '保定市生态环境局') FROM items WHERE code = 'CRON-01';
SELECT report_progress(item_id, 0.4, '2022-04-20') FROM items WHERE code = 'CRON-02';
SELECT dispatch('2022-04-30') >= 3 AS dispatched;
SELECT month, code, status, state, days_overdue, escalation_level, progress, primary_units, taken_on
  FROM dispatch_snapshots WHERE code ~ '^CRON-' ORDER BY month, code;
-- escalation between the two dispatches, then May's snapshot
SELECT code, to_level FROM escalate('2022-05-20') WHERE code ~ '^CRON-' ORDER BY code;
SELECT report_progress(item_id, 0.6, '2022-05-25') FROM items WHERE code = 'CRON-02';
SELECT advance(item_id, 'completed', '2022-05-26') FROM items WHERE code = 'CRON-03';
SELECT dispatch('2022-05-31') >= 2 AS dispatched;
-- a second dispatch in the same month keeps the first (NOTICE)
SELECT dispatch('2022-05-31') >= 2 AS dispatched_again;
SELECT month, code, prev_days_overdue, days_overdue, prev_level, level, prev_progress, progress,
       progress_change, new_this_month
  FROM dispatch_compare WHERE code ~ '^CRON-' ORDER BY month, code;
SELECT (testkit.attempt($$SELECT rectify.dispatch(NULL)$$)).*;

-- ------------------------------------------------------------------
-- pg_cron in another database: a function there cannot reach it, so
-- the error gives the exact calls to run in the cron database.
-- ------------------------------------------------------------------
\getenv abs_srcdir PG_ABS_SRCDIR
\set own_db rectify_cron_elsewhere
\i :abs_srcdir/test/own-database.sql
SET search_path = public, rectify;
CREATE EXTENSION rectify;
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT * FROM rectify.schedule_jobs();
SELECT * FROM rectify.schedule_jobs('30 22 * * *', '0 1 1 * *');
SELECT * FROM rectify.unschedule_jobs();
DO $$
BEGIN
  PERFORM rectify.schedule_jobs();
EXCEPTION WHEN object_not_in_prerequisite_state THEN
  RAISE NOTICE 'SQLSTATE 55000 caught';
END $$;
-- Without pg_cron here, housekeeping has nothing to do (NULL), and an
-- outside scheduler can still run everything.
SELECT purge_cron_history() IS NULL AS purge_skipped;
SELECT count(*) AS escalated FROM rectify.escalate('2022-01-01');
SELECT rectify.dispatch('2022-01-31') AS dispatched;
\c :home
DROP DATABASE rectify_cron_elsewhere;
