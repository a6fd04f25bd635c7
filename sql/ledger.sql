-- The ledger: settings and today(), tables, registration, units, the
-- guard on lifecycle columns, the append-only history, dump registration.
CALL testkit.fresh_rectify();

-- ------------------------------------------------------------------
-- Settings: no row means the defaults.
-- ------------------------------------------------------------------
SELECT count(*) AS rows FROM settings;
SELECT * FROM office;
-- today() is the date in the office's time zone, not the session's
SELECT today() = (now() AT TIME ZONE 'Asia/Shanghai')::date AS beijing_today;
SELECT set_setting('time_zone', 'Pacific/Kiritimati');
SELECT today() = (now() AT TIME ZONE 'Pacific/Kiritimati')::date AS kiritimati_today;
SELECT set_setting('time_zone', 'Pacific/Pago_Pago');
SELECT (now() AT TIME ZONE 'Pacific/Kiritimati')::date - today() BETWEEN 1 AND 2 AS a_day_apart;
SELECT set_setting('time_zone', NULL);
SELECT set_setting('warning_days', ' 10 ');
SELECT * FROM office;
SELECT * FROM settings;
-- bad settings change nothing
SELECT * FROM testkit.try($$set_setting('warning_day', '10')$$);
SELECT * FROM testkit.try($$set_setting('warning_days', 'ten')$$);
SELECT * FROM testkit.try($$set_setting('warning_days', '-1')$$);
SELECT * FROM testkit.try($$set_setting('immediate_days', '99999')$$);
SELECT * FROM testkit.try($$set_setting('time_zone', 'Mars/Olympus')$$);
SELECT * FROM testkit.try($$set_setting(NULL, '1')$$);
SELECT * FROM testkit.try($$set_setting('warning_days', '3661')$$);
SELECT * FROM office;
-- one row at most
INSERT INTO settings (singleton, warning_days) VALUES (false, 3);
SELECT set_setting('warning_days', NULL);

-- ------------------------------------------------------------------
-- Registration
-- ------------------------------------------------------------------
SELECT register_item('YZ-08', '431100', '为开发森林公园旅游调减保护区范围',
                     '2021年12月31日(長期堅持、防止反彈)。', '2021-08-31', 'ecology',
                     'central', '恢复保护区原范围', '分管市林業局副市長', '第二轮中央督察') AS item;
SELECT register_item('YZ-01', '431100', '对重大国家战略认识有偏差', '立行立改,持續推進。',
                     '2021-08-31', 'governance') AS item;
SELECT register_item('JD-01', '420000', '部署多、落实少', '立即整改', '2021-06-30') AS item;
SELECT item_id, code, source, region, category, deadline, deadline_text, assigned, due_date,
       original_deadline, original_due_date, status, progress, completed_on, closed_on
  FROM items ORDER BY item_id;
SELECT item_id, happened_on, actor = current_user AS by_me, kind, from_value, to_value
  FROM events ORDER BY event_id;

-- bad registrations: each refused, nothing written
SELECT * FROM testkit.try($$register_item('X-1', '431100', 'p', '明年', '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', 'p', '2021年2月30日', '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', 'p', NULL, '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('X-1', '990000', 'p', '2021-12-31', '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('YZ-08', '431100', 'p', '2021-12-31', '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', 'p', '2021-12-31', '2021-08-31', 'noise')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', 'p', '2021-12-31', '2021-08-31', 'air', 'rumour')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', ' ', '2021-12-31', '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', NULL, '2021-12-31', '2021-08-31')$$);
SELECT * FROM testkit.try($$register_item('X-1', '431100', 'p', '2021-12-31', NULL)$$);
SELECT * FROM testkit.try($$register_item('', '431100', 'p', '2021-12-31', '2021-08-31')$$);
SELECT count(*) AS items, (SELECT count(*) FROM events) AS events FROM items;

-- ------------------------------------------------------------------
-- Units and the four lists
-- ------------------------------------------------------------------
SELECT assign_unit(1, '藍山縣委、縣政府');
SELECT assign_unit(1, '市林業局', 'lead_supervisor');
SELECT assign_unit(1, u, 'co_supervisor')
  FROM unnest(ARRAY['市發改委', '市交通運輸局', '市文旅廣體局', '市水利局']) AS u;
