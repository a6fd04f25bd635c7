-- Security: roles, row-level security and the caller checks of the
-- lifecycle functions.  Logs in as each role (SET SESSION AUTHORIZATION:
-- the checks follow the session user) and tries every forbidden read and
-- write: each is refused with 42501 or filtered out, and nothing changes.
-- Roles are cluster-wide: the test drops its roles at the end.
CALL testkit.fresh_rectify();

SELECT setup_roles('rt_admin', 'rt_officer', 'rt_verifier', 'rt_reader');
SELECT setup_roles('rt_admin', 'rt_officer', 'rt_verifier', 'rt_reader');  -- idempotent
SELECT * FROM role_names ORDER BY kind;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'rt\_%' ORDER BY 1;

CREATE ROLE rt_alice LOGIN;   -- officer of 保定市住建局 (region 130600)
CREATE ROLE rt_bob LOGIN;     -- officer of 永州市政府 (region 431100)
CREATE ROLE rt_vera LOGIN IN ROLE rt_verifier;
CREATE ROLE rt_adam LOGIN IN ROLE rt_admin;
CREATE ROLE rt_rita LOGIN;    -- a reader: no base table
GRANT USAGE ON SCHEMA testkit TO rt_alice, rt_bob, rt_vera, rt_adam, rt_rita;

SELECT unit('保定市住建局', '130600'), unit('永州市政府', '431100');
SELECT bind_officer('rt_alice', '保定市住建局'), bind_officer('rt_bob', '永州市政府');
SELECT * FROM testkit.try($$bind_officer('rt_nobody', '永州市政府')$$);
SELECT * FROM testkit.try($$bind_officer('rt_bob', '没有这个单位')$$);
SELECT pg_has_role('rt_alice', 'rt_officer', 'MEMBER') AS alice_is_officer;

SELECT register_item('S-1', '130602', '城镇污水直排', '2022年12月31日', '2021-06-01', 'water') AS s1,
       register_item('S-2', '130681', '黑臭水体', '2022年12月31日', '2021-06-01', 'water') AS s2,
       register_item('S-3', '431100', '尾矿库渗漏', '2022年12月31日', '2021-06-01', 'solid_waste') AS s3,
       register_item('S-4', '340000', '违规占用林地', '2022年12月31日', '2021-06-01', 'ecology') AS s4;
SELECT assign_unit(1, '保定市住建局'), assign_unit(2, '永州市政府'), assign_unit(3, '永州市政府'),
       assign_unit(3, '保定市住建局', 'co_supervisor'), assign_unit(4, '永州市政府');
-- ongoing measures (持续推进): they do not hold their item's completion back
SELECT add_measure(i, '措施' || i, '持续推进') FROM generate_series(1, 4) i;
INSERT INTO effects (item_id, description) SELECT i, '效果' || i FROM generate_series(1, 4) i;

CREATE TEMP TABLE snap AS
  SELECT (SELECT md5(string_agg(i::text, ',' ORDER BY item_id)) FROM items i) AS items,
         (SELECT count(*) FROM events) AS events;
GRANT SELECT ON snap TO PUBLIC;
CREATE FUNCTION pg_temp.unchanged() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS $$
  SELECT s.items = (SELECT md5(string_agg(i::text, ',' ORDER BY item_id)) FROM rectify.items i)
     AND s.events = (SELECT count(*) FROM rectify.events) FROM snap s $$;

