-- The findings of the security review of 0.7, each tried as the role it
-- concerns (SET SESSION AUTHORIZATION): a role with no rectify part
-- (mallory), an officer (olga), a verifier (vera), a reader (rita) and an
-- administrator (adam).
CALL testkit.fresh_rectify();
SELECT setup_roles('rs_admin', 'rs_officer', 'rs_verifier', 'rs_reader');
CREATE ROLE rs_adam LOGIN IN ROLE rs_admin;
CREATE ROLE rs_vera LOGIN IN ROLE rs_verifier;
CREATE ROLE rs_olga LOGIN;
CREATE ROLE rs_rita LOGIN IN ROLE rs_reader;
CREATE ROLE rs_mallory LOGIN;
GRANT USAGE ON SCHEMA testkit TO rs_adam, rs_vera, rs_olga, rs_rita, rs_mallory;
-- mallory can reach the schema (as on a server that grants it to PUBLIC),
-- and nothing in it
GRANT USAGE ON SCHEMA rectify TO rs_mallory;
SELECT unit('永州市生态环境局', '431100'), unit('保定市住建局', '130600');
SELECT bind_officer('rs_olga', '永州市生态环境局');
SELECT register_item('R-1', '431100', '污水直排', '2022年12月31日', '2021-06-01') AS r1,
       register_item('R-2', '130600', '扬尘管控', '2022年12月31日', '2021-06-01') AS r2;
SELECT assign_unit(1, '永州市生态环境局'), assign_unit(2, '保定市住建局');
SELECT add_measure(1, '截污纳管') AS m1, add_measure(2, '道路洒水') AS m2;
INSERT INTO effects (item_id, description, target_value, measure_unit) VALUES (1, '城市污水处理率', 96, '%');
SELECT add_reduction_project('DX-1', '污水处理厂提标', '431100', 2023, 'engineering',
                             ARRAY['12 t COD', '1.5 t NH3-N']::emission[], 1) AS p1;
SELECT set_project_status(1, 'completed', '2023-10-31');

-- ---------------------------------------------------------------------
-- 1. Trigger functions run as their table's triggers and nobody else's:
--    no role may execute one, so none can be attached to a table of
--    one's own to forge history or run a ledger-wide refresh.
-- ---------------------------------------------------------------------
SELECT count(*) AS trigger_functions,
       count(*) FILTER (WHERE has_function_privilege('rs_mallory', p.oid, 'EXECUTE')) AS mallory_may_run,
       count(*) FILTER (WHERE has_function_privilege('rs_adam', p.oid, 'EXECUTE')) AS adam_may_run
  FROM pg_proc p
 WHERE p.pronamespace = 'rectify'::regnamespace AND p.prorettype = 'trigger'::regtype;
SELECT count(*) AS events_before FROM events \gset
SET SESSION AUTHORIZATION rs_mallory;
CREATE TEMP TABLE forge (item_id bigint, code text, due_date date);
SELECT * FROM testkit.run($$CREATE TRIGGER forge AFTER UPDATE ON forge FOR EACH ROW EXECUTE FUNCTION rectify.items_audit()$$);
SELECT * FROM testkit.run($$CREATE TRIGGER forge AFTER INSERT ON forge FOR EACH STATEMENT EXECUTE FUNCTION rectify.escalation_inputs_changed()$$);
SELECT * FROM testkit.run($$CREATE TRIGGER forge AFTER UPDATE ON forge FOR EACH ROW EXECUTE FUNCTION rectify.responsibilities_audit()$$);
RESET SESSION AUTHORIZATION;
SELECT count(*) = :events_before AS history_unchanged FROM events;

-- ---------------------------------------------------------------------
-- 2. The verifier verifies (核查) a completed project.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rs_vera;
SELECT verify_project(1, ARRAY['11.5 t COD', '1.5 t NH3-N']::emission[], '2023-12-20', '永州市生态环境局');
RESET SESSION AUTHORIZATION;
SELECT p.code, p.status, p.verified_on, p.verified_by, a.pollutant, a.claimed, a.verified
  FROM reduction_projects p JOIN project_amounts a USING (project_id) ORDER BY a.pollutant;
SELECT actor, kind, from_value, to_value FROM events WHERE project_id = 1 ORDER BY event_id;

