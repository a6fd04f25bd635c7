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
-- Digests of the 0.1 columns (later versions may add columns).
CREATE FUNCTION pg_temp.digests_0_1() RETURNS TABLE (t text, digest text) LANGUAGE sql AS $$
  SELECT 'items', md5(string_agg(row(x.item_id, x.code, x.source, x.batch, x.region, x.category,
           x.problem, x.target, x.leader, x.deadline, x.deadline_text, x.assigned, x.due_date,
           x.original_deadline, x.original_due_date, x.status, x.progress, x.completed_on,
           x.closed_on, x.reopened_count)::text, ';' ORDER BY x.item_id)) FROM rectify.items x
  UNION ALL SELECT 'events', md5(string_agg(row(x.event_id, x.item_id, x.happened_on, x.recorded_at,
           x.actor, x.kind, x.from_value, x.to_value, x.reason, x.approved_by)::text, ';' ORDER BY x.event_id))
    FROM rectify.events x
  UNION ALL SELECT 'units', md5(string_agg(row(x.unit_id, x.name, x.region)::text, ';' ORDER BY x.unit_id)) FROM rectify.units x
  UNION ALL SELECT 'measures', md5(string_agg(row(x.measure_id, x.item_id, x.seq, x.description,
           x.deadline, x.completed_on)::text, ';' ORDER BY x.measure_id)) FROM rectify.measures x
  UNION ALL SELECT 'responsibilities', md5(string_agg(row(x.item_id, x.unit_id, x.role, x.seq)::text, ';'
           ORDER BY x.item_id, x.unit_id, x.role)) FROM rectify.responsibilities x
  UNION ALL SELECT 'settings', md5(string_agg(row(x.time_zone, x.warning_days, x.immediate_days)::text, ';'))
    FROM rectify.settings x
  UNION ALL SELECT 'regions (user rows)', md5(string_agg(row(x.code, x.name)::text, ';' ORDER BY x.code))
    FROM rectify.regions x WHERE NOT x.seeded
  UNION ALL SELECT 'ledger', md5(string_agg(row(l.item_id, l.state, l.days_overdue, l.due_date,
           l.expected_progress, l.primary_units)::text, ';' ORDER BY l.item_id)) FROM rectify.ledger('2022-07-15') l
$$;
CREATE TEMP TABLE before_update AS SELECT * FROM pg_temp.digests_0_1();

ALTER EXTENSION rectify UPDATE;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'rectify') AS at_default
  FROM pg_extension WHERE extname = 'rectify';

-- every table, the settings and the ledger's view of them are unchanged
SELECT b.t, b.digest = a.digest AS unchanged
  FROM before_update b JOIN pg_temp.digests_0_1() a USING (t)
 ORDER BY b.t;

-- the 0.1 API still works on the updated extension
SELECT advance(1, 'preliminary_review', '2022-01-05'), report_progress(3, 0.2, '2022-01-05');
SELECT code, days_overdue FROM overdue('2022-07-15');
SELECT '2022年9月'::deadline AS deadline, '130602'::region <@ '130600' AS contained;
-- a ledger made before 0.5 (scoring) is scored (levels and reopenings from its history)
SELECT unit, items, closed, closed_on_time, open_overdue, mean_score, max_level, rank, bottom
  FROM unit_scorecard('2022-07-15');

-- ------------------------------------------------------------------
-- From every other released version: install it, register an item and
-- record progress through that version's API, update, and check.
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.upgrade_from(v text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  item bigint;
  before text;
  after text;
BEGIN
  SET LOCAL client_min_messages = warning;
  DROP EXTENSION IF EXISTS rectify CASCADE;
  EXECUTE format('CREATE EXTENSION rectify VERSION %L', v);
  item := rectify.register_item('UP-' || v, '431100', '升级测试', '2021年12月31日(長期堅持、防止反彈)。', '2021-08-31');
  PERFORM rectify.report_progress(item, 0.5, '2021-10-01');
  SELECT row(i.code, i.deadline, i.due_date, i.status, i.progress)::text INTO before
    FROM rectify.items i WHERE i.item_id = item;
  ALTER EXTENSION rectify UPDATE;
  SELECT row(i.code, i.deadline, i.due_date, i.status, i.progress)::text INTO after
    FROM rectify.items i WHERE i.item_id = item;
  RETURN format('%s -> %s: item %s, %s events, overdue on 2022-01-15: %s', v,
                (SELECT extversion FROM pg_extension WHERE extname = 'rectify'),
                CASE WHEN before = after THEN 'unchanged' ELSE before || ' became ' || after END,
                (SELECT count(*) FROM rectify.events),
                (SELECT string_agg(o.code || ' ' || o.days_overdue, ', ') FROM rectify.overdue('2022-01-15') o));
END $$;
SELECT pg_temp.upgrade_from(v) FROM (VALUES ('0.2'), ('0.3'), ('0.4'), ('0.5'), ('0.6')) AS t(v);

DROP EXTENSION rectify CASCADE;
CREATE EXTENSION rectify;