SELECT assign_unit(1, '市林業局', 'lead_supervisor');  -- again: no duplicate
SELECT assign_unit(2, ' 市委 ');                        -- trimmed, same unit as below
SELECT unit('市委') = (SELECT unit_id FROM units WHERE name = '市委') AS same_unit;
SELECT r.item_id, r.role, r.seq, u.name
  FROM responsibilities r JOIN units u USING (unit_id) ORDER BY r.item_id, r.role, r.seq;
SELECT * FROM testkit.try($$assign_unit(1, '市林業局', 'boss')$$);
SELECT * FROM testkit.try($$assign_unit(1, '', 'primary')$$);
SELECT * FROM testkit.try($$assign_unit(99, '市林業局')$$);
SELECT add_measure(1, '恢复保护区原有范围') AS m1,
       add_measure(1, '加强湘江源头生态保护', '持续推进') AS m2;
SELECT state FROM testkit.try($$add_measure(1, '不合法', 'soon')$$);
SELECT item_id, seq, description, deadline FROM measures ORDER BY measure_id;
INSERT INTO effects (item_id, description, target_value, measure_unit)
  VALUES (1, '保护区恢复原有范围', 100, '%');
SELECT count(*) AS effects FROM effects;

-- ------------------------------------------------------------------
-- The guard: content may be edited directly, lifecycle columns may not.
-- ------------------------------------------------------------------
UPDATE items SET target = '恢复湘江源国家森林公园原有范围' WHERE code = 'YZ-08';
-- An administrator's grants (rectify.setup_roles) cover the content columns
-- only: status, deadline, progress and due dates change only through the
-- functions, which record history (42501 for direct DML).
SELECT setup_roles('rt_l_admin', 'rt_l_officer', 'rt_l_verifier', NULL);
CREATE ROLE rt_l_adam IN ROLE rt_l_admin;
GRANT USAGE ON SCHEMA testkit TO rt_l_adam;
SET ROLE rt_l_adam;
SELECT * FROM testkit.run($$UPDATE rectify.items SET leader = '市林业局局长' WHERE code = 'YZ-08'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET status = 'closed' WHERE code = 'YZ-08'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET deadline = '2022-12-31' WHERE code = 'YZ-08'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET progress = 1 WHERE code = 'YZ-08'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET due_date = '2030-01-01' WHERE code = 'YZ-08'$$);
RESET ROLE;
REVOKE USAGE ON SCHEMA testkit FROM rt_l_adam;
DROP OWNED BY rt_l_adam, rt_l_admin, rt_l_officer, rt_l_verifier;
DROP ROLE rt_l_adam, rt_l_admin, rt_l_officer, rt_l_verifier;
-- the table constraints keep status and dates consistent even on insert
SELECT * FROM testkit.run($$INSERT INTO rectify.items (code, region, problem, deadline, assigned, status) VALUES ('X-2', '431100', 'p', '2021-12-31', '2021-08-31', 'closed')$$);
SELECT code, target, status, deadline, progress, due_date FROM items WHERE code = 'YZ-08';

-- ------------------------------------------------------------------
-- The history is append-only.
-- ------------------------------------------------------------------
SELECT * FROM testkit.run($$UPDATE rectify.events SET reason = 'x'$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.events$$);
SELECT * FROM testkit.run($$TRUNCATE rectify.events$$);
SELECT count(*) AS events FROM events;
-- an item with history cannot be deleted
DELETE FROM items WHERE code = 'JD-01';

-- ------------------------------------------------------------------
-- pg_dump keeps every ledger table and sequence, and no seeded row.
-- ------------------------------------------------------------------
SELECT c.relname, coalesce(nullif(x.cond, ''), '(all rows)') AS dumped
  FROM pg_extension e,
       unnest(e.extconfig, e.extcondition) AS x(oid, cond)
       JOIN pg_class c ON c.oid = x.oid
 WHERE e.extname = 'rectify' ORDER BY c.relname;

-- every object of the extension carries a comment
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS without_comment
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rectify')
   AND d.deptype = 'e'
   AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)) IS NULL
 ORDER BY 1;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
