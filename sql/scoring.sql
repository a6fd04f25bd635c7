-- Scoring and assessment (考核): item_score's deduction rules, clamping and
-- bad input; unit and region scorecards with ties, empty units, NULL
-- on-time rates, rollup and the bottom flag; weights; proposal handling
-- (seed 000); the monthly dispatch view; the BI views and the reader role.
CALL testkit.fresh_rectify();

-- ------------------------------------------------------------------
-- item_score: one rule at a time (default weights).
-- ------------------------------------------------------------------
SELECT rule, score
  FROM (VALUES
  ('closed on time', item_score('2022-03-31', '2022-01-01', '2022-03-31', '2022-06-30', 'none', 1, 0)),
  ('closed late 10 days: 100 - 2 x 10', item_score('2022-03-31', '2022-01-01', '2022-04-10', '2022-06-30', 'none', 1, 0)),
  ('closed late 29 days: 100 - 58', item_score('2022-03-31', '2022-01-01', '2022-04-29', '2022-06-30', 'none', 1, 0)),
  ('closed late 31 days: floor 40', item_score('2022-03-31', '2022-01-01', '2022-05-01', '2022-06-30', 'none', 1, 0)),
  ('ongoing closed', item_score('ongoing', '2022-01-01', '2022-05-01', '2022-06-30', 'none', 1, 0)),
  ('open, on schedule', item_score('2022-01-11', '2022-01-01', NULL, '2022-01-06', 'none', 0.5, 0)),
  ('open, ahead of schedule', item_score('2022-01-11', '2022-01-01', NULL, '2022-01-06', 'none', 0.9, 0)),
  ('open, lag 0.2: 100 - 50 x 0.2', item_score('2022-01-11', '2022-01-01', NULL, '2022-01-06', 'none', 0.3, 0)),
  ('open, lag 0.4945: 100 - 24.725', item_score('2022-12-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, 0)),
  ('due today, progress 0: 100 - 50', item_score('2022-01-11', '2022-01-01', NULL, '2022-01-11', 'none', 0, 0)),
  ('ongoing open, no time deduction', item_score('立行立改,持續推進', '2022-01-01', NULL, '2030-01-01', 'none', 0, 0)),
  ('overdue 1 day: 60 - 1', item_score('2022-03-31', '2022-01-01', NULL, '2022-04-01', 'none', 0.9, 0)),
  ('overdue 45 days: 60 - 45', item_score('2022-03-31', '2022-01-01', NULL, '2022-05-15', 'none', 0.9, 0)),
  ('overdue 90 days: floor 0', item_score('2022-03-31', '2022-01-01', NULL, '2022-06-29', 'none', 0.9, 0)),
  ('closed after asof is open as of asof', item_score('2022-03-31', '2022-01-01', '2022-07-10', '2022-04-10', 'none', 0.9, 0)),
  ('immediate: due 30 days after assignment', item_score('immediate', '2022-01-01', NULL, '2022-02-10', 'none', 0.9, 0)),
  ('immediate, immediate_days 60: not due', item_score('immediate', '2022-01-01', NULL, '2022-02-10', 'none', 1, 0, immediate_days => 60)),
  ('level warning (2): - 10', item_score('2022-03-31', '2022-01-01', '2022-03-31', '2022-06-30', 'warning', 1, 0)),
  ('level after the late floor: 40 - 5 x 4', item_score('2022-03-31', '2022-01-01', '2022-06-01', '2022-06-30', 'supervision', 1, 0)),
  ('ongoing with a level: 100 - 5', item_score('ongoing', '2022-01-01', NULL, '2022-06-30', 'notice', 0, 0)),
  ('two reopenings: 100 - 40', item_score('2022-03-31', '2022-01-01', '2022-03-31', '2022-06-30', 'none', 1, 2)),
  ('reopening after the overdue floor: clamped to 0', item_score('2022-03-31', '2022-01-01', NULL, '2022-06-29', 'none', 0, 1)),
  ('everything at once: clamped to 0', item_score('2022-03-31', '2022-01-01', NULL, '2022-06-29', 'accountability', 0, 5))
  ) AS t(rule, score);

-- the README's worked example: YZ-13 as of 2022-06-20 (序时进度 0.9670,
-- progress 0.5, notice), then with per_level 10; YZ-05 21 days late
SELECT item_score('2022-06-30', '2021-08-31', NULL, '2022-06-20', 'notice', 0.5, 0) AS yz_13,
       item_score('2022-06-30', '2021-08-31', NULL, '2022-06-20', 'notice', 0.5, 0, weights => ROW(NULL, NULL, NULL, NULL, NULL, NULL, 10, NULL)::score_weights) AS yz_13_per_level_10,
       item_score('2021-12-31', '2021-08-31', '2022-01-21', '2022-06-20', 'none', 1, 0) AS yz_05;

-- weights as named arguments; clamping at the top
SELECT item_score('2022-03-31', '2022-01-01', '2022-04-10', '2022-06-30', 'circular', 1, 1,
                  weights => ROW(1, NULL, NULL, NULL, NULL, NULL, 2, 10)::score_weights) AS "100 - 10 - 6 - 10",
       item_score('2022-03-31', '2022-01-01', NULL, '2022-04-05', 'none', 0, 0,
                  weights => ROW(NULL, NULL, NULL, 100, 0, NULL, NULL, NULL)::score_weights) AS "overdue, no deduction",
       item_score('2022-01-11', '2022-01-01', NULL, '2022-01-06', 'none', 0.5, 0, weights => ROW(NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL)::score_weights) AS "no lag weight",
       item_score('2022-03-31', '2022-01-01', '2022-04-10', '2022-06-30', 'none', 1, 0,
                  weights => ROW(0.25, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::score_weights) AS "100 - 2.5";

-- the parameter defaults are the defaults of rectify.score_weights
SELECT bool_and(item_score(d, '2022-01-01', c, '2022-06-30', l, p, r) =
                item_score(d, '2022-01-01', c, '2022-06-30', l, p, r, w, 30)) AS same
  FROM score_weights w,
       (VALUES ('2022-03-31'::deadline, '2022-04-20'::date), ('2022-03-31', NULL), ('2022-12-31', NULL),
               ('2022-03-31', '2022-03-01')) AS a(d, c),
       unnest(ARRAY['none', 'summons']::escalation_level[]) AS l,
       unnest(ARRAY[0, 0.35]) AS p, generate_series(0, 1) AS r;

-- NULL in any argument but closed and weights gives NULL
SELECT item_score(NULL, '2022-01-01', NULL, '2022-06-30', 'none', 0, 0) IS NULL AS no_deadline,
       item_score('2022-03-31', NULL, NULL, '2022-06-30', 'none', 0, 0) IS NULL AS no_assigned,
       item_score('2022-03-31', '2022-01-01', NULL, NULL, 'none', 0, 0) IS NULL AS no_asof,
       item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', NULL, 0, 0) IS NULL AS no_level,
       item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', NULL, 0) IS NULL AS no_progress,
       item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, NULL) IS NULL AS no_reopened;
-- NULL weights, or a NULL weight, mean the defaults (rectify.score_weights)
-- (10 days overdue: 60 - 1 per day by default)
SELECT item_score('2022-03-31', '2022-01-01', NULL, '2022-04-10', 'none', 0, 0) AS "defaults: 50",
       item_score('2022-03-31', '2022-01-01', NULL, '2022-04-10', 'none', 0, 0, weights => NULL) AS "NULL: 50",
       item_score('2022-03-31', '2022-01-01', NULL, '2022-04-10', 'none', 0, 0,
                  weights => ROW(NULL, NULL, NULL, NULL, 2, NULL, NULL, NULL)::score_weights) AS "2 per day: 40",
       item_score('2022-03-31', '2022-01-01', NULL, '2022-04-10', 'none', 0, 0,
                  weights => (SELECT w FROM score_weights w)) AS "the view's: 50";
-- weights of another shape are refused
SELECT * FROM testkit.try($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, 0, ROW(1, 2)::record)$$);

