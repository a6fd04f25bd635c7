-- Upgrades: install each released version, fill the ledger through that
-- version's API, update to the current default version, and check that
-- the data survived unchanged and the old API still works.
-- When a version is released, add it to the list below.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rectify CASCADE;
RESET client_min_messages;
SET search_path = public, rectify;
SET DateStyle = ISO, YMD;

SELECT default_version FROM pg_available_extensions WHERE name = 'rectify';

-- ------------------------------------------------------------------
-- From 0.1
-- ------------------------------------------------------------------
CREATE EXTENSION rectify VERSION '0.1';
SELECT register_item('YZ-03', '431100', '保护区范围调整', '2021年12月31日(長期堅持、防止反彈)。', '2021-08-31', 'ecology') AS a,
       register_item('YZ-13', '431127', '垃圾填埋场渗滤液', '2021年12月31日(長期堅持、防止反彈)。', '2021-08-31') AS b,
       register_item('YZ-01', '431100', '思想认识偏差', '立行立改,持續推進。', '2021-08-31') AS c;
SELECT assign_unit(1, '藍山縣委、縣政府'), assign_unit(1, '市林業局', 'lead_supervisor'),
       add_measure(1, '恢复保护区原有范围', '2021年10月底');
SELECT report_progress(1, 0.7, '2021-11-15'), advance(1, 'completed', '2021-12-28'),
       extend_deadline(2, '2022年6月30日', '市整改办', '跨冬季施工', '2021-12-15');
SELECT set_setting('warning_days', '10');
INSERT INTO regions (code, name) VALUES ('431127', '蓝山县');
CREATE TEMP TABLE before_update AS
  SELECT 'items' AS t, md5(string_agg(x::text, ';' ORDER BY x.item_id)) AS digest FROM items x
  UNION ALL SELECT 'events', md5(string_agg(x::text, ';' ORDER BY x.event_id)) FROM events x
  UNION ALL SELECT 'units', md5(string_agg(x::text, ';' ORDER BY x.unit_id)) FROM units x
  UNION ALL SELECT 'measures', md5(string_agg(x::text, ';' ORDER BY x.measure_id)) FROM measures x
  UNION ALL SELECT 'responsibilities', md5(string_agg(x::text, ';' ORDER BY x.item_id, x.unit_id, x.role)) FROM responsibilities x
  UNION ALL SELECT 'settings', md5(string_agg(x::text, ';')) FROM settings x
  UNION ALL SELECT 'regions (user rows)', md5(string_agg(x::text, ';' ORDER BY x.code)) FROM regions x WHERE NOT seeded
  UNION ALL SELECT 'ledger', md5(string_agg(l::text, ';' ORDER BY l.item_id)) FROM ledger('2022-07-15') l;

ALTER EXTENSION rectify UPDATE;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'rectify') AS at_default
  FROM pg_extension WHERE extname = 'rectify';

-- every table, the settings and the ledger's view of them are unchanged
SELECT b.t, b.digest = a.digest AS unchanged
  FROM before_update b
  JOIN (SELECT 'items' AS t, md5(string_agg(x::text, ';' ORDER BY x.item_id)) AS digest FROM items x
        UNION ALL SELECT 'events', md5(string_agg(x::text, ';' ORDER BY x.event_id)) FROM events x
        UNION ALL SELECT 'units', md5(string_agg(x::text, ';' ORDER BY x.unit_id)) FROM units x
        UNION ALL SELECT 'measures', md5(string_agg(x::text, ';' ORDER BY x.measure_id)) FROM measures x
        UNION ALL SELECT 'responsibilities', md5(string_agg(x::text, ';' ORDER BY x.item_id, x.unit_id, x.role)) FROM responsibilities x
        UNION ALL SELECT 'settings', md5(string_agg(x::text, ';')) FROM settings x
        UNION ALL SELECT 'regions (user rows)', md5(string_agg(x::text, ';' ORDER BY x.code)) FROM regions x WHERE NOT seeded
        UNION ALL SELECT 'ledger', md5(string_agg(l::text, ';' ORDER BY l.item_id)) FROM ledger('2022-07-15') l) a
    USING (t)
 ORDER BY b.t;

-- the 0.1 API still works on the updated extension
SELECT advance(1, 'preliminary_review', '2022-01-05'), report_progress(3, 0.2, '2022-01-05');
SELECT code, days_overdue FROM overdue('2022-07-15');
SELECT '2022年9月'::deadline AS deadline, '130602'::region <@ '130600' AS contained;
DROP EXTENSION rectify CASCADE;
CREATE EXTENSION rectify;
