-- Reduction accounting: projects, verification, base/increment/target
-- figures, rollup up the region hierarchy; quality indicators.
-- (quietly: an earlier test in the schedule may have created it)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rectify;
RESET client_min_messages;
SET search_path = public, rectify;
\set SHOW_CONTEXT never

-- Every accounting object carries a comment.
SELECT pg_describe_object(d.classid, d.objid, 0) AS uncommented
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rectify'
 WHERE d.deptype = 'e'
   AND pg_describe_object(d.classid, d.objid, 0)
       ~ '(emission|reduction|project|indicator|increment|amounts|tonnes|grams|pollutant)'
   AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)) IS NULL
 ORDER BY 1;

-- ------------------------------------------------------------------
-- Projects (shaped like seed 001: a Yongzhou county's structural and
-- pig-farm projects; the amounts are made up for the test)
-- ------------------------------------------------------------------
SELECT add_reduction_project('DX-2023-01', '新圩申国平爆竹纸厂关停', '431124', 2023, 'structural',
                             ARRAY['12.5 t COD', '0.8 t NH3-N']::emission[]) AS p1,
       add_reduction_project('DX-2023-02', '规模化养猪场污染治理(一)', '431124', 2023, 'engineering',
                             ARRAY['化学需氧量 85.2吨', '氨氮 9.6吨', '1.5 t SO2', '2.1 t NOx']::emission[]) AS p2,
       add_reduction_project('SP-2023-01', '规模化养猪场污染治理(二)', '431123', 2023, 'engineering',
                             ARRAY['40 t COD', '4.4 t NH3-N']::emission[]) AS p3,
       add_reduction_project('YZ-2023-01', '永州市污水处理厂提标', '431100', 2023, 'engineering',
                             ARRAY['300 t COD']::emission[]) AS p4,
       add_reduction_project('DX-2023-03', '畜禽养殖管理', '431124', 2023, 'management',
                             ARRAY['5 t COD']::emission[]) AS p5,
       add_reduction_project('BD-2023-01', '保定某热电厂超低排放', '130600', 2023, 'engineering',
                             ARRAY['120 t NOx']::emission[]) AS p6;
SELECT p.code, p.region, region_name(p.region), p.kind, p.status, a.pollutant, a.claimed, a.verified
  FROM reduction_projects p JOIN project_amounts a USING (project_id) ORDER BY p.code, a.pollutant;

-- Bad registrations change nothing
SELECT add_reduction_project('X-1', 'dup', '431124', 2023, 'structural', ARRAY['1 t COD', '2000 kg COD']::emission[]);
\echo :LAST_ERROR_SQLSTATE
SELECT add_reduction_project('X-2', 'negative', '431124', 2023, 'structural', ARRAY['-1 t COD']::emission[]);
\echo :LAST_ERROR_SQLSTATE
SELECT add_reduction_project('X-3', 'none', '431124', 2023, 'structural', ARRAY[]::emission[]);
\echo :LAST_ERROR_SQLSTATE
SELECT add_reduction_project('X-4', 'null', '431124', 2023, 'structural', ARRAY['1 t COD', NULL]::emission[]);
\echo :LAST_ERROR_SQLSTATE
SELECT add_reduction_project('DX-2023-01', 'same code', '431124', 2023, 'structural', ARRAY['1 t COD']::emission[]);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS projects FROM reduction_projects;