-- bad input
SELECT t.* FROM (VALUES
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 1.5, 0)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', -0.01, 0)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 1.00001, 0)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 'NaN', 0)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, -1)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, 0, weights => ROW(NULL, NULL, NULL, NULL, NULL, NULL, -5, NULL)::score_weights)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, 0, weights => ROW(NULL, NULL, 'NaN', NULL, NULL, NULL, NULL, NULL)::score_weights)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'none', 0, 0, weights => ROW(NULL, 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL)::score_weights)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, 'infinity', 'none', 0, 0)$$),
  ($$item_score('2022-03-31', '-infinity', NULL, '2022-06-30', 'none', 0, 0)$$),
  ($$item_score('2022-03-31', '2022-01-01', 'infinity', '2022-06-30', 'none', 0, 0)$$),
  ($$item_score('immediate', '2022-01-01', NULL, '2022-06-30', 'none', 0, 0, immediate_days => -1)$$),
  ($$item_score('2022-03-31', '2022-01-01', NULL, '2022-06-30', 'urgent', 0, 0)$$)
  ) AS c(expr), testkit.try(c.expr) AS t;

-- ------------------------------------------------------------------
-- A small ledger for the scorecards, as of 2022-06-30.
--   甲: S-1 closed on time (100), S-2 closed 10 days late (80)    → 90
--   丙: S-4 ongoing (100), S-5 closed 10 days late (80)           → 90, tied with 甲
--   丁: S-6 open, lagging 序时进度 (notice)                          → 70.28
--   乙: S-3 30 days overdue (supervision): 60 - 30 - 20          → 10
--   己: S-8 closed, reopened, 122 days overdue                    → 0, the bottom
--   戊: S-7 assigned after 2022-06-30                             → no items, no rank
-- ------------------------------------------------------------------
SELECT register_item(code, region::region, problem, deadline, assigned::date, category, 'central') AS item
  FROM (VALUES ('S-1', '431123', '畜禽养殖污染', '2022年3月31日', '2022-01-01', 'water'),
               ('S-2', '431124', '黑臭水体', '2022年3月', '2022-01-01', 'water'),
               ('S-3', '130602', '扬尘管控', '2022-05-31', '2022-01-01', 'air'),
               ('S-4', '130600', '散乱污整治', '持續推進', '2022-01-01', 'industry'),
               ('S-5', '130681', '燃煤锅炉', '2022-03-31', '2022-01-01', 'air'),
               ('S-6', '340000', '土壤风险管控', '2022年12月31日', '2022-01-01', 'soil'),
               ('S-7', '431100', '新发现问题', '2022年12月31日', '2022-09-01', 'other'),
               ('S-8', '431181', '尾矿库渗漏', '2022年2月28日', '2022-01-01', 'solid_waste'))
       AS t(code, region, problem, deadline, assigned, category)
 ORDER BY code;