-- ---------------------------------------------------------------------
-- 3. Officers and readers are refused before anything about a project is
--    read: the same answer for a verified project and for none at all.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rs_olga;
SELECT * FROM testkit.try($$rectify.verify_project(1, ARRAY['1 t COD']::rectify.emission[])$$);
SELECT * FROM testkit.try($$rectify.verify_project(999, ARRAY['1 t COD']::rectify.emission[])$$);
SELECT * FROM testkit.try($$rectify.set_project_status(1, 'in_progress')$$);
SELECT * FROM testkit.try($$rectify.set_project_status(999, 'in_progress')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rs_rita;
SELECT * FROM testkit.try($$rectify.set_project_status(1, 'in_progress')$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- 5. No role outside the extension can take the locks that keep the daily
--    and monthly runs one at a time (advisory-lock keys are public; these
--    are row locks on a table granted to nobody).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION rs_mallory;
SELECT * FROM testkit.run($$SELECT * FROM rectify.job_locks FOR UPDATE$$);
SELECT * FROM testkit.run($$LOCK TABLE rectify.job_locks IN ACCESS SHARE MODE$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rs_adam;
SELECT * FROM testkit.run($$SELECT * FROM rectify.job_locks FOR UPDATE$$);
SELECT * FROM testkit.run($$LOCK TABLE rectify.job_locks IN ROW SHARE MODE$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- 7. The low findings.
-- ---------------------------------------------------------------------
-- complete_measure: the same answer for a measure of an item the officer
-- may not see (R-2's) and for one that does not exist
SET SESSION AUTHORIZATION rs_olga;
SELECT * FROM testkit.try($$rectify.complete_measure(2, '2021-07-01')$$);
SELECT * FROM testkit.try($$rectify.complete_measure(999, '2021-07-01')$$);
SELECT rectify.complete_measure(1, '2021-07-01', '已完成截污纳管');
RESET SESSION AUTHORIZATION;

-- an administrator's own edits of a measure's completion and of effects
-- are in the history too
SET SESSION AUTHORIZATION rs_adam;
UPDATE measures SET completed_on = '2021-06-28' WHERE measure_id = 1;
UPDATE effects SET achieved_value = 95.5 WHERE item_id = 1;
DELETE FROM effects WHERE item_id = 1;
RESET SESSION AUTHORIZATION;
SELECT actor, CASE WHEN happened_on = rectify.today() THEN 'today' ELSE happened_on::text END AS happened_on,
       kind, from_value, to_value, reason FROM events
 WHERE kind IN ('measure_completed', 'content_changed') ORDER BY event_id;

-- item_asof needs a date
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.item_asof(1, NULL))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.item_asof(1, 'infinity'))$$);

-- setup_roles: one role per part (the officer role as reader would give
-- every officer the BI views of every unit); nothing changed
SELECT * FROM testkit.try($$rectify.setup_roles('rs_admin', 'rs_officer', 'rs_verifier', 'rs_officer')$$);
SELECT kind, role_name FROM role_names ORDER BY kind;

-- officer bindings follow the role, not its name: a new role with a
-- dropped role's name gets none of its units
REVOKE USAGE ON SCHEMA testkit FROM rs_olga;
DROP OWNED BY rs_olga;
DROP ROLE rs_olga;
CREATE ROLE rs_olga LOGIN IN ROLE rs_officer;
GRANT USAGE ON SCHEMA testkit TO rs_olga;
SET SESSION AUTHORIZATION rs_olga;
SELECT count(*) AS items_seen FROM rectify.items;
RESET SESSION AUTHORIZATION;
SELECT count(*) AS bindings_of_a_live_role
  FROM officer_units o JOIN pg_roles p ON p.oid = o.role_name;

-- row-level security the planner can use: an officer's policy is a plain
-- predicate on the primary key, computed once per statement (an InitPlan),
-- not a function called for every row
SELECT bind_officer('rs_olga', '永州市生态环境局');
SET SESSION AUTHORIZATION rs_olga;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT code FROM rectify.items WHERE due_date < '2023-01-01';
RESET enable_seqscan;
SELECT code FROM rectify.items ORDER BY code;
-- the scorecards read every item: administrators and verifiers only
SELECT * FROM testkit.run($$SELECT count(*) FROM rectify.unit_scorecard('2023-12-31')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rs_vera;
SELECT count(*) AS units_scored FROM rectify.unit_scorecard('2023-12-31');
RESET SESSION AUTHORIZATION;

-- a time zone must be one an office can be in: -12 to +14 hours from UTC
SELECT * FROM testkit.try($$rectify.set_setting('time_zone', '<+167>-167')$$);
SELECT * FROM testkit.try($$rectify.set_setting('time_zone', '<-15>+15')$$);
SELECT rectify.set_setting('time_zone', 'Pacific/Kiritimati');
SELECT time_zone FROM office;
SELECT rectify.set_setting('time_zone', NULL);
SELECT time_zone FROM office;

-- clean up the cluster-wide roles
REVOKE USAGE ON SCHEMA testkit FROM rs_adam, rs_vera, rs_olga, rs_rita, rs_mallory;
DROP OWNED BY rs_adam, rs_vera, rs_olga, rs_rita, rs_mallory, rs_admin, rs_officer, rs_verifier, rs_reader;
DROP ROLE rs_adam, rs_vera, rs_olga, rs_rita, rs_mallory, rs_admin, rs_officer, rs_verifier, rs_reader;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'rs\_%';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