-- ---------------------------------------------------------------------
-- Officer alice: sees S-1 (primary), S-2 (in her unit's region), S-3
-- (co-supervisor); not S-4.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rt_alice;
SELECT session_user, current_user;
SELECT code FROM items ORDER BY code;
SELECT DISTINCT item_id FROM events ORDER BY 1;
SELECT item_id FROM measures ORDER BY 1;
SELECT item_id FROM effects ORDER BY 1;
SELECT DISTINCT item_id FROM responsibilities ORDER BY 1;
SELECT code FROM ledger('2021-07-01') ORDER BY code;
SELECT code FROM open_items ORDER BY code;
SELECT * FROM history(4);
SELECT role_name, unit_id FROM officer_units;
-- forbidden writes, all refused with 42501
SELECT * FROM testkit.try($$report_progress(2, 0.5, '2021-07-01')$$);   -- not primary
SELECT * FROM testkit.try($$report_progress(4, 0.5, '2021-07-01')$$);   -- not visible
SELECT * FROM testkit.try($$report_progress(99, 0.5, '2021-07-01')$$);  -- no such item: same answer
SELECT * FROM testkit.try($$advance(3, 'completed', '2021-07-01')$$);
SELECT * FROM testkit.try($$extend_deadline(1, '2023年6月30日', '我', '想延期', '2021-07-01')$$);
SELECT * FROM testkit.try($$register_item('S-9', '130602', 'x', '2022年12月31日', '2021-06-01')$$);
SELECT * FROM testkit.try($$assign_unit(2, '保定市住建局')$$);
SELECT * FROM testkit.try($$add_measure(1, '新措施')$$);
SELECT * FROM testkit.try($$escalate_item(1, 'warning', '催办', '2021-07-01')$$);
SELECT * FROM testkit.try($$bind_officer('rt_alice', '永州市政府')$$);
SELECT * FROM testkit.try($$unit('新单位')$$);
SELECT * FROM testkit.try($$setup_roles()$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET progress = 0.9 WHERE code = 'S-1'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET status = 'closed' WHERE code = 'S-1'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET problem = 'x' WHERE code = 'S-1'$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.items$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.events (item_id, happened_on, kind) VALUES (1, '2021-07-01', 'progress')$$);
SELECT * FROM testkit.run($$UPDATE rectify.events SET reason = 'x'$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.events$$);
SELECT * FROM testkit.run($$TRUNCATE rectify.events$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.responsibilities VALUES (4, 1, 'primary', 2)$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.responsibilities$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.officer_units VALUES ('rt_alice', 2)$$);
SELECT * FROM testkit.run($$UPDATE rectify.measures SET description = 'x'$$);
SELECT * FROM testkit.run($$UPDATE rectify.measures SET completed_on = '2021-07-01' WHERE measure_id = 1$$);
SELECT * FROM testkit.try($$complete_measure(2, '2021-07-01')$$);   -- S-2: not primary
SELECT * FROM testkit.try($$complete_measure(4, '2021-07-01')$$);   -- S-4: not visible
SELECT * FROM testkit.try($$complete_measure(99, '2021-07-01')$$);  -- no such measure: same answer
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.escalate('2021-07-01'))$$);
SELECT * FROM testkit.try($$set_setting('warning_days', '10')$$);
SELECT * FROM testkit.try($$set_score_weight('per_level', 10)$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.effects$$);
SELECT * FROM testkit.run($$SELECT * FROM rectify.reduction_projects$$);
SELECT * FROM testkit.run($$SELECT * FROM rectify.dispatch_snapshots$$);
SELECT pg_temp.unchanged() AS nothing_changed,
       (SELECT count(*) FROM measures WHERE completed_on IS NOT NULL) AS measures_done;
-- allowed: progress and the submission steps on her primary item
SELECT report_progress(1, 0.5, '2021-07-01', '过半');
SELECT advance(1, 'completed', '2021-08-01');
SELECT advance(1, 'preliminary_review', '2021-08-02'), advance(1, 'public_notice', '2021-08-03'),
       advance(1, 'applied', '2021-08-10');
SELECT * FROM testkit.try($$advance(1, 'verified', '2021-08-20')$$);     -- 核查 is the verifier's
SELECT * FROM testkit.try($$advance(1, 'in_progress', '2021-08-20', '自己退回')$$);
SELECT actor, kind, to_value FROM events WHERE item_id = 1 AND kind IN ('progress', 'status') ORDER BY event_id;
-- and the measures of her primary item (0.7)
SELECT complete_measure(1, '2021-07-20', '管网改造完成');
SELECT actor, happened_on, kind, to_value, reason FROM events WHERE kind = 'measure_completed';
RESET SESSION AUTHORIZATION;

-- Officer bob sees S-2, S-3 and S-4 (primary of all three), not S-1.
SET SESSION AUTHORIZATION rt_bob;
SELECT code FROM items ORDER BY code;
SELECT * FROM testkit.try($$report_progress(1, 0.5, '2021-08-20')$$);
SELECT report_progress(4, 0.2, '2021-08-20');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Verifier vera: reads every item, performs 核查/备案 and send-backs, edits
-- nothing else.
-- ---------------------------------------------------------------------
UPDATE snap SET items = (SELECT md5(string_agg(i::text, ',' ORDER BY item_id)) FROM items i),
                events = (SELECT count(*) FROM events);
SET SESSION AUTHORIZATION rt_vera;
SELECT code FROM items ORDER BY code;
SELECT * FROM testkit.try($$report_progress(2, 0.5, '2021-09-01')$$);
SELECT * FROM testkit.try($$advance(2, 'completed', '2021-09-01')$$);
SELECT * FROM testkit.try($$extend_deadline(2, '2023年6月30日', '我', '想延期', '2021-09-01')$$);
SELECT * FROM testkit.try($$register_item('S-9', '130602', 'x', '2022年12月31日', '2021-06-01')$$);
SELECT * FROM testkit.try($$assign_unit(2, '保定市住建局')$$);
SELECT * FROM testkit.try($$escalate_item(2, 'warning', '催办', '2021-09-01')$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET problem = 'x' WHERE code = 'S-1'$$);
SELECT * FROM testkit.run($$UPDATE rectify.measures SET description = 'x'$$);
SELECT * FROM testkit.try($$complete_measure(2, '2021-09-01')$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.effects (item_id, description) VALUES (1, 'x')$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.events$$);
SELECT pg_temp.unchanged() AS nothing_changed;
SELECT advance(1, 'verified', '2021-08-20');
SELECT advance(1, 'in_progress', '2021-08-21', '核查发现资料不全');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rt_alice;
SELECT advance(1, 'completed', '2021-08-25'), advance(1, 'preliminary_review', '2021-08-26'),
       advance(1, 'public_notice', '2021-08-27'), advance(1, 'applied', '2021-09-01');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rt_vera;
