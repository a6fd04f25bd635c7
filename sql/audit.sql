-- Audit trail: every change of status, deadline, responsibility, progress,
-- escalation and verified amount is in rectify.events (role, time, old and
-- new value, reason), the history is append-only, and item_asof() rebuilds
-- an item as it stood on a date from the history alone.
CALL testkit.fresh_rectify();

CREATE TEMP TABLE snaps (asof date, snap text);
CREATE FUNCTION pg_temp.snap(d date) RETURNS void LANGUAGE sql AS $$
  INSERT INTO snaps SELECT d, row(i.status, i.deadline, i.due_date, i.progress, i.escalation_level,
                                  i.completed_on, i.closed_on)::text
    FROM rectify.items i WHERE i.code = 'A-1' $$;

SELECT register_item('A-1', '130602', '城镇污水直排', '2021年12月31日', '2021-06-01', 'water');
SELECT pg_temp.snap('2021-06-01');
SELECT assign_unit(1, '保定市住建局'), assign_unit(1, '保定市生态环境局', 'lead_supervisor');
SELECT report_progress(1, 0.3, '2021-07-01', '管网开工');
SELECT pg_temp.snap('2021-07-01');
SELECT extend_deadline(1, '2022年6月30日', '张副市长', '管材延期到货', '2021-11-15');
SELECT pg_temp.snap('2021-11-15');
SELECT escalate_item(1, 'warning', '进度滞后', '2021-11-20');
SELECT report_progress(1, 0.8, '2021-12-01');
SELECT pg_temp.snap('2021-12-01');
SELECT advance(1, 'completed', '2022-05-01');
SELECT pg_temp.snap('2022-05-01');
SELECT advance(1, 'preliminary_review', '2022-05-10'), advance(1, 'public_notice', '2022-05-20'),
       advance(1, 'applied', '2022-06-01');
SELECT advance(1, 'in_progress', '2022-06-05', '核查资料不全');
SELECT pg_temp.snap('2022-06-05');
SELECT advance(1, 'completed', '2022-06-20'), advance(1, 'preliminary_review', '2022-06-21'),
       advance(1, 'public_notice', '2022-06-22'), advance(1, 'applied', '2022-06-23'),
       advance(1, 'verified', '2022-06-28'), advance(1, 'closed', '2022-06-30');
SELECT pg_temp.snap('2022-06-30');
SELECT reopen(1, '回头看发现反弹', '2022-09-01');
SELECT pg_temp.snap('2022-09-01');
SELECT unassign_unit(1, '保定市生态环境局', 'lead_supervisor', '督导单位调整');

-- item_asof agrees with every snapshot, and with the day before the first
SELECT s.asof, s.snap = row(a.status, a.deadline, a.due_date, a.progress, a.escalation_level,
                            a.completed_on, a.closed_on)::text AS same, s.snap
  FROM snaps s CROSS JOIN LATERAL item_asof(1, s.asof) a ORDER BY s.asof;
SELECT count(*) AS before_assigned FROM item_asof(1, '2021-05-31');
SELECT status, progress, escalation_level FROM item_asof(1, '2021-11-30');

-- the history, with role, old and new value and reason
SELECT actor = session_user AS by_me, kind, from_value, to_value, reason, approved_by
  FROM events ORDER BY event_id;

-- verified amounts and project status
SELECT add_reduction_project('R-1', '污水厂提标', '130602', 2022, 'engineering',
                             ARRAY['85.2 t COD']::emission[], 1);
SELECT set_project_status(1, 'completed', '2022-10-01');
SELECT verify_project(1, ARRAY['80 t COD']::emission[], '2022-12-20', '省生态环境厅');
SELECT item_id, project_id, kind, from_value, to_value, reason, approved_by
  FROM events WHERE project_id IS NOT NULL ORDER BY event_id;

-- append-only, even for a superuser
SELECT * FROM testkit.run($$UPDATE rectify.events SET reason = 'x'$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.events$$);
SELECT * FROM testkit.run($$TRUNCATE rectify.events$$);
SELECT has_table_privilege('public', 'rectify.events', 'UPDATE') OR
       has_table_privilege('public', 'rectify.events', 'DELETE') OR
       has_table_privilege('public', 'rectify.events', 'TRUNCATE') AS public_may_change;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
