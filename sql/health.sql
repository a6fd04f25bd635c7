-- The daily run that catches up (rectify.run_daily) and the health checks
-- (rectify.health), as the office's roles meet them: an administrator runs
-- the days, twice changes nothing, a missed stretch is caught up with each
-- step dated on its own day, a failed day is recorded whole or not at all
-- and retried; officers and readers may do neither; a monitoring role
-- granted health() alone reads it.  The dates are given, never today's:
-- the checks judge the day they are asked about.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
RESET client_min_messages;
CALL testkit.fresh_rectify();
SELECT setup_roles('hl_admin', 'hl_officer', 'hl_verifier', 'hl_reader');
CREATE ROLE hl_adam LOGIN IN ROLE hl_admin;
CREATE ROLE hl_olga LOGIN;
CREATE ROLE hl_rita LOGIN IN ROLE hl_reader;
-- a monitoring login: health() and nothing else
CREATE ROLE hl_mon LOGIN;
GRANT USAGE ON SCHEMA rectify TO hl_mon;
GRANT EXECUTE ON FUNCTION rectify.health(date) TO hl_mon;
GRANT USAGE ON SCHEMA testkit TO hl_adam, hl_olga, hl_rita, hl_mon;
-- pg_cron's tables as this test leaves them: no job of rectify's, no run
SELECT count(*) AS removed FROM unschedule_jobs();
DELETE FROM cron.job_run_details;
-- the timestamps in the details, which change from run to run
CREATE FUNCTION masked(t text) RETURNS text LANGUAGE sql IMMUTABLE
  RETURN regexp_replace(t, '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d( [+-]?[0-9A-Za-z/_]+)?', '<time>', 'g');

-- The ledger: four items whose steps fall on different days.  On
-- 2022-06-20 A (due 06-14) is at notice, B (06-07) at warning, C (05-22)
-- at circular; then A reaches warning and C supervision on 06-21, B
-- circular on 06-22, D (due 06-22, on schedule) notice on 06-23.
SET SESSION AUTHORIZATION hl_adam;
SELECT register_item('H-A', '431127', '甲问题', '2022-06-14', '2022-01-01', 'water') AS a,
       register_item('H-B', '431127', '乙问题', '2022-06-07', '2022-01-01', 'air') AS b,
       register_item('H-C', '431127', '丙问题', '2022-05-22', '2022-01-01', 'soil') AS c,
       register_item('H-D', '431127', '丁问题', '2022-06-22', '2022-01-01', 'ecology') AS d;
SELECT assign_unit(item('H-D'), '蓝山县人民政府');
RESET SESSION AUTHORIZATION;
SELECT bind_officer('hl_olga', '蓝山县人民政府');
SET SESSION AUTHORIZATION hl_olga;
SELECT report_progress(item('H-D'), 0.95, '2022-06-01');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Before any run: health says so (warn), as the administrator and as the
-- monitoring role.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION hl_adam;
SELECT check_name, status, detail FROM health('2022-06-20');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION hl_mon;
SELECT check_name, status FROM rectify.health('2022-06-20');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Who may run and read: officers, readers and the monitoring role may not
-- run the days (42501, written nothing); health() is for administrators
-- and the roles granted it.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION hl_olga;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.run_daily('2022-06-20'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.health('2022-06-20'))$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION hl_rita;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.run_daily('2022-06-20'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.health('2022-06-20'))$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION hl_mon;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.run_daily('2022-06-20'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.job_runs)$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.items)$$);
RESET SESSION AUTHORIZATION;

-- Bad dates: NULL, infinite, not begun yet; and the wrong isolation level.
SET SESSION AUTHORIZATION hl_adam;
SELECT v.label, t.*
  FROM (VALUES ('NULL', $$(SELECT count(*) FROM rectify.run_daily(NULL))$$),
               ('infinity', $$(SELECT count(*) FROM rectify.run_daily('infinity'))$$),
               ('-infinity', $$(SELECT count(*) FROM rectify.run_daily('-infinity'))$$),
               ('future', $$(SELECT count(*) FROM rectify.run_daily('2099-01-01'))$$),
               ('health NULL', $$(SELECT count(*) FROM rectify.health(NULL))$$),
               ('health infinity', $$(SELECT count(*) FROM rectify.health('infinity'))$$)) AS v(label, expr),
       LATERAL testkit.try(v.expr) AS t;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.run_daily('2022-06-20'))$$);
ROLLBACK;
RESET SESSION AUTHORIZATION;
-- nothing was written by any refusal
SELECT count(*) AS runs, (SELECT count(*) FROM events WHERE kind = 'escalated') AS steps FROM job_runs;