-- ------------------------------------------------------------------
-- Lifecycle and verification (核查)
-- ------------------------------------------------------------------
-- illegal moves: 23514, nothing changes
SELECT verify_project(1, ARRAY['12 t COD', '0.8 t NH3-N']::emission[], '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT set_project_status(1, 'verified', '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT set_project_status(999, 'in_progress', '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT set_project_status(1, 'in_progress', '2023-03-01'), set_project_status(1, 'completed', '2023-10-31');
SELECT set_project_status(1, 'planned', '2023-11-01');
\echo :LAST_ERROR_SQLSTATE
SELECT set_project_status(2, 'completed', '2023-09-30'), set_project_status(3, 'completed', '2023-11-15'),
       set_project_status(4, 'completed', '2023-12-01'), set_project_status(5, 'in_progress', '2023-05-01'),
       set_project_status(6, 'completed', '2023-08-31');

-- bad verifications: each refused, and the project stays as it was
SELECT verify_project(2, ARRAY['80 t COD', '9 t NH3-N', '1.5 t SO2']::emission[], '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT verify_project(2, ARRAY['80 t COD', '9 t NH3-N', '1.5 t SO2', '2 t NOx', '1 t TP']::emission[], '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT verify_project(2, ARRAY['90 t COD', '9 t NH3-N', '1.5 t SO2', '2 t NOx']::emission[], '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT verify_project(2, ARRAY['80 t COD', '-9 t NH3-N', '1.5 t SO2', '2 t NOx']::emission[], '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT verify_project(2, ARRAY['80 t COD', '9 t NH3-N', '1.5 t SO2', '2 t NOx']::emission[], '2023-09-01');
\echo :LAST_ERROR_SQLSTATE
SELECT verify_project(2, NULL, '2023-12-20');
\echo :LAST_ERROR_SQLSTATE
SELECT verify_project(2, ARRAY['80 t COD', '9 t NH3-N', '1.5 t SO2', '2 t NOx']::emission[], 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT code, status, verified_on FROM reduction_projects WHERE project_id = 2;
SELECT count(verified) AS verified_amounts FROM project_amounts WHERE project_id = 2;

-- good verifications: verified may be less than claimed, and 0 for none
SELECT verify_project(1, ARRAY['12.5 t COD', '0.8 t NH3-N']::emission[], '2023-12-20', '永州市生态环境局'),
       verify_project(2, ARRAY['80 t COD', '9 t NH3-N', '1.5 t SO2', '0 t NOx']::emission[], '2023-12-20', '永州市生态环境局'),
       verify_project(3, ARRAY['38.5 t COD', '4.4 t NH3-N']::emission[], '2023-12-21', '永州市生态环境局'),
       verify_project(4, ARRAY['300 t COD']::emission[], '2023-12-22', '湖南省生态环境厅');
SELECT verify_project(1, ARRAY['12.5 t COD', '0.8 t NH3-N']::emission[], '2023-12-30');
\echo :LAST_ERROR_SQLSTATE
SELECT set_project_status(1, 'in_progress', '2024-01-05');
\echo :LAST_ERROR_SQLSTATE

-- lifecycle columns are off limits to plain DML: no role is granted them,
-- not even an administrator (42501)
SELECT setup_roles('rt_a_admin', 'rt_a_officer', 'rt_a_verifier', NULL);
CREATE ROLE rt_a_adam IN ROLE rt_a_admin;
SET ROLE rt_a_adam;
UPDATE reduction_projects SET status = 'verified', verified_on = '2023-12-31' WHERE project_id = 5;
\echo :LAST_ERROR_SQLSTATE
UPDATE project_amounts SET verified = '5 t COD' WHERE project_id = 5;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP OWNED BY rt_a_adam, rt_a_admin, rt_a_officer, rt_a_verifier;
DROP ROLE rt_a_adam, rt_a_admin, rt_a_officer, rt_a_verifier;
-- verified projects are final, whoever asks
UPDATE project_amounts SET claimed = '13 t COD' WHERE project_id = 1 AND pollutant = 'COD';
\echo :LAST_ERROR_SQLSTATE
UPDATE reduction_projects SET region = '431123' WHERE project_id = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM reduction_projects WHERE project_id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a claim added to a verified project, a verified amount slipped into an
-- unverified one
INSERT INTO project_amounts (project_id, claimed) VALUES (1, '1 t TP');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO project_amounts (project_id, claimed, verified) VALUES (5, '1 t TP', '1 t TP');
\echo :LAST_ERROR_SQLSTATE
-- ... while unverified projects can still be edited and removed
UPDATE reduction_projects SET name = name || '(已调整)' WHERE project_id = 5;
UPDATE project_amounts SET claimed = '6 t COD' WHERE project_id = 5;
INSERT INTO project_amounts (project_id, claimed) VALUES (5, '0.4 t NH3-N');
SELECT add_reduction_project('TMP-1', 'to delete', '431124', 2023, 'management', ARRAY['1 t COD']::emission[]) AS tmp \gset
DELETE FROM reduction_projects WHERE project_id = :tmp;
SELECT p.code, p.status, p.completed_on, p.verified_on, p.verified_by, a.pollutant, a.claimed, a.verified
  FROM reduction_projects p JOIN project_amounts a USING (project_id) ORDER BY p.code, a.pollutant;

-- ------------------------------------------------------------------
-- Figures: base emissions, new increments, targets at several levels
-- ------------------------------------------------------------------
INSERT INTO base_emissions (region, year, amount, base_year) VALUES
  ('431124', 2023, '4200 t COD', 2020), ('431124', 2023, '520 t NH3-N', 2020),
  ('431123', 2023, '2100 t COD', 2020), ('431123', 2023, '260 t NH3-N', 2020),
  ('431124', 2023, '150 t SO2', 2020), ('431124', 2023, '310 t NOx', 2020),
  ('130600', 2023, '61000 t NOx', 2020);
INSERT INTO emission_increments (region, year, amount) VALUES
  ('431124', 2023, '30 t COD'), ('431124', 2023, '2.5 t NH3-N'), ('431124', 2023, '0.6 t NOx'),
  ('431123', 2023, '12 t COD'),
  ('130600', 2023, '40 t NOx');
-- A figure recorded for a region is its total.  Yongzhou records no base
-- or increment, so its counties' add up; it has its own COD target, which
-- overrides the sum of its counties' (60 + 25 t).  Hunan records nothing
-- and rolls up from Yongzhou.
INSERT INTO reduction_targets (region, year, amount) VALUES
  ('431124', 2023, '60 t COD'), ('431124', 2023, '6 t NH3-N'), ('431124', 2023, '1 t SO2'),
  ('431123', 2023, '25 t COD'), ('431123', 2023, '5 t NH3-N'),
  ('431100', 2023, '350 t COD'),
  ('130600', 2023, '100 t NOx');
INSERT INTO base_emissions (region, year, amount) VALUES ('431124', 2023, '-1 t COD');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO base_emissions (region, year, amount) VALUES ('431124', 2023, '1 t COD');
\echo :LAST_ERROR_SQLSTATE

-- ------------------------------------------------------------------
-- reduction_progress: rollup without double counting
-- ------------------------------------------------------------------
SELECT region, region_name, level, pollutant, projects AS n, verified_projects AS nv,
       claimed, verified, increment, net_reduction, base_emissions, net_rate_pct,
       target, attainment_pct, met
  FROM reduction_progress(2023) ORDER BY region, pollutant;
-- one prefecture and what lies under it; one county
SELECT region, level, pollutant, projects AS n, verified, increment, net_reduction, target, met
  FROM reduction_progress(2023, '431100') ORDER BY region, pollutant;
SELECT region, pollutant, claimed, verified, net_reduction, net_rate_pct, attainment_pct, met
  FROM reduction_progress(2023, '431124') ORDER BY pollutant;
-- each verified project counts once at every level: the province equals
-- the sum of its verified projects
SELECT r.pollutant, r.verified AS province_verified, s.projects_verified, r.verified = s.projects_verified AS same
  FROM reduction_progress(2023, '430000') r
  JOIN (SELECT a.pollutant, sum(a.verified) AS projects_verified
          FROM reduction_projects p JOIN project_amounts a USING (project_id)
         WHERE p.status = 'verified' AND p.year = 2023 AND p.region <@ '430000'
         GROUP BY 1) s USING (pollutant)
 WHERE r.region = '430000' ORDER BY 1;
-- other years and regions: nothing
SELECT count(*) FROM reduction_progress(2022);
SELECT count(*) FROM reduction_progress(2023, '340000');

-- ------------------------------------------------------------------
-- Quality indicators
-- ------------------------------------------------------------------
SELECT code, name, unit, better FROM indicators ORDER BY code;
INSERT INTO indicator_values (region, indicator, year, period, value, reported_change, reported_change_pct) VALUES
  ('130600', 'pm25', 2022, 'year', 60, NULL, NULL),
  ('130600', 'pm25', 2023, 'year', 54, NULL, NULL),           -- lower-better, met, improved from last year
  ('130600', 'good_days_ratio', 2023, 'year', 55.2, NULL, NULL), -- higher-better, exactly at a >= target
  ('130600', 'water_good_ratio', 2023, 'year', 44, 3, NULL),  -- higher-better, missed, reported +3
  ('130600', 'heavy_days', 2023, 'year', 12, NULL, 20),        -- lower-better, reported +20 %: worse
  ('130600', 'water_inferior_v_ratio', 2023, 'year', 0, NULL, NULL),
  ('130600', 'o3', 2023, 'H1', 180, -4, -2.2);                 -- no target
INSERT INTO indicator_targets (region, indicator, year, comparator, target) VALUES
  ('130600', 'pm25', 2023, NULL, 56),              -- NULL comparator: <= for lower-better
  ('130600', 'good_days_ratio', 2023, '>', 55.2),  -- strictly above: 55.2 misses
  ('130600', 'water_good_ratio', 2023, '>=', 45),
  ('130600', 'water_inferior_v_ratio', 2023, '=', 0),
  ('130600', 'heavy_days', 2023, NULL, 10),
  ('130600', 'rural_sewage_rate', 2023, '>=', 37); -- target without a value
SELECT region, indicator, better, period, value, comparator, target, met, margin,
       yoy_change, yoy_change_pct, improved
  FROM indicator_attainment(2023) ORDER BY region, indicator, period;
SELECT count(*) FROM indicator_attainment(2021);

-- bad input
INSERT INTO indicator_values (region, indicator, year, value) VALUES ('130600', 'noise', 2023, 55);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO indicator_values (region, indicator, year, period, value) VALUES ('130600', 'pm10', 2023, 'H3', 55);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO indicator_targets (region, indicator, year, comparator, target) VALUES ('130600', 'pm10', 2023, '~', 70);
\echo :LAST_ERROR_SQLSTATE

-- tables holding user data are dumped; seeded catalogue rows are not
SELECT c.relname, x.cond
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, cond)
  JOIN pg_class c ON c.oid = x.oid
 WHERE e.extname = 'rectify'
   AND c.relname ~ '(reduction|project|base_emissions|increments|indicator)'
 ORDER BY 1;
