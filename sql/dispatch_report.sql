-- The monthly dispatch report (rectify.dispatch_report): a small office in
-- two counties, reported for June 2024 by its administrator and by one of
-- its officers.  The HTML is not compared whole: the figures are read out
-- of it and compared with the same SQL functions for the same date.
CALL testkit.fresh_rectify();

-- html_escape: the five characters, NULL in NULL out
SELECT html_escape($$a&b<c>"d"'e'$$) AS escaped, html_escape(NULL) IS NULL AS null_in_null_out,
       provolatile FROM pg_proc WHERE oid = 'rectify.html_escape'::regproc;

SELECT setup_roles('dr_admin', 'dr_officer', 'dr_verifier', NULL);
CREATE ROLE dr_adam LOGIN IN ROLE dr_admin;
CREATE ROLE dr_vera LOGIN IN ROLE dr_verifier;
CREATE ROLE dr_olga LOGIN;
CREATE ROLE dr_otto LOGIN;
GRANT USAGE ON SCHEMA testkit TO dr_adam, dr_vera, dr_olga, dr_otto;

-- the figures of a report: each id="fig-…" and id="prev-…", and the
-- numbers of each bar chart (section, whole label as escaped, value) and the
-- codes of the ten most overdue items
CREATE FUNCTION dr_figures(h text) RETURNS TABLE (figure text, value integer)
  LANGUAGE sql IMMUTABLE BEGIN ATOMIC
  SELECT m[1] || '-' || m[2], m[3]::integer
    FROM regexp_matches(h, 'id="(fig|prev)-([a-z]+)">([0-9]+)<', 'g') m;
END;
CREATE FUNCTION dr_bars(h text, section text) RETURNS TABLE (n bigint, label text, value integer)
  LANGUAGE sql IMMUTABLE BEGIN ATOMIC
  SELECT b.n, b.m[1], b.m[2]::integer
    FROM regexp_matches(substring(h FROM '<section id="' || section || '">.*?</section>'),
                        '<title>([^<]*)</title><text[^>]*>[^<]*</text><rect[^>]*/><text[^>]*>([0-9]+)<', 'g')
         WITH ORDINALITY b(m, n);
END;
CREATE FUNCTION dr_top(h text) RETURNS TABLE (n bigint, code text)
  LANGUAGE sql IMMUTABLE BEGIN ATOMIC
  SELECT b.n, b.m[1]
    FROM regexp_matches(substring(h FROM '<section id="top-overdue">.*?</section>'),
                        '<tr><td>([^<]*)</td>', 'g') WITH ORDINALITY b(m, n);
END;
-- the rows of the quality-indicator table: the row's class and its ten
-- cells as written (escaped)
CREATE FUNCTION dr_quality(h text) RETURNS TABLE (n bigint, cells text[])
  LANGUAGE sql IMMUTABLE BEGIN ATOMIC
  SELECT b.n, b.m
    FROM regexp_matches(substring(h FROM '<section id="quality">.*?</section>'),
                        '<tr class="([a-z]+)"><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td class="n">([^<]*)</td>'
                        '<td>([^<]*)</td><td class="n">([^<]*)</td><td class="[a-z]+">([^<]*)</td>'
                        '<td class="n">([^<]*)</td><td class="n">([^<]*)</td><td>([^<]*)</td></tr>', 'g')
         WITH ORDINALITY b(m, n);
END;
-- the same cells from indicator_attainment(year), in its order, for the
-- rows in a region (NULL: all)
CREATE FUNCTION dr_quality_direct(year integer, region rectify.region) RETURNS TABLE (n bigint, indicator text, cells text[])
  LANGUAGE sql STABLE BEGIN ATOMIC
  SELECT row_number() OVER (ORDER BY a.ordinality), a.indicator,
         ARRAY[CASE WHEN a.met THEN 'met' WHEN NOT a.met THEN 'notmet' ELSE 'nodata' END,
               rectify.html_escape(coalesce(a.region_name, a.region::text)),
               rectify.html_escape(a.indicator_name), coalesce(a.period, '–'), coalesce(a.value::text, '–'),
               rectify.html_escape(a.unit),
               rectify.html_escape(coalesce(CASE a.comparator WHEN '<=' THEN '≤' WHEN '>=' THEN '≥'
                                                 ELSE a.comparator END || ' ' || a.target, '–')),
               CASE WHEN a.met THEN '✓ 达标 met' WHEN NOT a.met THEN '✗ 未达标 not met' ELSE '– 无数据 no data' END,
               coalesce(CASE WHEN a.yoy_change > 0 THEN '+' ELSE '' END || a.yoy_change, '–'),
               coalesce(CASE WHEN a.yoy_change_pct > 0 THEN '+' ELSE '' END || a.yoy_change_pct || '%', '–'),
               CASE WHEN a.improved THEN '改善 better' WHEN NOT a.improved THEN '变差 worse' ELSE '–' END]
    FROM rectify.indicator_attainment(year) WITH ORDINALITY a
   WHERE dr_quality_direct.region IS NULL OR a.region OPERATOR(rectify.<@) dr_quality_direct.region;