-- ---------------------------------------------------------------------
-- 2022-06-20, the first run ever: that day only.  Run again the same day
-- (the next hour's job): nothing.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION hl_adam;
SELECT * FROM run_daily('2022-06-20');
SELECT * FROM run_daily('2022-06-20');
SELECT check_name, status, masked(detail) AS detail FROM health('2022-06-20') WHERE check_name = 'escalation_run';
-- the next day before its run (warn), three days on (fail)
SELECT check_name, status, detail FROM health('2022-06-21') WHERE check_name = 'escalation_run';
SELECT check_name, status, detail FROM health('2022-06-23') WHERE check_name = 'escalation_run';
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The server was down on 06-21 and 06-22; on 06-23 the run catches up,
-- but the run of 06-22 fails (a trigger stands in for any error).  06-21
-- is done; 06-22 is recorded as failed with nothing of its escalation;
-- 06-23 waits for it.
-- ---------------------------------------------------------------------
CREATE FUNCTION public.boom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'disk full (simulated) on %', NEW.happened_on USING ERRCODE = 'disk_full';
END $$;
CREATE TRIGGER boom BEFORE INSERT ON rectify.events
  FOR EACH ROW WHEN (NEW.happened_on = '2022-06-22' AND NEW.kind = 'escalated') EXECUTE FUNCTION public.boom();
SET SESSION AUTHORIZATION hl_adam;
SELECT * FROM run_daily('2022-06-23');
SELECT office_date, steps, outcome, detail, attempts, run_by FROM job_runs ORDER BY office_date;
SELECT code, escalation_level, escalated_on FROM items ORDER BY code;
SELECT count(*) AS steps_of_0622 FROM events WHERE happened_on = '2022-06-22';
SELECT check_name, status, masked(detail) AS detail FROM health('2022-06-23') WHERE check_name = 'escalation_run';
RESET SESSION AUTHORIZATION;
DROP TRIGGER boom ON rectify.events;
DROP FUNCTION public.boom();

-- The next run (the next hour) does 06-22 and 06-23; then nothing is left.
SET SESSION AUTHORIZATION hl_adam;
SELECT * FROM run_daily('2022-06-23');
SELECT * FROM run_daily('2022-06-23');
-- an earlier day than the last done: nothing either
SELECT * FROM run_daily('2022-06-21');
SELECT office_date, steps, outcome, detail, attempts, run_by FROM job_runs ORDER BY office_date;
SELECT check_name, status, masked(detail) AS detail FROM health('2022-06-23') WHERE check_name = 'escalation_run';
-- each step on its own day, as if no day had been missed
SELECT e.happened_on, i.code, e.from_value, e.to_value, e.days_overdue, e.actor
  FROM events e JOIN items i USING (item_id)
 WHERE e.kind = 'escalated' ORDER BY e.happened_on, i.code;
-- a day before the runs began
SELECT check_name, status, detail FROM health('2022-06-01') WHERE check_name = 'escalation_run';
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- pg_cron: failed runs since the last success, a run that hangs, an
-- inactive job, a job whose command is not this version's.  The jobs get
-- a schedule that never comes (31 February); the runs are written in.
-- ---------------------------------------------------------------------
SELECT jobname, schedule, command FROM schedule_jobs('0 0 31 2 *', '0 0 31 2 *') ORDER BY jobname;
SELECT check_name, status, detail FROM health('2022-06-23') WHERE check_name = 'pg_cron';
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, return_message, start_time, end_time)
SELECT j.jobid, nextval('cron.runid_seq'), current_database(), current_user, j.command, r.status, r.message,
       now() - r.ago, now() - r.ago + interval '2 seconds'
  FROM cron.job j,
       (VALUES ('succeeded', 'SELECT 1', interval '5 hours'),
               ('failed', 'ERROR:  could not serialize access', interval '4 hours'),
               ('failed', 'ERROR:  canceling statement due to statement timeout', interval '3 hours')) AS r(status, message, ago)
 WHERE j.jobname = 'rectify-escalate';
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, start_time)
SELECT j.jobid, nextval('cron.runid_seq'), current_database(), current_user, j.command, 'running', now() - interval '2 hours'
  FROM cron.job j WHERE j.jobname = 'rectify-dispatch';
