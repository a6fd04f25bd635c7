-- The office's workflow, as its own roles meet it: dates that cannot be
-- true are refused, an extension counts from its approval, a month's
-- dispatch is taken once, an administrator runs the office (units,
-- dispatch), items are found by code, and measures hold their item back.
CALL testkit.fresh_rectify();
SELECT setup_roles('rw_admin', 'rw_officer', 'rw_verifier', NULL);
CREATE ROLE rw_adam LOGIN IN ROLE rw_admin;
CREATE ROLE rw_olga LOGIN;
GRANT USAGE ON SCHEMA testkit TO rw_adam, rw_olga;

-- ---------------------------------------------------------------------
-- An administrator creates the units, sets a unit's region, adds a
-- region's name, registers and assigns.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rw_adam;
SELECT unit('永州市生态环境局', '431100') AS u1, unit('蓝山县人民政府') AS u2;
UPDATE units SET region = '431127' WHERE name = '蓝山县人民政府';
INSERT INTO regions (code, name) VALUES ('431127', '蓝山县');
SELECT name, region, region_name(region) FROM units ORDER BY unit_id;
SELECT register_item('W-1', '431127', '垃圾填埋场渗滤液直排', '2022年6月30日', '2021-08-31') AS w1,
       register_item('W-2', '431127', '保护区范围调整', '2021年12月31日', '2021-08-31') AS w2,
       register_item('W-3', '431127', '生态修复', '持续推进', '2021-08-31') AS w3;
SELECT assign_unit(item(c), '蓝山县人民政府', on_date => '2021-08-31') FROM unnest(ARRAY['W-1', 'W-2', 'W-3']) c;
SELECT add_measure(item('W-1'), '建设渗滤液处理站', '2022年3月31日') AS m1,
       add_measure(item('W-1'), '长期监测', '持续推进') AS m2;
