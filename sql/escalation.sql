-- Escalation (跟踪督办): the ladder, policies, lag, idempotence, manual
-- escalation, closing, time travel, notification payloads, bad input.
-- It runs in a database of its own, so that items made by other tests
-- never show up in escalate()'s output.
\getenv abs_srcdir PG_ABS_SRCDIR
\set own_db rectify_escalation
\i :abs_srcdir/test/own-database.sql
SET DateStyle = ISO;
SET search_path = public, rectify;

-- this database's own testkit (testkit.attempt below)
\i :abs_srcdir/test/testkit.sql

-- ------------------------------------------------------------------
-- An item registered before any run gets its escalation date.
-- ------------------------------------------------------------------
CREATE EXTENSION rectify;
SELECT register_item('U-01', '130600', '升级前登记的问题', '2021年12月31日', '2021-07-01', 'water', 'central');
SELECT report_progress(1, 0.9, '2021-08-01');
SELECT code, due_date, progress, escalation_level, escalation_next FROM items;

-- User data is dumped; the built-in ladder is not (no duplicates on restore).
SELECT c::regclass AS dumped FROM pg_extension e, unnest(e.extconfig) AS c
 WHERE e.extname = 'rectify' AND c::regclass::text ~ '(escalation|dispatch)';

-- ------------------------------------------------------------------
-- The ladder and its default thresholds.
-- ------------------------------------------------------------------
SELECT enum_range(NULL::escalation_level);
SELECT 'summons'::escalation_level > 'listed_supervision' AS ordered;
SELECT * FROM escalation_ladder ORDER BY level;
SELECT * FROM escalation_thresholds();

-- A few items: dated, month, ongoing, immediate, sustained.
SELECT register_item('E-01', '130600', '污水直排', '2021年12月31日', '2021-07-01', 'water', 'central'),
       register_item('E-02', '131000', '扬尘管控不力', '2022年1月', '2021-07-01', 'air', 'provincial'),
       register_item('E-03', '340000', '土壤风险管控', '持續推進', '2021-07-01', 'soil', 'complaint'),
       register_item('E-04', '431100', '建议办理', 'immediate', '2021-12-01', 'other', 'proposal'),
       register_item('E-05', '130000', '生态修复', '2022-03-31, sustain', '2021-07-01', 'ecology', 'central');
SELECT assign_unit(item_id, u, 'primary')
  FROM items, unnest(ARRAY['保定市生态环境局', '保定市水利局']) AS u WHERE code = 'E-01';
SELECT assign_unit(item_id, '廊坊市住建局', 'primary') FROM items WHERE code = 'E-02';
SELECT report_progress(item_id, 0.5, '2021-09-01') FROM items WHERE code = 'E-02';
SELECT report_progress(item_id, 0.95, '2021-09-01') FROM items WHERE code = 'E-05';
-- escalation_next: the lag date (progress behind 序时进度 by 0.20), or
-- due date + 1 (notice); NULL for ongoing items.
SELECT code, deadline, due_date, progress, escalation_level, escalation_next
  FROM items ORDER BY code;

-- ------------------------------------------------------------------
-- Daily runs from 2021-07-01 to 2022-02-20: every step, on its day.
-- ------------------------------------------------------------------
CREATE TEMP TABLE replay AS SELECT NULL::date AS asof, e.* FROM escalate('2021-06-30') AS e;
DO $$
DECLARE d date;
BEGIN
  FOR d IN SELECT generate_series(date '2021-07-01', date '2022-02-20', interval '1 day') LOOP
    INSERT INTO replay SELECT d, e.* FROM rectify.escalate(d) AS e;
  END LOOP;
END $$;
SELECT asof, code, from_level, to_level, days_overdue, reason FROM replay ORDER BY asof, code;
SELECT code, escalation_level, escalated_on, escalation_next FROM items ORDER BY code;

-- Idempotent: the same asof again changes nothing; an earlier asof
-- changes nothing either (levels never go down).
SELECT count(*) AS events_before FROM events \gset
SELECT * FROM escalate('2022-02-20');
SELECT * FROM escalate('2022-01-01');
SELECT count(*) - :events_before AS new_events FROM events;

-- Time travel: the same items registered afresh and run once for
-- 2022-02-20 end at the same levels as the daily runs, in one step each.
SELECT register_item('J-' || substr(code, 3), region, problem, deadline_text, assigned, category, source)
  FROM items WHERE code ~ '^E-' ORDER BY code;
