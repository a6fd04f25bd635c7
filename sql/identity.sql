-- Identity follows SET ROLE: rectify.caller() is the role the session acts
-- as outside any SECURITY DEFINER function.  A pool (or an API layer) that
-- logs in once as an authenticator role and switches to each person with
-- SET ROLE or SET LOCAL ROLE gets exactly that person's share, and nothing
-- of its own; SET ROLE to a weaker role reduces a session's rights.
CALL testkit.fresh_rectify();
SELECT setup_roles('ri_admin', 'ri_officer', 'ri_verifier', NULL);
SELECT unit('永州市生态环境局', '431100'), unit('保定市住建局', '130600');
SELECT register_item('I-A', '431100', '污水直排', '2022年12月31日', '2021-06-01') AS a,
       register_item('I-B', '130600', '扬尘管控', '2022年12月31日', '2021-06-01') AS b;
SELECT assign_unit(1, '永州市生态环境局'), assign_unit(2, '保定市住建局');

-- two people and the pool that acts for them: NOINHERIT, so its
-- memberships give it nothing until it switches
CREATE ROLE ri_alice NOLOGIN;
CREATE ROLE ri_bob NOLOGIN;
CREATE ROLE ri_vera NOLOGIN IN ROLE ri_verifier;
SELECT bind_officer('ri_alice', '永州市生态环境局'), bind_officer('ri_bob', '保定市住建局');
CREATE ROLE ri_pool LOGIN NOINHERIT;
GRANT ri_alice, ri_bob, ri_vera TO ri_pool;
GRANT USAGE ON SCHEMA testkit TO ri_pool, ri_alice, ri_bob, ri_vera;

SET SESSION AUTHORIZATION ri_pool;
-- the pool itself: no rectify part, not even the schema
SELECT current_user, session_user;
SELECT * FROM testkit.run($$SELECT rectify.caller_is('officer')$$);
SELECT * FROM testkit.run($$SELECT count(*) FROM rectify.items$$);
SELECT * FROM testkit.try($$rectify.report_progress(1, 0.3, '2021-07-01')$$);

-- a request for alice: her item only, and she acts in the history
SET ROLE ri_alice;
SELECT rectify.caller(), rectify.caller_is('officer') AS officer;
SELECT code FROM rectify.items ORDER BY code;
SELECT rectify.report_progress(1, 0.3, '2021-07-01');
SELECT * FROM testkit.try($$rectify.report_progress(2, 0.3, '2021-07-01')$$);
RESET ROLE;

-- a request for bob, as a transaction-pooling pool sends it
BEGIN;
SET LOCAL ROLE ri_bob;
SELECT rectify.caller(), string_agg(code, ', ' ORDER BY code) AS sees FROM rectify.items;
SELECT rectify.report_progress(2, 0.4, '2021-07-01');
SELECT * FROM testkit.try($$rectify.report_progress(1, 0.4, '2021-07-01')$$);
COMMIT;
-- the transaction ended: back to the pool, with nothing
SELECT current_user;
SELECT * FROM testkit.run($$SELECT count(*) FROM rectify.items$$);

-- a verifier's request: every item, and the verifier's steps only
SET ROLE ri_vera;
SELECT rectify.caller(), string_agg(code, ', ' ORDER BY code) AS sees FROM rectify.items;
SELECT * FROM testkit.try($$rectify.report_progress(1, 0.5, '2021-07-01')$$);
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- the history names the person, not the pool's login
SELECT e.actor, i.code, e.kind, e.to_value FROM rectify.events e JOIN rectify.items i USING (item_id)
 WHERE e.kind = 'progress' ORDER BY e.event_id;

-- SET ROLE to a weaker role reduces rights, even a superuser's
SET ROLE ri_alice;
SELECT rectify.caller(), rectify.caller_is('admin') AS admin, string_agg(code, ', ' ORDER BY code) AS sees
  FROM rectify.items;
SELECT * FROM testkit.try($$rectify.register_item('I-C', '431100', 'p', '2022-12-31', '2021-06-01')$$);
RESET ROLE;
SELECT rectify.caller_is('admin') AS admin_again;

-- clean up the cluster-wide roles
REVOKE USAGE ON SCHEMA testkit FROM ri_pool, ri_alice, ri_bob, ri_vera;
DROP OWNED BY ri_pool, ri_alice, ri_bob, ri_vera, ri_admin, ri_officer, ri_verifier;
DROP ROLE ri_pool, ri_alice, ri_bob, ri_vera, ri_admin, ri_officer, ri_verifier;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'ri\_%';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