END;
-- the same figures straight from the SQL functions, for asof and the
-- previous month's last day
CREATE FUNCTION dr_direct(asof date, prev date) RETURNS TABLE (figure text, value integer)
  LANGUAGE sql STABLE BEGIN ATOMIC
  SELECT 'fig-items', count(*)::integer FROM rectify.ledger(asof)
  UNION ALL SELECT 'fig-open', count(*)::integer FROM rectify.ledger(asof) WHERE light <> 'closed'
  UNION ALL SELECT 'fig-overdue', count(*)::integer FROM rectify.overdue(asof)
  UNION ALL SELECT 'fig-closed', count(*)::integer FROM rectify.ledger(asof)
             WHERE closed_on BETWEEN date_trunc('month', asof)::date AND asof
  UNION ALL SELECT 'prev-items', count(*)::integer FROM rectify.ledger(prev)
  UNION ALL SELECT 'prev-open', count(*)::integer FROM rectify.ledger(prev) WHERE light <> 'closed'
  UNION ALL SELECT 'prev-overdue', count(*)::integer FROM rectify.overdue(prev)
  UNION ALL SELECT 'prev-closed', count(*)::integer FROM rectify.ledger(prev)
             WHERE closed_on BETWEEN date_trunc('month', prev)::date AND prev;
END;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC;

-- ---------------------------------------------------------------------
-- The office: 甲縣 (officer dr_olga) and 乙区, whose unit's name tries
-- to inject a script (officer dr_otto).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION dr_adam;
SELECT register_item('D-1', '431127', '污水直排', '2024年3月31日', '2024-01-02', 'water') IS NOT NULL AS d1,
       register_item('D-2', '431127', '扬尘污染', '2024年5月15日', '2024-01-02', 'air') IS NOT NULL AS d2,
       register_item('D-3', '431127', '垃圾渗滤液', '2024年6月20日', '2024-01-02', 'water') IS NOT NULL AS d3,
       register_item('D-4', '431127', '生态修复', '立行立改,持續推進', '2024-01-02', 'ecology') IS NOT NULL AS d4,
       register_item('D-5', '130602', '固废堆存', '2024年4月30日', '2024-01-02', 'solid_waste') IS NOT NULL AS d5,
       register_item('D-6', '130602', '林地占用', '2024年12月31日', '2024-01-02', 'ecology') IS NOT NULL AS d6,
       register_item('D-7', '130602', '油烟扰民', '2024年5月31日', '2024-01-02', 'air') IS NOT NULL AS d7,
       register_item('D-8', '130602', '噪声扰民', '2024年9月30日', '2024-06-05', 'other') IS NOT NULL AS d8;
SELECT count(assign_unit(item(c), '甲縣人民政府')) FROM unnest(ARRAY['D-1', 'D-2', 'D-3', 'D-4']) c;
SELECT count(assign_unit(item(c), '<script>alert("x")</script> & 乙区')) FROM unnest(ARRAY['D-5', 'D-6', 'D-7', 'D-8']) c;
SELECT advance(item('D-7'), s, d)
  FROM (VALUES ('completed'::item_status, date '2024-05-10'), ('preliminary_review', '2024-05-15'),
               ('public_notice', '2024-05-20'), ('applied', '2024-05-28')) AS v(s, d);
SELECT count(*) AS escalation_steps FROM escalate('2024-06-30');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION dr_vera;
SELECT advance(item('D-7'), 'verified', '2024-06-05'), advance(item('D-7'), 'closed', '2024-06-10');
RESET SESSION AUTHORIZATION;
SELECT bind_officer('dr_olga', '甲縣人民政府'), bind_officer('dr_otto', '<script>alert("x")</script> & 乙区');

-- ---------------------------------------------------------------------
-- The administrator's report for June 2024 (asof 2024-06-30).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION dr_adam;
CREATE TEMP TABLE adam_report AS SELECT dispatch_report('2024-06-15') AS h;
-- a page, with its date, self-contained: no script, no link, no network
SELECT h LIKE '<!DOCTYPE html>%</html>' AS whole_page,
       substring(h FROM 'id="asof">([0-9-]+)<') AS asof,
       h ~* '<script|<link|<img|https?://(?!www\.w3\.org/2000/svg)' AS fetches_or_runs,
       h LIKE '%@page { size: A4%' AS a4, h LIKE '%"WenQuanYi Zen Hei"%' AS cjk_fonts
  FROM adam_report;