SELECT report_progress(j.item_id, e.progress, '2021-09-01')
  FROM items e JOIN items j ON j.code = 'J-' || substr(e.code, 3) WHERE e.progress > 0 ORDER BY e.code;
SELECT code, from_level, to_level, days_overdue, reason FROM escalate('2022-02-20') ORDER BY code;
SELECT e.code, e.escalation_level AS daily, j.escalation_level AS at_once,
       e.escalation_level = j.escalation_level AS same
  FROM items e JOIN items j ON j.code = 'J-' || substr(e.code, 3) ORDER BY e.code;

-- ------------------------------------------------------------------
-- Manual escalation by an administrator, with a reason.
-- ------------------------------------------------------------------
SELECT has_function_privilege('public', 'rectify.escalate_item(bigint, rectify.escalation_level, text, date)',
                              'EXECUTE') AS public_may_escalate_by_hand;
SELECT escalate_item(item_id, 'warning', '群众反映强烈，领导批示督办', '2022-02-21')
  FROM items WHERE code = 'E-05';
-- Not yet overdue, so the next automatic step is circular at due + 15.
SELECT code, due_date, escalation_level, escalated_on, escalation_next FROM items WHERE code = 'E-05';
SELECT kind, from_level, to_level, days_overdue, reason, actor = current_user AS by_me
  FROM escalation_history((SELECT item_id FROM items WHERE code = 'E-05'));
-- Automatic runs never lower it: one day overdue means notice, it stays at warning.
SELECT code, from_level, to_level, days_overdue FROM escalate('2022-04-01') ORDER BY code;
SELECT code, escalation_level FROM items WHERE code = 'E-05';

SELECT s.label, (testkit.attempt(s.stmt)).*
  FROM (VALUES
    ('no reason', $$SELECT rectify.escalate_item(2, 'summons', NULL, '2022-04-02')$$),
    ('blank reason', $$SELECT rectify.escalate_item(2, 'summons', '  ', '2022-04-02')$$),
    ('NULL level', $$SELECT rectify.escalate_item(2, NULL, 'r', '2022-04-02')$$),
    ('unknown level', $$SELECT rectify.escalate_item(2, '督办', 'r', '2022-04-02')$$),
    ('not higher', $$SELECT rectify.escalate_item((SELECT item_id FROM rectify.items WHERE code = 'E-05'), 'notice', 'r', '2022-04-02')$$),
    ('no such item', $$SELECT rectify.escalate_item(999999, 'summons', 'r', '2022-04-02')$$),
    ('before assigned', $$SELECT rectify.escalate_item(2, 'summons', 'r', '2021-01-01')$$),
    ('NULL date', $$SELECT rectify.escalate_item(2, 'summons', 'r', NULL)$$)
  ) AS s(label, stmt);

-- ------------------------------------------------------------------
-- Closing ends escalation; the history keeps it.  Sending back restarts it.
-- ------------------------------------------------------------------
SELECT advance(item_id, 'completed', '2022-04-05') FROM items WHERE code = 'E-01';
SELECT code, status, escalation_level, escalation_next FROM items WHERE code = 'E-01';
SELECT happened_on, kind, from_level, to_level, days_overdue
  FROM escalation_history((SELECT item_id FROM items WHERE code = 'E-01'));
SELECT code, to_level FROM escalate('2022-06-01') ORDER BY code;
SELECT (testkit.attempt($$SELECT rectify.escalate_item((SELECT item_id FROM rectify.items WHERE code = 'E-01'), 'summons', 'r', '2022-06-02')$$)).*;
-- Refused at preliminary review: open again, and at once back to the level its days require.
SELECT advance(item_id, 'preliminary_review', '2022-06-02') FROM items WHERE code = 'E-01';
SELECT advance(item_id, 'in_progress', '2022-06-03', '验收资料不全') FROM items WHERE code = 'E-01';
SELECT code, escalation_level, escalation_next FROM items WHERE code = 'E-01';
SELECT code, from_level, to_level, days_overdue FROM escalate('2022-06-03') ORDER BY code;

-- ------------------------------------------------------------------
-- Lag behind time-proportional progress (进度滞后).
-- ------------------------------------------------------------------
SELECT register_item('L-01', '130600', '进度滞后的问题', '2022-12-31', '2022-01-01', 'industry', 'provincial');
-- 序时进度 reaches 0.20 on the 73rd day of 364: 2022-03-15.
SELECT escalation_next, is_lagging(i, '2022-03-14') AS lag_0314, is_lagging(i, '2022-03-15') AS lag_0315,
       expected_progress(deadline, assigned, '2022-03-15') AS expected_0315
  FROM items i WHERE code = 'L-01';