-- a duplicate code and a blank measure: a message quoting the value, a hint
SELECT * FROM testkit.try($$rectify.register_item('W-1', '431127', '重复', '2022-12-31', '2021-08-31')$$);
SELECT * FROM testkit.try($$rectify.add_measure(rectify.item('W-1'), '  ')$$);
SELECT * FROM testkit.try($$rectify.item('W-404')$$);
RESET SESSION AUTHORIZATION;
SELECT bind_officer('rw_olga', '蓝山县人民政府');
-- an officer creates no unit
SET SESSION AUTHORIZATION rw_olga;
SELECT * FROM testkit.try($$rectify.unit('新单位')$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Dates that cannot be true: after today, before the assignment, and a
-- completion before an escalation step recorded while the item was open.
-- Each refused with 22023, nothing changed.
-- ---------------------------------------------------------------------
SELECT count(*) AS events_before FROM events \gset
SET SESSION AUTHORIZATION rw_olga;
SELECT * FROM testkit.try($$rectify.report_progress(rectify.item('W-1'), 0.5, '2099-01-01')$$);
SELECT * FROM testkit.try($$rectify.report_progress(rectify.item('W-1'), 0.5, '5874897-12-31')$$);
SELECT * FROM testkit.try($$rectify.report_progress(rectify.item('W-1'), 0.5, '2021-08-30')$$);
SELECT * FROM testkit.try($$rectify.complete_measure(1, '2099-01-01')$$);
SELECT * FROM testkit.try($$rectify.advance(rectify.item('W-1'), 'in_progress', '2099-01-01')$$);
RESET SESSION AUTHORIZATION;
SELECT count(*) = :events_before AS nothing_recorded FROM events;

-- W-2 is escalated while open; a completion dated before that is refused
SELECT code, to_level FROM escalate('2022-01-10') WHERE code = 'W-2';
SET SESSION AUTHORIZATION rw_olga;
SELECT * FROM testkit.try($$rectify.advance(rectify.item('W-2'), 'completed', '2022-01-05')$$);
SELECT * FROM testkit.try($$rectify.advance(rectify.item('W-2'), 'completed', '2022-01-10')$$);
SELECT advance(item('W-2'), 'completed', '2022-01-11');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- A measure holds its item back until it is done; an ongoing one does
-- not.  measure_states shows a measure as done only when it is.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rw_olga;
SELECT * FROM testkit.try($$rectify.advance(rectify.item('W-1'), 'completed', '2022-03-20')$$);
SELECT complete_measure(1, '2022-03-15', '处理站投运');
SELECT advance(item('W-1'), 'completed', '2022-03-20');
RESET SESSION AUTHORIZATION;
SELECT code, seq, description, due_date, state, item_state FROM measure_states('2022-06-30') ORDER BY code, seq;

-- ---------------------------------------------------------------------
-- An extension counts a relative deadline from the day it is approved.
-- ---------------------------------------------------------------------
SELECT register_item('W-4', '431127', '扬尘整治', '2023-06-30', '2023-01-05') AS w4;
SELECT extend_deadline(item('W-4'), '30天', '县整改办', '雨季施工', '2023-06-20') AS thirty_days_from_approval,
       due_date FROM items WHERE code = 'W-4';
SELECT extend_deadline(item('W-4'), '15个工作日', '县整改办', '材料未到', '2023-07-10') AS fifteen_workdays;

-- ---------------------------------------------------------------------
-- A month's dispatch (一月一调度) is taken once: asked again it keeps the
-- snapshot; a re-take names its reason and is recorded.  An administrator
-- runs it; an officer may not.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rw_adam;
SELECT dispatch('2022-05-31') AS taken;
SELECT dispatch('2022-05-31') AS kept;
SELECT dispatch('2022-05-31', retake_reason => '补录了一项进展') AS retaken;
SELECT * FROM testkit.try($$rectify.dispatch('2022-05-31', retake_reason => ' ')$$);
RESET SESSION AUTHORIZATION;
SELECT month, retaken_by, reason, previous_taken_on, previous_items FROM dispatch_retakes;
SELECT month, count(*) AS items, min(taken_by) AS taken_by FROM dispatch_snapshots GROUP BY month;
SET SESSION AUTHORIZATION rw_olga;
SELECT * FROM testkit.try($$rectify.dispatch('2022-06-30')$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Responsibilities are dated by the day they took effect: W-3 passes from
-- the county to the city bureau in early 2022, recorded later.  Who was
-- responsible on a date is read back from the history.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rw_adam;
SELECT assign_unit(item('W-3'), '永州市生态环境局', 'primary', '2022-01-01');
SELECT unassign_unit(item('W-3'), '蓝山县人民政府', 'primary', '移交市局办理', '2022-03-01');
SELECT count(*) AS events_before FROM events \gset
-- after today, before the item, before the unit was assigned: 22023
SELECT * FROM testkit.try($$rectify.assign_unit(rectify.item('W-3'), '蓝山县人民政府', 'co_supervisor', '2099-01-01')$$);
SELECT * FROM testkit.try($$rectify.assign_unit(rectify.item('W-3'), '蓝山县人民政府', 'co_supervisor', '2021-08-01')$$);
SELECT * FROM testkit.try($$rectify.unassign_unit(rectify.item('W-3'), '永州市生态环境局', 'primary', '更正', '2021-12-31')$$);
SELECT * FROM testkit.try($$rectify.unassign_unit(rectify.item('W-3'), '永州市生态环境局', 'primary', '更正', NULL)$$);
SELECT count(*) = :events_before AS nothing_recorded FROM events;
SELECT u.name, r.role FROM responsibilities r JOIN units u USING (unit_id)
 WHERE r.item_id = item('W-3') ORDER BY r.role, r.seq;
RESET SESSION AUTHORIZATION;
SELECT happened_on, kind, coalesce(to_value, from_value) AS unit, reason
  FROM events WHERE item_id = item('W-3') AND kind LIKE 'responsibility%'
 ORDER BY happened_on, event_id;
SET SESSION AUTHORIZATION rw_adam;
SELECT d AS asof, a.units
  FROM unnest('{2021-08-30,2021-08-31,2021-12-31,2022-01-01,2022-02-28,2022-03-01}'::date[]) d
  LEFT JOIN LATERAL item_asof(item('W-3'), d) a ON true ORDER BY d;
RESET SESSION AUTHORIZATION;

-- clean up the cluster-wide roles
REVOKE USAGE ON SCHEMA testkit FROM rw_adam, rw_olga;
DROP OWNED BY rw_adam, rw_olga, rw_admin, rw_officer, rw_verifier;
DROP ROLE rw_adam, rw_olga, rw_admin, rw_officer, rw_verifier;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'rw\_%';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
