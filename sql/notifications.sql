-- Reminders and the outbox (rectify.notifications), as the office's roles
-- meet them: every kind of notice written once per occasion (a run twice
-- writes nothing new), an officer sees its items' notices only, take and
-- ack are at-least-once with a cursor per role and consumer, bad input is
-- refused with 22023 and changes nothing, old rows are purged.
CALL testkit.fresh_rectify();
SELECT setup_roles('rn_admin', 'rn_officer', 'rn_verifier', NULL);
CREATE ROLE rn_adam LOGIN IN ROLE rn_admin;
CREATE ROLE rn_olga LOGIN;
CREATE ROLE rn_vera LOGIN IN ROLE rn_verifier;
CREATE ROLE rn_nobody LOGIN;
GRANT USAGE ON SCHEMA testkit TO rn_adam, rn_olga, rn_vera, rn_nobody;

-- N-1 (蓝山) due 2022-06-30 with a measure due 2022-06-20; N-2 (宁远) due
-- 2022-06-20, reports 0.9 on 2022-06-05; N-3 (蓝山) ongoing.
SET SESSION AUTHORIZATION rn_adam;
SELECT unit('蓝山县人民政府', '431127') AS lanshan, unit('宁远县人民政府', '431126') AS ningyuan;
SELECT register_item('N-1', '431127', '垃圾填埋场渗滤液直排', '2022年6月30日', '2021-08-31') AS n1,
       register_item('N-2', '431126', '黑臭水体整治', '2022年6月20日', '2021-08-31') AS n2,
       register_item('N-3', '431127', '生态修复', '持续推进', '2021-08-31') AS n3;
SELECT assign_unit(item('N-1'), '蓝山县人民政府'), assign_unit(item('N-3'), '蓝山县人民政府'),
       assign_unit(item('N-2'), '宁远县人民政府');
SELECT add_measure(item('N-1'), '建设渗滤液处理站', '2022年6月20日') AS m1;
RESET SESSION AUTHORIZATION;
SELECT bind_officer('rn_olga', '蓝山县人民政府');

-- ---------------------------------------------------------------------
-- Escalation steps: the trigger on rectify.events writes one row per step,
-- automatic or by hand, with the primary units of the step's date.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rn_adam;
SELECT code, from_level, to_level FROM escalate('2022-06-01') ORDER BY code;
SELECT report_progress(item('N-2'), 0.9, '2022-06-05', '主体工程完工');
SELECT escalate_item(item('N-2'), 'warning', '领导批示', '2022-06-10');
SELECT kind, payload->>'code' AS code, on_date, units, payload->>'from' AS "from", payload->>'to' AS "to",
       payload->>'to_zh' AS to_zh, payload->>'manual' AS manual, detail = payload->>'event_id' AS detail_is_event
  FROM notifications ORDER BY id;
-- a completion's escalation_ended is not a notice
SELECT count(*) AS escalation_rows FROM notifications WHERE kind = 'escalation';

-- ---------------------------------------------------------------------
-- Reminders for an office date, judged on that date's state, each once.
-- 2022-06-15: N-1 is 15 days from its due date, its measure 5, N-2 5
-- days; N-1 lags 序时进度 (progress 0).  Not yet the 25th: no report is
-- missing.
-- ---------------------------------------------------------------------
SELECT remind('2022-06-15') AS written;
SELECT remind('2022-06-15') AS written_again;
-- the next day crosses no new threshold, and N-1's lag is reminded once a month
SELECT remind('2022-06-16') AS written_next_day;
-- 2022-06-25: N-1 is 5 days from its due date (the 7-day reminder); the
-- monthly report is missing for N-1 and N-3, not for N-2 (reported 06-05)
SELECT remind('2022-06-25') AS written;
SELECT remind('2022-06-25') AS written_again;
-- an earlier date, run late, writes nothing already written
SELECT remind('2022-06-15') AS written_late;
SELECT kind, payload->>'code' AS code, on_date, detail, units,
       payload - 'region' - 'deadline' - 'description' AS payload
  FROM notifications WHERE kind <> 'escalation' ORDER BY id;
SELECT kind, count(*) FROM notifications GROUP BY kind ORDER BY kind;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Who sees what: the officer of 蓝山 sees N-1 and N-3 only; the verifier
-- every row; a role of no part nothing (42501).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rn_olga;
SELECT DISTINCT payload->>'code' AS officer_sees FROM take_notifications('sms', 1000) ORDER BY 1;
SELECT count(*) AS officer_direct_read, count(*) FILTER (WHERE item_id = item('N-1')) AS n1
  FROM notifications;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rn_vera;