SELECT assign_unit(item_id, unit) FROM items JOIN (VALUES
  ('S-1', '甲县人民政府'), ('S-2', '甲县人民政府'), ('S-3', '乙区人民政府'), ('S-4', '丙市生态环境局'),
  ('S-5', '丙市生态环境局'), ('S-6', '丁省生态环境厅'), ('S-7', '戊市城管局'), ('S-8', '己市人民政府')) AS t(code, unit)
  USING (code) ORDER BY code;
-- a supervising unit is not scored
SELECT assign_unit(item_id, '省督导组', 'lead_supervisor') FROM items WHERE code = 'S-3';
SELECT advance(item_id, 'completed', d::date) FROM items JOIN (VALUES
  ('S-1', '2022-03-20'), ('S-2', '2022-04-10'), ('S-5', '2022-04-10'), ('S-8', '2022-02-20')) AS t(code, d)
  USING (code) ORDER BY code;
SELECT advance(item_id, s, d)
  FROM items, (VALUES ('preliminary_review'::item_status, date '2022-02-22'), ('public_notice', '2022-02-24'),
                      ('applied', '2022-02-26'), ('verified', '2022-03-01'), ('closed', '2022-03-05')) AS v(s, d)
 WHERE code = 'S-8';
SELECT reopen(item_id, '回头看发现反弹', '2022-04-01') FROM items WHERE code = 'S-8';
SELECT code, from_level, to_level, days_overdue FROM escalate('2022-06-30') ORDER BY code;

