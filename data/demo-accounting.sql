-- Demo: emission-reduction accounting and environmental-quality targets.
-- Run by scripts/demo.sh after CREATE EXTENSION (search_path includes
-- rectify) and after the sample ledger is loaded.
--
-- Quality figures are exactly those of the source documents:
--   seed 004  Anhui's 2024 work plan (安徽省2024年生态环境工作要点): targets
--   seed 002  Langfang's first-half 2024 results (廊坊市2024年上半年): values
--             with their year-on-year changes
--   seed 003  Baoding's 2020 rectification plan (保定市整改落实方案): targets
-- Seed 001 describes a Hunan county's reduction projects (four named
-- structural closures, a batch of large pig-farm treatment projects cutting
-- COD, NH3-N, SO2 and NOx) but prints every figure as "xx".  The projects
-- below follow that shape; their tonnages, base and targets are invented
-- for the demo and placed in Dao County (道县, 431124), Yongzhou, with one
-- project in neighbouring Shuangpai County (双牌县, 431123).
\set ON_ERROR_STOP on
\pset footer off

-- ------------------------------------------------------------------
-- Environmental-quality targets and values
-- ------------------------------------------------------------------
INSERT INTO indicator_targets (region, indicator, year, comparator, target, source) VALUES
  -- Anhui 2024: "PM2.5 平均浓度36.8微克/立方米以下, 优良天数比率高于82.1%;
  -- 水质优良(Ⅰ—Ⅲ类)比例82.5%以上, 劣V类比例保持为0; 农村生活污水治理率提高到37%以上"
  ('340000', 'pm25', 2024, '<=', 36.8, 'seed 004'),
  ('340000', 'good_days_ratio', 2024, '>', 82.1, 'seed 004'),
  ('340000', 'water_good_ratio', 2024, '>=', 82.5, 'seed 004'),
  ('340000', 'water_inferior_v_ratio', 2024, '=', 0, 'seed 004'),
  ('340000', 'rural_sewage_rate', 2024, '>=', 37, 'seed 004'),
  -- Baoding 2020: "PM2.5 ... 达到56微克/立方米, 优良天数比率达到55.2%,
  -- 水质优良(达到或优于Ⅲ类)的国省考水体断面比例达到45%"
  ('130600', 'pm25', 2020, '<=', 56, 'seed 003'),
  ('130600', 'good_days_ratio', 2020, '>=', 55.2, 'seed 003'),
  ('130600', 'water_good_ratio', 2020, '>=', 45, 'seed 003');

-- Langfang, first half of 2024: composite index 4.73 (down 3.1 %), PM2.5
-- 42 μg/m³ (down 2.3 %), 112 good days (2 more), 2 heavy-pollution days
-- (9 fewer), good water bodies 77.8 %.
INSERT INTO indicator_values (region, indicator, year, period, value,
                              reported_change, reported_change_pct, source) VALUES
  ('131000', 'aqi_composite', 2024, 'H1', 4.73, NULL, -3.1, 'seed 002'),
  ('131000', 'pm25', 2024, 'H1', 42, NULL, -2.3, 'seed 002'),
  ('131000', 'good_days', 2024, 'H1', 112, 2, NULL, 'seed 002'),
  ('131000', 'heavy_days', 2024, 'H1', 2, -9, NULL, 'seed 002'),
  ('131000', 'water_good_ratio', 2024, 'H1', 77.8, NULL, NULL, 'seed 002');

-- ------------------------------------------------------------------
-- Reduction projects of a county, shaped like seed 001 (figures invented)
-- ------------------------------------------------------------------
SELECT add_reduction_project('DX-JG-01', '新圩申国平爆竹纸厂关停', '431124', 2023, 'structural',
         ARRAY['18.6 t COD', '1.2 t NH3-N']::emission[]),
       add_reduction_project('DX-JG-02', '土市彭土明轧钢厂关停', '431124', 2023, 'structural',
         ARRAY['12.4 t SO2', '9.8 t NOx']::emission[],
         (SELECT item_id FROM items WHERE code = 'YZ-06')),
       add_reduction_project('DX-JG-03', '土市雷丰运轧钢厂关停', '431124', 2023, 'structural',
         ARRAY['10.1 t SO2', '8.3 t NOx']::emission[],
         (SELECT item_id FROM items WHERE code = 'YZ-06')),
       add_reduction_project('DX-JG-04', '总市大富头角钢厂关停', '431124', 2023, 'structural',
         ARRAY['6.5 t SO2', '5.2 t NOx']::emission[],
         (SELECT item_id FROM items WHERE code = 'YZ-06')),
       add_reduction_project('DX-GC-01', '规模化养猪场污染治理(第一批)', '431124', 2023, 'engineering',
         ARRAY['化学需氧量 146.5吨', '氨氮 21.3吨']::emission[]),
       add_reduction_project('DX-GC-02', '规模化养猪场污染治理(第二批)', '431124', 2023, 'engineering',
         ARRAY['化学需氧量 98.2吨', '氨氮 14.7吨']::emission[]),
       add_reduction_project('DX-GL-01', '畜禽养殖粪污资源化利用管理', '431124', 2023, 'management',
         ARRAY['35 t COD', '4.5 t NH3-N']::emission[]),
       -- a neighbouring county, so that Yongzhou adds up two counties
       add_reduction_project('SP-GC-01', '规模化养猪场污染治理', '431123', 2023, 'engineering',
         ARRAY['化学需氧量 64.8吨', '氨氮 8.1吨']::emission[]) \g /dev/null