SELECT advance(1, 'verified', '2021-09-10'), advance(1, 'closed', '2021-09-20');
SELECT * FROM testkit.try($$reopen(1, '反弹', '2021-10-01')$$);   -- 回头看 reopening is the admin's
SELECT status, closed_on FROM items WHERE code = 'S-1';
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Reader rita: no base table, no function.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rt_rita;
SELECT * FROM testkit.run($$SELECT * FROM rectify.items$$);
SELECT * FROM testkit.run($$SELECT * FROM rectify.events$$);
SELECT * FROM testkit.run($$SELECT * FROM rectify.item_versions$$);
SELECT * FROM testkit.run($$SELECT rectify.rebuild_versions()$$);
SELECT * FROM testkit.run($$SELECT rectify.report_progress(2, 0.1)$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Admin adam: everything, but lifecycle columns still only through the
-- functions (which record history).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rt_adam;
SELECT count(*) AS items_seen FROM items;
UPDATE items SET target = '消除黑臭' WHERE code = 'S-2';
SELECT actor, kind, from_value, to_value FROM events WHERE kind = 'content_changed';
SELECT * FROM testkit.run($$UPDATE rectify.items SET status = 'closed' WHERE code = 'S-2'$$);
SELECT * FROM testkit.run($$UPDATE rectify.items SET progress = 1 WHERE code = 'S-2'$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.events$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.items WHERE code = 'S-4'$$);
SELECT extend_deadline(2, '2023年6月30日', '张副市长', '雨季施工', '2021-10-01');
SELECT escalate_item(4, 'warning', '进度滞后', '2021-10-01');
SELECT reopen(1, '回头看发现反弹', '2021-12-01');
SELECT bind_officer('rt_alice', '永州市政府');
SELECT actor, kind, from_value, to_value FROM events WHERE event_id > (SELECT events FROM snap) AND actor = 'rt_adam' ORDER BY event_id;
-- the escalation policy is his (0.7: the next escalation dates follow it)
SELECT code, escalation_next FROM items WHERE code = 'S-1';
INSERT INTO escalation_policy (category, level, min_days_overdue) VALUES ('water', 'notice', 5);
SELECT code, escalation_next FROM items WHERE code = 'S-1';
DELETE FROM escalation_policy WHERE category = 'water';
SELECT code, escalation_next FROM items WHERE code = 'S-1';
-- and so are the office's settings, its scoring weights and the daily run
-- (0.7); the settings go back to their defaults after
SELECT set_setting('warning_days', '10'), set_score_weight('per_level', 10);
SELECT warning_days FROM office;
SELECT per_level FROM score_weights;
SELECT code, from_level, to_level, days_overdue FROM escalate('2023-01-20') ORDER BY code;
SELECT DISTINCT actor FROM events WHERE kind = 'escalated';
SELECT set_setting('warning_days', NULL), set_score_weight('per_level', NULL);
RESET SESSION AUTHORIZATION;

-- the escalation kept the items' earlier states (rectify.item_versions)
SELECT DISTINCT item_id FROM item_versions ORDER BY 1;

SET SESSION AUTHORIZATION rt_alice;   -- now bound to both units
SELECT code FROM items ORDER BY code;
RESET SESSION AUTHORIZATION;
-- bob reads the earlier states of his items only (not S-1); keeping them
-- is the triggers' work
SET SESSION AUTHORIZATION rt_bob;
SELECT code FROM items ORDER BY code;
SELECT DISTINCT item_id FROM item_versions ORDER BY 1;
SELECT * FROM testkit.run($$SELECT rectify.rebuild_versions(2)$$);
SELECT * FROM testkit.run($$DELETE FROM rectify.item_versions$$);
RESET SESSION AUTHORIZATION;

-- views that read the ledger answer as the caller
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.relnamespace = 'rectify'::regnamespace AND c.relkind = 'v' AND c.reloptions IS NOT NULL ORDER BY 1;
-- the functions that write run as the owner, with a pinned search_path
SELECT p.proname, p.prosecdef, array_to_string(p.proconfig, ' ') AS config
  FROM pg_proc p WHERE p.pronamespace = 'rectify'::regnamespace AND p.prosecdef ORDER BY 1;

-- clean up the cluster-wide roles
REVOKE USAGE ON SCHEMA testkit FROM rt_alice, rt_bob, rt_vera, rt_adam, rt_rita;
DROP OWNED BY rt_admin, rt_officer, rt_verifier, rt_alice, rt_bob, rt_vera, rt_adam, rt_rita;
DROP ROLE rt_alice, rt_bob, rt_vera, rt_adam, rt_rita, rt_admin, rt_officer, rt_verifier;
-- the reader, if rectify.create_reader_role made it
DO $$ BEGIN
  IF to_regrole('rt_reader') IS NOT NULL THEN
    EXECUTE 'DROP OWNED BY rt_reader'; EXECUTE 'DROP ROLE rt_reader';
  END IF;
END $$;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'rt\_%';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