SELECT code, state, days_overdue, level, peak_level, reopened, progress, expected_progress, score
  FROM item_scores('2022-06-30') ORDER BY code;

-- ties share a rank (rank()), the empty unit has no rank, the last rank is
-- flagged; on-time rate is NULL when nothing is closed or overdue
SELECT * FROM unit_scorecard('2022-06-30');

-- time travel: the day before the escalation run, levels were lower
SELECT unit, items, open_overdue, mean_score, max_level, rank, bottom FROM unit_scorecard('2022-06-29');
-- before any item: no unit is responsible yet (a responsibility runs from
-- the day it was given, here the items' assignment), so nobody is ranked
SELECT count(*) AS units, sum(items) AS items, count(rank) AS ranked, bool_or(bottom) AS any_bottom
  FROM unit_scorecard('2021-12-31');
-- one ranked unit alone is not "the bottom"
SELECT unit, items, rank, bottom FROM unit_scorecard('2022-01-01') WHERE items > 0;

-- regions: prefecture (default), province (includes prefectures and
-- counties), county; an item registered at province level (S-6) is
-- counted only at province level
SELECT * FROM region_scorecard('2022-06-30');
SELECT * FROM region_scorecard('2022-06-30', 'province');
SELECT region, region_name, items, mean_score, rank, bottom FROM region_scorecard('2022-06-30', 'county');
-- the rollup: a province's counts are the sums over its prefectures plus
-- items registered at province level
SELECT p.region, p.items, p.items = coalesce(sum(f.items), 0)
         + (SELECT count(*) FROM items i WHERE i.region = p.region AND i.assigned <= '2022-06-30') AS adds_up
  FROM region_scorecard('2022-06-30', 'province') p
  LEFT JOIN region_scorecard('2022-06-30', 'prefecture') f ON province(f.region) = p.region
 GROUP BY p.region, p.items ORDER BY p.region;

SELECT t.* FROM (VALUES
  ($$(SELECT count(*) FROM region_scorecard('2022-06-30', 'city'))$$),
  ($$(SELECT count(*) FROM region_scorecard('2022-06-30', NULL))$$),
  ($$(SELECT count(*) FROM unit_scorecard(NULL))$$),
  ($$(SELECT count(*) FROM item_scores('infinity'))$$)
  ) AS c(expr), testkit.try(c.expr) AS t;

-- the asof setting lasts only for the call
SELECT count(*) FROM unit_scorecard('2022-06-30');
SELECT coalesce(current_setting('rectify.asof', true), '') AS asof_setting;

-- ------------------------------------------------------------------
-- Weights: one optional row, NULL = default.
-- ------------------------------------------------------------------
SELECT * FROM score_weights;
SELECT set_score_weight('per_level', 10), set_score_weight('late_per_day', 1);
SELECT * FROM score_settings;
SELECT code, score FROM item_scores('2022-06-30') WHERE code IN ('S-2', 'S-3', 'S-6') ORDER BY code;
SELECT set_score_weight('per_level', NULL), set_score_weight('late_per_day', NULL);
SELECT * FROM score_weights;
SELECT t.* FROM (VALUES
  ($$set_score_weight('per_levle', 5)$$),
  ($$set_score_weight('per_level', -1)$$),
  ($$set_score_weight('per_level', 101)$$),
  ($$set_score_weight('per_level', 'NaN')$$),
  ($$set_score_weight(NULL, 5)$$)
  ) AS c(expr), testkit.try(c.expr) AS t;

-- ------------------------------------------------------------------
-- Proposal handling: seed 000 (河北省生态环境厅 2024): 94 handled —
-- 23 lead (主办), 4 split (分办), 65 co-handling (会办), 2 reference
-- (参阅); 23 A, 4 B, no C; every lead item visited; all satisfied.
-- ------------------------------------------------------------------
SELECT count(register_item(format('P-2024-%s', lpad(n::text, 3, '0')), '130000',
                           format('建议提案 %s', n), '2024年6月30日', '2024-03-01', 'other', 'proposal'))
  FROM generate_series(1, 94) AS n;
SELECT count(record_proposal(i.item_id,
         CASE WHEN n <= 23 THEN 'lead' WHEN n <= 27 THEN 'split' WHEN n <= 92 THEN 'co_handling' ELSE 'reference' END,
         CASE WHEN n <= 23 THEN 'A' WHEN n <= 27 THEN 'B' END,
         CASE WHEN n <= 23 THEN true END,
         CASE WHEN n <= 27 THEN true END))
  FROM items i CROSS JOIN LATERAL (SELECT substr(i.code, 8)::integer AS n) AS x
 WHERE i.source = 'proposal';
SELECT * FROM proposal_summary(2024);
SELECT count(*) AS rows_2023 FROM proposal_summary(2023);
-- replacing a record; bad input
SELECT record_proposal(item_id, 'split', 'C', NULL, false) FROM items WHERE code = 'P-2024-094';
SELECT split, reference, grade_c, satisfied, satisfaction_answers, satisfied_pct FROM proposal_summary(2024);
SELECT t.* FROM (VALUES
  ($$record_proposal((SELECT item_id FROM items WHERE code = 'S-1'), 'lead')$$),
  ($$record_proposal((SELECT item_id FROM items WHERE code = 'P-2024-001'), 'host')$$),
  ($$record_proposal((SELECT item_id FROM items WHERE code = 'P-2024-001'), 'lead', 'D')$$),
  ($$record_proposal((SELECT item_id FROM items WHERE code = 'P-2024-001'), NULL)$$),
  ($$record_proposal(99999, 'lead')$$)
  ) AS c(expr), testkit.try(c.expr) AS t;

-- ------------------------------------------------------------------
-- Monthly dispatch comparison.
-- ------------------------------------------------------------------
-- (dispatch records the level an item holds when it runs: here the levels
-- of the 2022-06-30 escalation run are already in May's snapshot)
SELECT dispatch('2022-05-20'), dispatch('2022-06-30');
SELECT * FROM bi_dispatch_monthly ORDER BY month;

-- ------------------------------------------------------------------
-- BI views: plain column types only; they read as of today(), or as of
-- the session setting rectify.asof, and agree with the functions.
-- ------------------------------------------------------------------
SELECT c.relname, string_agg(DISTINCT format_type(a.atttypid, NULL), ', ') AS column_types,
       c.reloptions
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE c.oid IN (SELECT bi_views()::regclass)
 GROUP BY c.relname, c.reloptions ORDER BY 1;

SET rectify.asof = '2022-06-30';
SELECT asof, code, region_code, region_name, province_name, prefecture_name, status, deadline, due_date,
       state, days_overdue, escalation_level, peak_level, reopened, score, primary_units, lead_supervisors
  FROM bi_items WHERE source <> 'proposal' ORDER BY code;
SELECT (SELECT array_agg(row(u.unit, u.items, u.closed, u.closed_on_time, u.open_overdue, u.on_time_rate,
                             u.mean_score, u.max_level::text, u.reopened, u.rank, u.bottom) ORDER BY u.unit)
          FROM unit_scorecard('2022-06-30') u)
     = (SELECT array_agg(row(b.unit, b.items, b.closed, b.closed_on_time, b.open_overdue, b.on_time_rate,
                             b.mean_score, b.max_level, b.reopened, b.rank, b.bottom) ORDER BY b.unit)
          FROM bi_unit_scorecard b) AS unit_view_agrees,
       (SELECT array_agg(row(r.region::text, r.mean_score, r.rank, r.bottom) ORDER BY r.region)
          FROM region_scorecard('2022-06-30', 'county') r)
     = (SELECT array_agg(row(b.region_code, b.mean_score, b.rank, b.bottom) ORDER BY b.region_code)
          FROM bi_region_scorecard b WHERE b.level = 'county') AS region_view_agrees;
SELECT level, count(*) AS regions FROM bi_region_scorecard GROUP BY level ORDER BY level;
RESET rectify.asof;
SELECT (SELECT asof FROM bi_unit_scorecard LIMIT 1) = today() AS views_default_to_today;

-- ------------------------------------------------------------------
-- The reader role: reads every BI view, is refused (42501) everywhere else.
-- ------------------------------------------------------------------
SELECT * FROM create_reader_role('rectify_test_reader');
SELECT * FROM create_reader_role('rectify_test_reader');    -- again: a notice, the same grants
SELECT * FROM create_reader_role('Rectify "BI" Reader') LIMIT 1;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('rectify_test_reader', 'Rectify "BI" Reader') ORDER BY 1;
SELECT t.* FROM (VALUES ($$create_reader_role('')$$), ($$create_reader_role(NULL)$$)) AS c(expr),
       testkit.try(c.expr) AS t;
GRANT USAGE ON SCHEMA testkit TO rectify_test_reader;

SET ROLE rectify_test_reader;
SET rectify.asof = '2022-06-30';
SELECT 'bi_items' AS view, count(*) FROM rectify.bi_items
UNION ALL SELECT 'bi_unit_scorecard', count(*) FROM rectify.bi_unit_scorecard
UNION ALL SELECT 'bi_region_scorecard', count(*) FROM rectify.bi_region_scorecard
UNION ALL SELECT 'bi_dispatch_monthly', count(*) FROM rectify.bi_dispatch_monthly
UNION ALL SELECT 'bi_proposal_summary', count(*) FROM rectify.bi_proposal_summary;
SELECT unit, mean_score, rank, bottom FROM rectify.bi_unit_scorecard ORDER BY rank NULLS LAST, unit;
SELECT c.expr, t.state, t.message FROM (VALUES
  ($$(SELECT count(*) FROM rectify.items)$$),
  ($$(SELECT count(*) FROM rectify.events)$$),
  ($$(SELECT count(*) FROM rectify.units)$$),
  ($$(SELECT count(*) FROM rectify.proposals)$$),
  ($$(SELECT count(*) FROM rectify.dispatch_snapshots)$$),
  ($$(SELECT count(*) FROM rectify.score_settings)$$),
  ($$(SELECT count(*) FROM rectify.settings)$$),
  ($$(SELECT count(*) FROM rectify.scored_items('2022-06-30', now()))$$),
  ($$(SELECT count(*) FROM rectify.open_items)$$),
  ($$(SELECT count(*) FROM rectify.unit_scorecard('2022-06-30'))$$),
  ($$(SELECT count(*) FROM rectify.ledger('2022-06-30'))$$)
  ) AS c(expr), testkit.try(c.expr) AS t;
RESET rectify.asof;
RESET ROLE;

DROP OWNED BY rectify_test_reader, "Rectify ""BI"" Reader";
DROP ROLE rectify_test_reader;
DROP ROLE "Rectify ""BI"" Reader";

-- ------------------------------------------------------------------
-- Levels map by the enum's sort order, not by OID: a label added in the
-- middle of the ladder shifts the levels above it.
-- ------------------------------------------------------------------
ALTER TYPE escalation_level ADD VALUE 'reminder' BEFORE 'notice';
SELECT item_score('ongoing', '2022-01-01', NULL, '2022-06-30', l, 0, 0) AS score, l AS level
  FROM unnest(ARRAY['none', 'reminder', 'notice', 'accountability']::escalation_level[]) AS l;
SET client_min_messages = warning;
DROP EXTENSION rectify CASCADE;
CREATE EXTENSION rectify;
RESET client_min_messages;