-- Work done, then verification (核查): only verified amounts count.
SELECT set_project_status(project_id, 'completed', '2023-10-31')
  FROM reduction_projects
 WHERE code IN ('DX-JG-01', 'DX-JG-02', 'DX-JG-03', 'DX-JG-04', 'DX-GC-01', 'DX-GC-02', 'SP-GC-01') \g /dev/null
SELECT set_project_status(project_id, 'in_progress', '2023-06-01')
  FROM reduction_projects WHERE code = 'DX-GL-01' \g /dev/null
SELECT verify_project(project_id, v, '2023-12-15', '永州市生态环境局')
  FROM reduction_projects
  JOIN (VALUES ('DX-JG-01', ARRAY['18.6 t COD', '1.2 t NH3-N']::emission[]),
               ('DX-JG-02', ARRAY['12.4 t SO2', '9.8 t NOx']::emission[]),
               ('DX-JG-03', ARRAY['10.1 t SO2', '8.3 t NOx']::emission[]),
               ('DX-JG-04', ARRAY['6.5 t SO2', '5.2 t NOx']::emission[]),
               -- verification confirmed less than the first pig-farm batch claimed
               ('DX-GC-01', ARRAY['132.8 t COD', '19.6 t NH3-N']::emission[]),
               ('SP-GC-01', ARRAY['64.8 t COD', '7.6 t NH3-N']::emission[])) AS v(code, v) USING (code) \g /dev/null

INSERT INTO base_emissions (region, year, amount, base_year) VALUES
  ('431124', 2023, '5460 t COD', 2020), ('431124', 2023, '712 t NH3-N', 2020),
  ('431124', 2023, '1380 t SO2', 2020), ('431124', 2023, '1925 t NOx', 2020),
  ('431123', 2023, '2870 t COD', 2020), ('431123', 2023, '365 t NH3-N', 2020);
INSERT INTO emission_increments (region, year, amount) VALUES
  ('431124', 2023, '61.4 t COD'), ('431124', 2023, '7.9 t NH3-N'),
  ('431124', 2023, '3.2 t SO2'), ('431124', 2023, '6.7 t NOx'),
  ('431123', 2023, '22.5 t COD'), ('431123', 2023, '2.6 t NH3-N');
INSERT INTO reduction_targets (region, year, amount) VALUES
  ('431124', 2023, '95 t COD'), ('431124', 2023, '12 t NH3-N'),
  ('431124', 2023, '25 t SO2'), ('431124', 2023, '20 t NOx'),
  ('431123', 2023, '40 t COD'), ('431123', 2023, '5 t NH3-N');

-- ------------------------------------------------------------------
-- What the accounting office reads
-- ------------------------------------------------------------------
\echo
\echo '== reduction projects: claimed and verified (核查)'
SELECT p.code, p.name, p.kind, p.status, a.pollutant, a.claimed, a.verified
  FROM reduction_projects p JOIN project_amounts a USING (project_id)
 ORDER BY p.code, a.pollutant;

\echo '== reduction progress 2023, rolled up county → prefecture → province'
SELECT region, region_name, pollutant, projects, verified_projects AS verified_n,
       claimed, verified, increment, net_reduction, base_emissions AS base,
       net_rate_pct, target, attainment_pct, met
  FROM reduction_progress(2023)
 ORDER BY region, pollutant;

\echo '== environmental-quality attainment 2024 (Anhui targets, Langfang first-half values)'
SELECT region_name, indicator, unit, period, value, comparator, target, met,
       yoy_change, yoy_change_pct, improved
  FROM indicator_attainment(2024)
 ORDER BY region, indicator;

\echo '== environmental-quality targets 2020 (Baoding)'
SELECT region_name, indicator, unit, comparator, target, value, met
  FROM indicator_attainment(2020)
 ORDER BY region, indicator;