SELECT count(*) = (SELECT count(*) FROM notifications) AS verifier_sees_all FROM take_notifications('audit', 1000);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rn_nobody;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.take_notifications('sms', 10))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.notifications)$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- take and ack: nothing moves until acknowledged (a consumer that crashes
-- gets the same rows again); each consumer, and each role's consumer of
-- the same name, has its own cursor; a cursor never goes back.
-- ---------------------------------------------------------------------
SELECT min(id) - 1 AS base FROM notifications \gset
SET SESSION AUTHORIZATION rn_adam;
SELECT array_agg(id - :base ORDER BY id) AS first_take FROM take_notifications('sms', 3);
SELECT array_agg(id - :base ORDER BY id) AS again_before_ack FROM take_notifications('sms', 3);
SELECT ack_notifications('sms', :base + 3) - :base AS cursor;
SELECT array_agg(id - :base ORDER BY id) AS after_ack FROM take_notifications('sms', 3);
SELECT array_agg(id - :base ORDER BY id) AS other_consumer FROM take_notifications('mail', 3);
SELECT ack_notifications('sms', :base + 1) - :base AS cursor_never_back;
SELECT notification_cursor('sms') - :base AS sms, notification_cursor('mail') AS mail;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rn_olga;
-- the officer's "sms" is its own: it starts from the beginning of its rows
SELECT count(*) AS officer_sms_rows FROM take_notifications('sms', 1000);
SELECT ack_notifications('sms', (SELECT max(id) FROM take_notifications('sms', 1000))) > 0 AS acked;
SELECT count(*) AS officer_sms_left FROM take_notifications('sms', 1000);
RESET SESSION AUTHORIZATION;
SELECT p.rolname, c.consumer, c.last_id - :base AS last_id
  FROM notification_cursors c JOIN pg_roles p ON p.oid = c.role_name ORDER BY 1, 2;

-- ---------------------------------------------------------------------
-- Bad input: 22023 quoting the value with a hint; an officer may not run
-- the reminders (42501); nothing is written.
-- ---------------------------------------------------------------------
SELECT count(*) AS rows_before, (SELECT count(*) FROM notification_cursors) AS cursors_before
  FROM notifications \gset
SET SESSION AUTHORIZATION rn_adam;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.take_notifications(NULL, 10))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.take_notifications('  ', 10))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.take_notifications('sms', 0))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.take_notifications('sms', -5))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.take_notifications('sms', NULL))$$);
SELECT * FROM testkit.try($$rectify.ack_notifications(NULL, 1)$$);
SELECT * FROM testkit.try($$rectify.ack_notifications('new', NULL)$$);
SELECT * FROM testkit.try($$rectify.ack_notifications('new', -1)$$);
SELECT * FROM testkit.try($$rectify.ack_notifications('new', 9223372036854775807)$$);
SELECT * FROM testkit.try($$rectify.remind(NULL)$$);
SELECT * FROM testkit.try($$rectify.remind('infinity')$$);
SELECT * FROM testkit.try($$rectify.remind('-infinity')$$);
SELECT * FROM testkit.try($$rectify.purge_notifications(NULL)$$);
SELECT * FROM testkit.try($$rectify.set_setting('reminder_days', '{}')$$);
SELECT * FROM testkit.try($$rectify.set_setting('reminder_days', '{7,-1}')$$);
SELECT * FROM testkit.try($$rectify.set_setting('progress_report_day', '29')$$);
SELECT * FROM testkit.try($$rectify.set_setting('notification_keep_days', '0')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rn_olga;
SELECT * FROM testkit.try($$rectify.remind('2022-06-25')$$);
SELECT * FROM testkit.try($$rectify.purge_notifications('2023-01-01')$$);
RESET SESSION AUTHORIZATION;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM testkit.try($$rectify.remind('2022-06-26')$$);
COMMIT;
SELECT count(*) = :rows_before AS nothing_written,
       (SELECT count(*) FROM notification_cursors) = :cursors_before AS no_cursor_made
  FROM notifications;

-- ---------------------------------------------------------------------
-- Settings: other thresholds, another report day.  A month later (July):
-- N-1 and N-3 are reminded again for July's report.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rn_adam;
SELECT set_setting('progress_report_day', '20'), set_setting('reminder_days', '{30,3}');
SELECT reminder_days, progress_report_day, notification_keep_days FROM office;
SELECT remind('2022-07-20') AS july;
SELECT kind, payload->>'code' AS code, on_date, detail FROM notifications
 WHERE on_date = '2022-07-20' ORDER BY id;
SELECT set_setting('progress_report_day', NULL), set_setting('reminder_days', NULL);

-- ---------------------------------------------------------------------
-- Purge: rows whose date is more than notification_keep_days (90) before
-- asof.  The cursors stay.
-- ---------------------------------------------------------------------
SELECT purge_notifications('2022-08-30') AS purged_none,
       purge_notifications('2022-09-15') AS purged_june_1_to_16,
       purge_notifications('2022-09-15') AS purged_again;
SELECT on_date, count(*) FROM notifications GROUP BY on_date ORDER BY on_date;
RESET SESSION AUTHORIZATION;

-- the daily job runs the reminders and the purge after the ladder
SELECT job_command('escalate');

-- clean up the cluster-wide roles
REVOKE USAGE ON SCHEMA testkit FROM rn_adam, rn_olga, rn_vera, rn_nobody;
DROP OWNED BY rn_adam, rn_olga, rn_vera, rn_nobody, rn_admin, rn_officer, rn_verifier;
DROP ROLE rn_adam, rn_olga, rn_vera, rn_nobody, rn_admin, rn_officer, rn_verifier;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'rn\_%';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