SELECT report_progress(item_id, 0.3, '2022-03-01') FROM items WHERE code = 'L-01';
SELECT escalation_next FROM items WHERE code = 'L-01';           -- 0.5 of the way: 2022-07-02
SELECT set_setting('lag_threshold', '0.5');
SELECT lag_threshold FROM office;
SELECT escalation_next FROM items WHERE code = 'L-01';           -- 0.8 of the way: 2022-10-20
SELECT set_setting('lag_threshold', NULL);
SELECT lag_threshold, escalation_next FROM office, items WHERE code = 'L-01';
SELECT code, from_level, to_level, days_overdue, reason FROM escalate('2022-07-01') WHERE code = 'L-01';
SELECT code, from_level, to_level, days_overdue, reason FROM escalate('2022-07-02') WHERE code = 'L-01';
-- From notice on, only the ladder can raise it: due + 7 (warning).
SELECT escalation_next FROM items WHERE code = 'L-01';
SELECT s.label, (testkit.attempt(s.stmt)).*
  FROM (VALUES
    ('not a number', $$SELECT rectify.set_setting('lag_threshold', 'abc')$$),
    ('above 1', $$SELECT rectify.set_setting('lag_threshold', '1.5')$$),
    ('zero', $$SELECT rectify.set_setting('lag_threshold', '0')$$),
    ('unknown', $$SELECT rectify.set_setting('lag', '0.2')$$)
  ) AS s(label, stmt);

-- ------------------------------------------------------------------
-- Policies: per category and source, most specific first.
-- ------------------------------------------------------------------
INSERT INTO escalation_policy (category, source, level, min_days_overdue, note) VALUES
  (NULL, NULL, 'notice', 3, 'office-wide: notice letters after three days'),
  (NULL, 'central', 'supervision', 20, '中央督察交办问题加快督办'),
  ('water', 'central', 'circular', 10, '中央督察水问题'),
  ('water', NULL, 'circular', 12, '水问题'),
  ('air', NULL, 'accountability', NULL, 'air items are referred by the leading group, not automatically');
SELECT * FROM escalation_thresholds('water', 'central');
SELECT level, min_days_overdue, scope FROM escalation_thresholds('air', 'provincial')
 WHERE scope <> 'built-in';
SELECT level, min_days_overdue, scope FROM escalation_thresholds('soil', 'complaint')
 WHERE scope <> 'built-in';
SELECT register_item('P-01', '130600', '中央督察交办的水问题', '2022-03-31', '2022-01-01', 'water', 'central'),
       register_item('P-02', '131000', '省级督察交办的水问题', '2022-03-31', '2022-01-01', 'water', 'provincial');
SELECT report_progress(item_id, 0.9, '2022-02-01') FROM items WHERE code IN ('P-01', 'P-02') ORDER BY code;
SELECT code, escalation_next FROM items WHERE code ~ '^P-' ORDER BY code;   -- due + 3 (office notice)
-- run by an administrator, as the office runs it: the thresholds of each
-- scope (water/central, water/provincial) decide the steps and next dates
CALL testkit.office('ep');
SET SESSION AUTHORIZATION ep_adam;
SELECT code, from_level, to_level, days_overdue, reason FROM escalate('2022-04-25')
 WHERE code ~ '^P-' ORDER BY code;
RESET SESSION AUTHORIZATION;
-- A policy change moves the stored dates at once: P-02 (circular) next
-- reaches supervision at due + 30 (built-in), due + 26 with a water rule.
SELECT code, escalation_level, escalation_next FROM items WHERE code = 'P-02';
INSERT INTO escalation_policy (category, level, min_days_overdue) VALUES ('water', 'supervision', 26);
SELECT code, escalation_level, escalation_next FROM items WHERE code = 'P-02';
UPDATE escalation_policy SET min_days_overdue = 28 WHERE category = 'water' AND level = 'supervision';
SELECT code, escalation_level, escalation_next FROM items WHERE code = 'P-02';
DELETE FROM escalation_policy WHERE category = 'water' AND level = 'supervision';
SELECT code, escalation_level, escalation_next FROM items WHERE code = 'P-02';
SELECT s.label, (testkit.attempt(s.stmt)).*
  FROM (VALUES
    ('level none', $$INSERT INTO rectify.escalation_policy (level, min_days_overdue) VALUES ('none', 1)$$),
    ('zero days', $$INSERT INTO rectify.escalation_policy (level, min_days_overdue) VALUES ('warning', 0)$$),
    ('unknown category', $$INSERT INTO rectify.escalation_policy (category, level, min_days_overdue) VALUES ('sky', 'warning', 5)$$),
    ('duplicate scope', $$INSERT INTO rectify.escalation_policy (category, source, level, min_days_overdue) VALUES ('water', NULL, 'circular', 9)$$)
  ) AS s(label, stmt);

