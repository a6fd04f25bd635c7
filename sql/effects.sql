-- Effects that can be measured (效果清单): an effect names an indicator,
-- a comparator and a target; effect_attainment(item, asof) compares it
-- with the latest value for the item's own region; verification (核查) of
-- an item whose measurable effects are not met (or not measured) is
-- refused with a hint naming them, unless an administrator overrode them,
-- with a reason, for that application.
CALL testkit.fresh_rectify();
CALL testkit.office('ef');  -- ef_adam, ef_vera, ef_olga, ef_otto
-- the office's own indicator (the owner adds to the catalogue)
INSERT INTO indicators (code, name, name_en, unit, better)
  VALUES ('urban_sewage_rate', '城市污水处理率', 'urban sewage treatment rate', '%', 'higher');

-- ---------------------------------------------------------------------
-- An administrator registers three items of 蓝山县 with their effects and
-- records indicator values.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ef_adam;
SELECT unit('蓝山县人民政府', '431127') AS u1;
SELECT register_item('E-1', '431127', '污水处理厂超负荷', '2025年6月30日', '2024-01-05') AS e1,
       register_item('E-2', '431127', '县城扬尘', '2025年6月30日', '2024-01-05') AS e2,
       register_item('E-3', '431127', '水源地保护', '2025年6月30日', '2024-01-05') AS e3;
SELECT assign_unit(item(c), '蓝山县人民政府', on_date => '2024-01-05') FROM unnest(ARRAY['E-1', 'E-2', 'E-3']) c;
INSERT INTO effects (item_id, description, indicator, comparator, target_value, measure_unit) VALUES
  (item('E-1'), '城市污水处理率达到96%', 'urban_sewage_rate', '>=', 96, '%'),
  (item('E-2'), 'PM2.5平均浓度降至35以下', 'pm25', NULL, 35, 'μg/m³'),
  (item('E-2'), '优良天数比率不低于90%', 'good_days_ratio', '>=', 90, '%'),
  (item('E-3'), '饮用水水源水质达标率100%', 'drinking_water_ratio', '=', 100, '%');
-- an effect without an indicator is not measurable and holds nothing back
INSERT INTO effects (item_id, description) VALUES (item('E-1'), '群众满意');
-- a comparator that is not one of the five, a measurable effect without a
-- target, a comparator without an indicator: refused (23514)
SELECT * FROM testkit.run($$INSERT INTO rectify.effects (item_id, description, indicator, comparator, target_value)
                             VALUES (rectify.item('E-1'), '错', 'pm25', '=>', 35)$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.effects (item_id, description, indicator)
                             VALUES (rectify.item('E-1'), '无目标', 'pm25')$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.effects (item_id, description, comparator, target_value)
                             VALUES (rectify.item('E-1'), '无指标', '>=', 1)$$);
SELECT * FROM testkit.run($$INSERT INTO rectify.effects (item_id, description, indicator, target_value)
                             VALUES (rectify.item('E-1'), '未知指标', 'no_such', 1)$$);
-- values: 蓝山县's own, and 湖南省's (a containing region, which does not count)
INSERT INTO indicator_values (region, indicator, year, period, value) VALUES
  ('431127', 'urban_sewage_rate', 2023, 'year', 93.1),
  ('431127', 'urban_sewage_rate', 2024, 'year', 96.4),
  ('431127', 'urban_sewage_rate', 2024, 'Q4', 95.0),
  ('431127', 'urban_sewage_rate', 2025, 'M01', 96.8),
  ('431127', 'pm25', 2024, 'year', 33),
  ('431127', 'good_days_ratio', 2024, 'year', 88.2),
  ('430000', 'drinking_water_ratio', 2024, 'year', 100);
RESET SESSION AUTHORIZATION;
SELECT bind_officer('ef_olga', '蓝山县人民政府');
SELECT unit('江华县人民政府', '431129') > 0 AS other_unit, bind_officer('ef_otto', '江华县人民政府') > 0 AS bound;

-- ---------------------------------------------------------------------
-- effect_attainment: the latest value whose period ended by asof; of
-- periods ending the same day the year wins over Q4; only the item's own
-- region counts (E-3 has no data although the province has a value).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ef_vera;
SELECT d AS asof, a.*
  FROM unnest('{2024-06-30,2024-12-31,2025-01-31,2025-03-01}'::date[]) d,
       LATERAL effect_attainment(item('E-1'), d) a ORDER BY d;
SELECT * FROM effect_attainment(item('E-2'), '2025-03-01');
SELECT * FROM effect_attainment(item('E-3'), '2025-03-01');
-- bad input: a date that is not a day (22023, quoting it), an item that
-- does not exist (P0002)
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.effect_attainment(rectify.item('E-1'), 'infinity'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.effect_attainment(999999, '2025-03-01'))$$);
RESET SESSION AUTHORIZATION;
-- an officer sees the effects of its own items; an officer of another
-- unit is refused (42501), as for an item that does not exist
SET SESSION AUTHORIZATION ef_olga;
SELECT effect_id, indicator, state FROM effect_attainment(item('E-1'), '2025-03-01');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_otto;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.effect_attainment(1, '2025-03-01'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.effect_attainment(999999, '2025-03-01'))$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The officer completes and applies all three items.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ef_olga;
SELECT c, advance(item(c), 'completed', '2025-01-10'), advance(item(c), 'preliminary_review', '2025-01-15'),
       advance(item(c), 'public_notice', '2025-01-20'), advance(item(c), 'applied', '2025-02-20')
  FROM unnest(ARRAY['E-1', 'E-2', 'E-3']) c;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Verification: E-1's effect is met (96.4 ≥ 96 for 2024), it passes.