-- the headline figures equal the SQL functions' for 2024-06-30 and 2024-05-31
SELECT d.figure, f.value AS in_report, d.value AS in_sql, f.value IS NOT DISTINCT FROM d.value AS same
  FROM dr_direct('2024-06-30', '2024-05-31') d LEFT JOIN adam_report r ON true
  LEFT JOIN LATERAL dr_figures(r.h) f ON f.figure = d.figure
 ORDER BY d.figure;
-- items by light and the escalation ladder: one bar per value, in order
SELECT b.label, b.value, b.value = coalesce(s.c, 0) AS same
  FROM adam_report r, dr_bars(r.h, 'by-light') b
  JOIN unnest(enum_range(NULL::light)) WITH ORDINALITY k(light, n) ON k.n = b.n
  LEFT JOIN (SELECT light, count(*)::integer c FROM ledger('2024-06-30') GROUP BY light) s USING (light)
 ORDER BY b.n;
SELECT b.label, b.value, b.value = coalesce(s.c, 0) AS same
  FROM adam_report r, dr_bars(r.h, 'ladder') b
  JOIN unnest(enum_range(NULL::escalation_level)) WITH ORDINALITY k(escalation_level, n) ON k.n = b.n
  LEFT JOIN (SELECT escalation_level, count(*)::integer c FROM ledger('2024-06-30')
              WHERE light <> 'closed' GROUP BY escalation_level) s USING (escalation_level)
 ORDER BY b.n;
SELECT count(*) AS states, sum(value) = (SELECT count(*) FROM ledger('2024-06-30')) AS all_items
  FROM adam_report r, dr_bars(r.h, 'by-state');
-- overdue by unit (names escaped) and by region
SELECT b.label, b.value, b.value = s.c AS same
  FROM adam_report r, dr_bars(r.h, 'overdue-by-unit') b
  LEFT JOIN (SELECT html_escape(u) AS label,
                    count(*)::integer c
               FROM overdue('2024-06-30'), string_to_table(primary_units, '; ') u GROUP BY 1) s USING (label)
 ORDER BY b.n;
SELECT b.label, b.value, b.value = s.c AS same
  FROM adam_report r, dr_bars(r.h, 'overdue-by-region') b
  LEFT JOIN (SELECT region_name(region) AS label, count(*)::integer c
               FROM overdue('2024-06-30') GROUP BY 1) s USING (label)
 ORDER BY b.n;
-- the ten most overdue: overdue()'s order
SELECT array_agg(code ORDER BY n) AS in_report,
       array_agg(code ORDER BY n) = (SELECT array_agg(code) FROM (SELECT code FROM overdue('2024-06-30') LIMIT 10) o) AS same
  FROM adam_report r, dr_top(r.h);
-- the unit ranking: every unit of the scorecard with items, the bottom flagged
SELECT unit, rank, bottom,
       strpos(h, format('%s <span class="flag">', html_escape(unit))) > 0 AS flagged_in_report
  FROM unit_scorecard('2024-06-30'), adam_report WHERE items > 0 ORDER BY rank, unit;