SELECT check_name, status, masked(detail) AS detail FROM health('2022-06-23') WHERE check_name = 'pg_cron';
-- the escalation job succeeds again (its failures are past); the hanging
-- dispatch ends as failed, as pg_cron marks it after a restart; the
-- dispatch job is switched off, and the escalation job still runs 1.0's command
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, return_message, start_time, end_time)
SELECT j.jobid, nextval('cron.runid_seq'), current_database(), current_user, j.command, 'succeeded', '1 row',
       now() - interval '1 hour', now() - interval '1 hour'
  FROM cron.job j WHERE j.jobname = 'rectify-escalate';
UPDATE cron.job_run_details SET status = 'failed', return_message = 'server restarted', end_time = now()
 WHERE status = 'running';
UPDATE cron.job SET active = false WHERE jobname = 'rectify-dispatch';
UPDATE cron.job SET command = 'SELECT count(*) AS escalated FROM rectify.escalate()' WHERE jobname = 'rectify-escalate';
SELECT check_name, status, masked(detail) AS detail FROM health('2022-06-23') WHERE check_name = 'pg_cron';
SELECT count(*) AS removed FROM unschedule_jobs();
DELETE FROM cron.job_run_details;
SELECT check_name, status, detail FROM health('2022-06-23') WHERE check_name = 'pg_cron';

-- ---------------------------------------------------------------------
-- The calendar: this year's needed, next year's by December.  Shipped:
-- 2007-2026.
-- ---------------------------------------------------------------------
SELECT d.asof, h.status, h.detail
  FROM unnest('{2026-10-31,2026-11-01,2026-12-01,2025-12-31,2031-03-01}'::date[]) AS d(asof),
       LATERAL health(d.asof) AS h
 WHERE h.check_name = 'calendar' ORDER BY d.asof;

-- ---------------------------------------------------------------------
-- Settings that are allowed but cannot be what the office meant.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION hl_adam;
SELECT set_setting('time_zone', 'UTC+8'), set_setting('lag_threshold', '1'),
       set_setting('warning_days', '400'), set_setting('cron_history_days', '0');
SELECT check_name, status, detail FROM health('2022-06-23') WHERE check_name = 'settings';
SELECT set_setting('time_zone', NULL), set_setting('lag_threshold', NULL),
       set_setting('warning_days', NULL), set_setting('cron_history_days', NULL);
SELECT check_name, status, detail FROM health('2022-06-23') WHERE check_name = 'settings';
RESET SESSION AUTHORIZATION;
-- a zone days away from UTC, or one the server no longer knows, cannot be
-- set (settings_check), but can arrive with the trigger off: health says so
ALTER TABLE rectify.settings DISABLE TRIGGER settings_check;
UPDATE rectify.settings SET time_zone = '<+167>-167';
SELECT check_name, status, detail FROM health('2022-06-23') WHERE check_name = 'settings';
UPDATE rectify.settings SET time_zone = 'Mars/Olympus_Mons';
SELECT check_name, status, detail FROM health('2022-06-23');
UPDATE rectify.settings SET time_zone = NULL;
ALTER TABLE rectify.settings ENABLE TRIGGER settings_check;

-- ---------------------------------------------------------------------
-- The outbox: the daily runs wrote escalation steps (and reminders); no
-- consumer has taken them, so two days after their date health warns, and
-- once a consumer acknowledges them it is ok again.
-- ---------------------------------------------------------------------
SELECT count(*) > 0 AS outbox_has_rows FROM rectify.notifications;
SET SESSION AUTHORIZATION hl_adam;
SELECT check_name, status FROM health('2022-06-21') WHERE check_name = 'outbox';
SELECT check_name, status, detail FROM health('2022-06-25') WHERE check_name = 'outbox';
SELECT ack_notifications('sms', (SELECT max(n.id) FROM take_notifications('sms', 1000) n)) > 0 AS acked;
SELECT check_name, status, detail FROM health('2022-06-25') WHERE check_name = 'outbox';
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The pg_cron job's command: an hourly run_daily() and the housekeeping.
-- ---------------------------------------------------------------------
SELECT job_command('escalate') AS escalate, job_command('escalate-elsewhere') AS elsewhere;
SELECT cron_schedule_note('0 * * * *') AS hourly, cron_schedule_note('15 * * * *') AS hourly_15;

DROP FUNCTION masked(text);
REVOKE ALL ON SCHEMA rectify FROM hl_mon;
DROP OWNED BY hl_adam, hl_olga, hl_rita, hl_mon, hl_admin, hl_officer, hl_verifier, hl_reader;
DROP ROLE hl_adam, hl_olga, hl_rita, hl_mon, hl_admin, hl_officer, hl_verifier, hl_reader;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