-- ------------------------------------------------------------------
-- The level is only changed through rectify's functions (no role is
-- granted the column, not even an administrator); the date is always
-- recomputed.
-- ------------------------------------------------------------------
SELECT setup_roles('rt_e_admin', 'rt_e_officer', 'rt_e_verifier', NULL);
CREATE ROLE rt_e_adam IN ROLE rt_e_admin;
GRANT USAGE ON SCHEMA testkit TO rt_e_adam;
SET ROLE rt_e_adam;
SELECT (testkit.attempt($$UPDATE rectify.items SET escalation_level = 'none' WHERE code = 'E-02'$$)).*;
RESET ROLE;
DROP OWNED BY rt_e_adam, rt_e_admin, rt_e_officer, rt_e_verifier;
DROP ROLE rt_e_adam, rt_e_admin, rt_e_officer, rt_e_verifier;
UPDATE items SET escalation_next = NULL WHERE code = 'P-02';
SELECT code, escalation_next FROM items WHERE code = 'P-02';

-- escalate(): bad dates and isolation levels.
SELECT s.label, (testkit.attempt(s.stmt)).*
  FROM (VALUES
    ('NULL', $$SELECT * FROM rectify.escalate(NULL)$$),
    ('infinity', $$SELECT * FROM rectify.escalate('infinity')$$),
    ('not a date', $$SELECT * FROM rectify.escalate('2022-02-30')$$)
  ) AS s(label, stmt);
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT (testkit.attempt($$SELECT * FROM rectify.escalate('2022-07-01')$$)).*;
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT (testkit.attempt($$SELECT * FROM rectify.escalate('2022-07-01')$$)).*;
ROLLBACK;

-- ------------------------------------------------------------------
-- Notification payloads: compact JSON, cut well under 8000 bytes.
-- ------------------------------------------------------------------
SELECT escalation_payload(item_id, 'none', 'notice', 0, '2021-08-07') AS payload
  FROM items WHERE code = 'E-01';
SELECT register_item(repeat('长', 300), '130600', '很多责任单位', '2021-12-31', '2021-07-01');
SELECT count(assign_unit(item_id, '第' || n || '个责任单位：某某县人民政府某某局某某科', 'primary'))
  FROM items, generate_series(1, 300) AS n WHERE code = repeat('长', 300);
SELECT octet_length(p) AS bytes, octet_length(p) <= 2000 AS fits,
       json_array_length(p::json -> 'units') AS units_sent, p::json ->> 'units_omitted' AS units_omitted,
       p::json ->> 'code' AS code
  FROM (SELECT escalation_payload(item_id, 'none', 'notice', 1, '2022-01-01') AS p
          FROM items WHERE code = repeat('长', 300)) AS x;

-- ------------------------------------------------------------------
-- The run reads only items whose date has come, through the partial
-- index: not the whole ledger, not every overdue item.
-- ------------------------------------------------------------------
SELECT count(register_item('G-' || n, '130600', '远期问题', '2030-12-31', '2022-01-01'))
  FROM generate_series(1, 3000) AS n;
ANALYZE items;
SELECT count(*) AS items,
       count(*) FILTER (WHERE completed_on IS NULL AND due_date < '2022-07-01') AS overdue,
       count(*) FILTER (WHERE escalation_next <= '2022-07-01') AS to_read
  FROM items;
-- escalate()'s query:
EXPLAIN (COSTS OFF)
SELECT * FROM rectify.items i
 WHERE i.escalation_next <= '2022-07-01'::date AND i.assigned <= '2022-07-01'::date
 ORDER BY i.item_id
   FOR UPDATE;
SELECT left(code, 8) AS code, from_level, to_level, days_overdue FROM escalate('2022-07-01') ORDER BY code;
-- escalate() writes the next escalation dates itself (0.7); after every
-- run above, under the policies set on the way, they are the dates
-- escalation_next_change() gives
SELECT count(*) AS items, count(*) FILTER (WHERE escalated_on IS NOT NULL) AS escalated,
       count(*) FILTER (WHERE escalation_next IS DISTINCT FROM escalation_next_change(i)) AS disagreeing
  FROM items i;

\c :home
DROP DATABASE rectify_escalation;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