-- the ledger's text is escaped: the unit's name appears only escaped
SELECT strpos(h, '<script') AS raw_script,
       strpos(h, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 乙区') > 0 AS escaped_name
  FROM adam_report;
-- no reduction data, no quality indicators: the sections say so
SELECT h LIKE '%no reduction data this year%' AS no_reduction_data,
       h LIKE '%no quality indicators this year%' AS no_quality_data FROM adam_report;
-- a region: only its items
SELECT (SELECT value FROM dr_figures(dispatch_report('2024-06-01', '431127')) WHERE figure = 'fig-items') AS in_report,
       (SELECT count(*) FROM ledger('2024-06-30') WHERE region <@ '431127') AS in_sql;
-- May's report is May's: its figures are those of 2024-05-31
SELECT bool_and(f.value = d.value) AS may_same, count(*) AS figures
  FROM dr_figures(dispatch_report('2024-05-31')) f JOIN dr_direct('2024-05-31', '2024-04-30') d USING (figure);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Quality indicators against targets (环境质量指标), for the report's
-- year: the administrator records values and targets of 2024 (and a value
-- of 2023 for the year-on-year change, a target of 2023 that June 2024
-- does not show); PM2.5 in 431127 misses its target, the good-air-days
-- ratio and PM2.5 in 130602 meet theirs, the water target has no value.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION dr_adam;
INSERT INTO indicator_values (region, indicator, year, period, value, reported_change, reported_change_pct, source)
VALUES ('431127', 'pm25', 2023, 'H1', 43.0, NULL, NULL, 'test'),
       ('431127', 'pm25', 2024, 'H1', 42, NULL, NULL, 'test'),
       ('130602', 'good_days_ratio', 2024, 'H1', 83.5, NULL, 1.2, 'test'),
       ('130602', 'pm25', 2024, 'M05', 35.2, 0.4, NULL, 'test');
INSERT INTO indicator_targets (region, indicator, year, comparator, target, source)
VALUES ('431127', 'pm25', 2024, '<=', 36.8, 'test'),
       ('431127', 'pm25', 2023, '<=', 50, 'test'),
       ('130602', 'good_days_ratio', 2024, '>', 82.1, 'test'),
       ('130602', 'pm25', 2024, NULL, 36.8, 'test'),
       ('431127', 'water_good_ratio', 2024, '>=', 82.5, 'test');
CREATE TEMP TABLE adam_quality AS SELECT dispatch_report('2024-06-15') AS h;
-- every row of indicator_attainment(2024), in its order, cell by cell
SELECT d.n, q.cells[2] AS region, d.indicator, q.cells[4] AS period, q.cells[5] AS value, q.cells[7] AS target,
       q.cells[8] AS met, q.cells[9] AS yoy, q.cells[10] AS yoy_pct, q.cells[11] AS trend,
       q.cells IS NOT DISTINCT FROM d.cells AS same
  FROM dr_quality_direct(2024, NULL) d FULL JOIN (SELECT q.* FROM adam_quality r, dr_quality(r.h) q) q USING (n)
 ORDER BY n;
-- one met and one not met, as indicator_attainment says
SELECT indicator, region, period, value, comparator, target, met
  FROM indicator_attainment(2024) WHERE met IS NOT NULL ORDER BY region, indicator;
-- <= shows as ≤, > is escaped, the not-met row marked in words, not colour alone
SELECT strpos(q, '<= ') + strpos(q, '> 82.1') AS raw_comparator,
       strpos(q, '≤ 36.8') > 0 AS less_or_equal, strpos(q, '&gt; 82.1') > 0 AS escaped_comparator,
       q LIKE '%<tr class="notmet">%✗ 未达标 not met%' AS not_met_marked
  FROM (SELECT substring(h FROM '<section id="quality">.*?</section>') AS q FROM adam_quality) s;
-- a region: only its rows
SELECT array_agg(d.indicator ORDER BY d.n) AS in_sql,
       array_agg(d.indicator ORDER BY d.n) FILTER (WHERE q.cells IS NOT DISTINCT FROM d.cells) AS same_in_report,
       (SELECT count(*) FROM dr_quality(dispatch_report('2024-06-01', '431127'))) AS rows_in_report
  FROM dr_quality_direct(2024, '431127') d
  LEFT JOIN dr_quality(dispatch_report('2024-06-01', '431127')) q USING (n);
RESET SESSION AUTHORIZATION;
-- a verifier reads no indicator tables: the section says so
SET SESSION AUTHORIZATION dr_vera;
SELECT h LIKE '%quality indicators are shown to administrators only%' AS not_shown,
       substring(h FROM '<section id="quality">.*?</section>') LIKE '%<table%' AS table_shown
  FROM (SELECT dispatch_report('2024-06-01') AS h) r;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- An officer's report: its own items only, no ranking.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION dr_olga;
CREATE TEMP TABLE olga_report AS SELECT dispatch_report('2024-06-01') AS h;
SELECT d.figure, f.value AS in_report, d.value AS in_sql, f.value IS NOT DISTINCT FROM d.value AS same
  FROM dr_direct('2024-06-30', '2024-05-31') d LEFT JOIN olga_report r ON true
  LEFT JOIN LATERAL dr_figures(r.h) f ON f.figure = d.figure
 ORDER BY d.figure;
SELECT array_agg(code ORDER BY n) AS most_overdue,
       bool_and(code IN ('D-1', 'D-2', 'D-3', 'D-4')) AS only_own
  FROM olga_report r, dr_top(r.h);
SELECT strpos(h, '乙区') AS other_unit, strpos(h, 'D-5') AS other_item,
       h LIKE '%shown to administrators and verifiers only%' AS no_ranking
  FROM olga_report;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Bad input: 22023 with the value quoted and a hint.
-- ---------------------------------------------------------------------
SELECT * FROM testkit.try($$length(rectify.dispatch_report(NULL))$$);
SELECT * FROM testkit.try($$length(rectify.dispatch_report('infinity'))$$);
SELECT * FROM testkit.try($$length(rectify.dispatch_report('-infinity'))$$);
SELECT * FROM testkit.try($$length(rectify.dispatch_report('2999-01-01'))$$);

DROP FUNCTION dr_figures(text), dr_bars(text, text), dr_top(text), dr_direct(date, date),
              dr_quality(text), dr_quality_direct(integer, rectify.region);

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