-- E-2 (PM2.5 met, good days not) and E-3 (no data) are refused with
-- 23514, naming the unmet effects and the override; nothing changed.
-- ---------------------------------------------------------------------
SELECT count(*) AS events_before FROM events \gset
SET SESSION AUTHORIZATION ef_vera;
SELECT * FROM testkit.try($$rectify.advance(rectify.item('E-2'), 'verified', '2025-03-01')$$);
SELECT * FROM testkit.try($$rectify.advance(rectify.item('E-3'), 'verified', '2025-03-01')$$);
RESET SESSION AUTHORIZATION;
SELECT count(*) = :events_before AS nothing_recorded FROM events;
SELECT code, status, valid_from FROM items ORDER BY code;
SET SESSION AUTHORIZATION ef_vera;
SELECT advance(item('E-1'), 'verified', '2025-03-01');
-- the check uses the verification's own date: on 2024-12-30 the 2024
-- value did not count yet (the period had not ended) and E-1 was not met
SELECT state FROM effect_attainment(item('E-1'), '2024-12-30');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Overrides: an officer or a verifier cannot record one (42501); bad
-- input is 22023 quoting the value, with a hint; an item not applied has
-- nothing to override (23514).  Nothing recorded.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ef_olga;
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), '会议决定')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_vera;
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), '会议决定')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_adam;
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), '  ', '2025-03-02')$$);
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), NULL, '2025-03-02')$$);
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), '会议决定', '2099-01-01')$$);
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), '会议决定', '2025-02-19')$$);
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-2'), '会议决定', NULL)$$);
SELECT * FROM testkit.try($$rectify.override_effects(rectify.item('E-1'), '会议决定', '2025-03-02')$$);
SELECT count(*) AS overrides FROM effect_overrides;

-- the administrator overrides E-2 on 2025-03-02, with a reason
SELECT override_effects(item('E-2'), '2025年第3次整改办会议：优良天数受沙尘影响，同意核查', '2025-03-02') AS override_id;
SELECT i.code, o.reason, o.on_date, o.unmet, o.actor FROM effect_overrides o JOIN items i USING (item_id);
RESET SESSION AUTHORIZATION;
-- the verifier and the officer read it too (row-level security: the
-- officer its own items)
SET SESSION AUTHORIZATION ef_olga;
SELECT count(*) AS officer_sees FROM effect_overrides;
RESET SESSION AUTHORIZATION;

-- a verification dated before the override is still refused; on or after
-- it, it passes
SET SESSION AUTHORIZATION ef_vera;
SELECT state, message FROM testkit.try($$rectify.advance(rectify.item('E-2'), 'verified', '2025-03-01')$$);
SELECT advance(item('E-2'), 'verified', '2025-03-02');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- An override holds for one application: E-3 is overridden, sent back
-- and applied again; its next verification is refused again until its
-- value is recorded.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ef_adam;
SELECT override_effects(item('E-3'), '省厅同意以省级数据代替', '2025-03-02') > 0 AS overridden;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_vera;
SELECT advance(item('E-3'), 'in_progress', '2025-03-03', '材料不全');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_olga;
SELECT advance(item('E-3'), 'completed', '2025-03-10'), advance(item('E-3'), 'preliminary_review', '2025-03-10'),
       advance(item('E-3'), 'public_notice', '2025-03-10'), advance(item('E-3'), 'applied', '2025-03-10');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_vera;
SELECT state, message FROM testkit.try($$rectify.advance(rectify.item('E-3'), 'verified', '2025-03-11')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_adam;
INSERT INTO indicator_values (region, indicator, year, period, value)
  VALUES ('431127', 'drinking_water_ratio', 2025, 'M02', 100);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ef_vera;
SELECT advance(item('E-3'), 'verified', '2025-03-11');
RESET SESSION AUTHORIZATION;
SELECT code, status FROM items ORDER BY code;
SELECT i.code, e.happened_on, e.from_value, e.to_value, e.actor
  FROM events e JOIN items i USING (item_id)
 WHERE e.kind = 'status' AND e.to_value = 'verified' ORDER BY e.event_id;

-- clean up the cluster-wide roles
REVOKE USAGE ON SCHEMA testkit FROM ef_adam, ef_vera, ef_olga, ef_otto;
DROP OWNED BY ef_adam, ef_vera, ef_olga, ef_otto, ef_admin, ef_officer, ef_verifier;
DROP ROLE ef_adam, ef_vera, ef_olga, ef_otto, ef_admin, ef_officer, ef_verifier;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname LIKE 'ef\_%';

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
