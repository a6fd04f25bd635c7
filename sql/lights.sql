-- Traffic lights (红黄绿灯): rectify.light on its own, then the light of
-- each item in the reports on several dates, as the office's people see
-- them: an administrator, two officers (each sees its own unit's items),
-- a verifier (the scorecards) and a BI reader (the views).
CALL testkit.fresh_rectify();

-- ---------------------------------------------------------------------
-- rectify.light(due, completed, asof, progress, expected_progress,
-- warning_days, lag_threshold): one row per rule, boundaries included.
-- ---------------------------------------------------------------------
SELECT why, light(due, completed, asof, progress, expected, warn, lag) AS light
  FROM (VALUES
    ('completed before asof',             '2024-06-30'::date, '2024-06-01'::date, '2024-06-15'::date, 1.0, 0.5, 15, 0.20),
    ('completed late, before asof',       '2024-06-30', '2024-07-10', '2024-07-15', 1.0, 1.0, 15, 0.20),
    ('completed on asof',                 '2024-06-30', '2024-06-15', '2024-06-15', 1.0, 0.9, 15, 0.20),
    ('completed after asof: still open',  '2024-06-30', '2024-07-10', '2024-07-05', 0.8, 1.0, 15, 0.20),
    ('one day past due',                  '2024-06-30', NULL, '2024-07-01', 0.9, 1.0, 15, 0.20),
    ('due today',                         '2024-06-30', NULL, '2024-06-30', 0.9, 1.0, 15, 0.20),
    ('due in 15 days (warning_days 15)',  '2024-06-30', NULL, '2024-06-15', 0.9, 0.9, 15, 0.20),
    ('due in 16 days',                    '2024-06-30', NULL, '2024-06-14', 0.9, 0.9, 15, 0.20),
    ('due in 16 days, warning_days 30',   '2024-06-30', NULL, '2024-06-14', 0.9, 0.9, 30, 0.20),
    ('lag exactly the threshold',         '2024-12-31', NULL, '2024-06-30', 0.30, 0.50, 15, 0.20),
    ('lag just under the threshold',      '2024-12-31', NULL, '2024-06-30', 0.3001, 0.50, 15, 0.20),
    ('lag 0.3, threshold 0.5',            '2024-12-31', NULL, '2024-06-30', 0.20, 0.50, 15, 0.50),
    ('ahead of 序时进度',                 '2024-12-31', NULL, '2024-06-30', 0.80, 0.50, 15, 0.20),
    ('no progress figures: no lag test',  '2024-12-31', NULL, '2024-06-30', NULL, NULL, 15, 0.20),
    ('ongoing (no due date)',             NULL, NULL, '2024-06-30', 0.0, NULL, 15, 0.20),
    ('ongoing, completed',                NULL, '2024-05-01', '2024-06-30', 1.0, NULL, 15, 0.20),
    ('no asof',                           '2024-06-30', NULL, NULL, 0.5, 0.5, 15, 0.20)
  ) AS t(why, due, completed, asof, progress, expected, warn, lag);
-- the defaults are the office's defaults (warning_days 15, lag_threshold 0.20)
SELECT light('2024-06-30', NULL, '2024-06-15') AS due_in_15_days,
       light('2024-12-31', NULL, '2024-06-30', 0.3, 0.5) AS lagging_by_0_2;
-- infinite dates are refused as by due_state (22008, the value quoted)
SELECT * FROM testkit.try($$rectify.light('2024-06-30', NULL, 'infinity')$$);
SELECT * FROM testkit.try($$rectify.light('infinity', NULL, '2024-06-30')$$);
-- a bad warning_days is refused by due_state (22023)
SELECT * FROM testkit.try($$rectify.light('2024-06-30', NULL, '2024-06-01', warning_days => -1)$$);
-- IMMUTABLE and PARALLEL SAFE, and inlined: the plan calls due_state, not light
SELECT provolatile, proparallel, prosecdef FROM pg_proc WHERE oid = 'rectify.light'::regproc;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT rectify.light('2024-06-01'::date + n, NULL, '2024-06-30', p, 0.5) FROM generate_series(1, 2) n, CAST(0.1 * n AS numeric) p;
-- the enum sorts most urgent first
SELECT enum_range(NULL::light) AS lights;

-- ---------------------------------------------------------------------
-- The office.  Six items, one per light on 2024-06-30, in two counties:
-- 甲縣 (officer lt_olga) carries L-RED, L-YEL and L-BLUE; 乙区 (officer
-- lt_otto) L-LAG, L-GRN and L-DONE.
-- ---------------------------------------------------------------------
SELECT setup_roles('lt_admin', 'lt_officer', 'lt_verifier', 'lt_reader');
CREATE ROLE lt_adam LOGIN IN ROLE lt_admin;
CREATE ROLE lt_vera LOGIN IN ROLE lt_verifier;
CREATE ROLE lt_rita LOGIN IN ROLE lt_reader;
CREATE ROLE lt_olga LOGIN;
CREATE ROLE lt_otto LOGIN;
GRANT USAGE ON SCHEMA testkit TO lt_adam, lt_vera, lt_rita, lt_olga, lt_otto;

SET SESSION AUTHORIZATION lt_adam;
SELECT register_item('L-RED', '431127', '污水直排', '2024年3月31日', '2024-01-02', 'water') AS l_red,
       register_item('L-YEL', '431127', '扬尘污染', '2024年7月10日', '2024-01-02', 'air') AS l_yel,
       register_item('L-BLUE', '431127', '生态修复', '立行立改,持續推進', '2024-01-02', 'ecology') AS l_blue,
       register_item('L-LAG', '130602', '固废堆存', '2024年12月31日', '2024-01-02', 'solid_waste') AS l_lag,
       register_item('L-GRN', '130602', '林地占用', '2025年6月30日', '2024-01-02', 'ecology') AS l_grn,
       register_item('L-DONE', '130602', '油烟扰民', '2024年5月31日', '2024-01-02', 'air') AS l_done;
SELECT assign_unit(item(c), '甲縣人民政府') FROM unnest(ARRAY['L-RED', 'L-YEL', 'L-BLUE']) c;
SELECT assign_unit(item(c), '乙区人民政府') FROM unnest(ARRAY['L-LAG', 'L-GRN', 'L-DONE']) c;
RESET SESSION AUTHORIZATION;
SELECT bind_officer('lt_olga', '甲縣人民政府'), bind_officer('lt_otto', '乙区人民政府');

-- the officers report as the year goes
SET SESSION AUTHORIZATION lt_olga;
SELECT report_progress(item('L-RED'), 0.5, '2024-02-01'),
       report_progress(item('L-YEL'), 0.8, '2024-05-01');
SET SESSION AUTHORIZATION lt_otto;
SELECT report_progress(item('L-LAG'), 0.1, '2024-03-01'),
       report_progress(item('L-GRN'), 0.35, '2024-06-01'),
       report_progress(item('L-DONE'), 0.6, '2024-04-01');
SELECT advance(item('L-DONE'), 'completed', '2024-05-20');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The administrator's ledger on 2024-06-30: one item per light.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION lt_adam;
SELECT code, status, due_date, state, days_overdue, expected_progress, progress, light
  FROM ledger('2024-06-30') ORDER BY light, code;
-- the light of each item along the year: it is the light of that day
SELECT code, string_agg(format('%s %s', d, l.light), ', ' ORDER BY d) AS lights
  FROM unnest('{2024-02-15,2024-03-20,2024-04-01,2024-05-19,2024-05-20,2024-06-30,2024-07-01}'::date[]) d,
       LATERAL ledger(d) l
 GROUP BY code ORDER BY code;
-- overdue(): red, always
SELECT code, days_overdue, light FROM overdue('2024-06-30');
-- open_items (today's ledger) has the column too
SELECT code, light FROM open_items WHERE code = 'L-RED';
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- An officer sees the lights of its own unit's items only.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION lt_olga;
SELECT code, light FROM ledger('2024-06-30') ORDER BY code;
SELECT code, light FROM overdue('2024-06-30');
-- the scorecards are not for officers (42501)
SELECT state, message FROM testkit.try($$(SELECT count(*) FROM rectify.unit_scorecard('2024-06-30'))$$);
SET SESSION AUTHORIZATION lt_otto;
SELECT code, light FROM ledger('2024-06-30') ORDER BY code;
-- lagging: a new report catches up with 序时进度 and the light turns green
SELECT report_progress(item('L-LAG'), 0.5, '2024-07-01');
SELECT d, l.expected_progress, l.progress, l.light
  FROM unnest('{2024-06-30,2024-07-01}'::date[]) d, LATERAL ledger(d) l WHERE l.code = 'L-LAG';
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The verifier's scorecards: items by light, per unit and per region;
-- closed + red + yellow + green + blue = items.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION lt_vera;
SELECT code, state, score, light FROM item_scores('2024-06-30') ORDER BY code;
SELECT unit, items, closed, red, yellow, green, blue,
       closed + red + yellow + green + blue = items AS adds_up, open_overdue = red AS red_is_open_overdue
  FROM unit_scorecard('2024-06-30') ORDER BY unit;
SELECT region, region_name, items, closed, red, yellow, green, blue
  FROM region_scorecard('2024-06-30', 'county') ORDER BY region;
SELECT region, items, closed, red, yellow, green, blue
  FROM region_scorecard('2024-06-30', 'province') ORDER BY region;
-- the ledger and the scoring agree on every item and every day
SELECT count(*) AS disagreements
  FROM generate_series('2024-01-02'::date, '2024-12-31', '1 day') d,
       LATERAL (SELECT l.code, l.light FROM ledger(d::date) l
                EXCEPT SELECT s.code, s.light FROM item_scores(d::date) s) x;
-- bad input: as before, 22023 with the value quoted and a hint
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.unit_scorecard('infinity'))$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The BI reader: the views, for the session's date.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION lt_rita;
SET rectify.asof = '2024-06-30';
SELECT code, state, light FROM bi_items ORDER BY code;
SELECT unit, items, closed, red, yellow, green, blue FROM bi_unit_scorecard ORDER BY unit;
SELECT level, region_code, items, closed, red, yellow, green, blue
  FROM bi_region_scorecard ORDER BY level, region_code;
SET rectify.asof = '2024-05-19';
SELECT light, count(*) FROM bi_items GROUP BY light ORDER BY light;
RESET rectify.asof;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The office's thresholds: a wider warning window and a looser lag
-- threshold, through set_setting (administrators), then the defaults.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION lt_adam;
SELECT set_setting('warning_days', '30');
SELECT code, light FROM ledger('2024-06-15') WHERE code IN ('L-YEL', 'L-LAG') ORDER BY code;
SELECT set_setting('lag_threshold', '0.5');
SELECT code, light FROM ledger('2024-06-15') WHERE code IN ('L-YEL', 'L-LAG') ORDER BY code;
SELECT set_setting('warning_days', NULL), set_setting('lag_threshold', NULL);
SELECT code, light FROM ledger('2024-06-15') WHERE code IN ('L-YEL', 'L-LAG') ORDER BY code;
RESET SESSION AUTHORIZATION;
-- an officer may not change them (42501)
SET SESSION AUTHORIZATION lt_olga;
SELECT state FROM testkit.try($$rectify.set_setting('warning_days', '30')$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- A fact typed in late and dated back changes the light of its date as
-- known now, not as known at the moment a report was published.
-- ---------------------------------------------------------------------
SELECT now() AS published \gset
SELECT pg_sleep(0.01);
SET SESSION AUTHORIZATION lt_olga;
SELECT advance(item('L-YEL'), 'completed', '2024-06-28');
RESET SESSION AUTHORIZATION;
SELECT 'as published' AS answer, code, light FROM ledger('2024-06-30', :'published') WHERE code = 'L-YEL'
UNION ALL
SELECT 'as known now', code, light FROM ledger('2024-06-30') WHERE code = 'L-YEL';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
