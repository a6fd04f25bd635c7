-- ------------------------------------------------------------------
-- The monthly dispatch report (一月一调度, 挂图作战): one self-contained
-- HTML page a leader reads, rebuilt for any past month.  Every figure is
-- computed here from the ledger's own functions (ledger, overdue,
-- unit_scorecard, reduction_progress, indicator_attainment) for one date,
-- asof: the month's last day, or today while the month is running.  It
-- runs as the caller, so row-level security applies: an officer's report
-- shows its items.
-- Every text that comes from the ledger goes through html_escape.
-- ------------------------------------------------------------------

CREATE FUNCTION rectify.html_escape(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
           t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');
COMMENT ON FUNCTION rectify.html_escape(text) IS
  'text made safe for HTML content and attribute values: & < > " and '' become character references';

-- A horizontal bar chart in SVG: one bar per label, its value written
-- after it.  The labels are escaped here; colours are the caller's.
CREATE FUNCTION rectify.report_bars(labels text[], vals integer[], colors text[] DEFAULT NULL)
  RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n integer := coalesce(array_length(labels, 1), 0);
  top integer := 1;
  bar_x constant integer := 190;
  bar_w constant integer := 420;
  row_h constant integer := 24;
  svg text;
  parts text[] := '{}';
  lbl text;
  w integer;
BEGIN
  IF n = 0 THEN
    RETURN '<p class="none">无 (none)</p>';
  END IF;
  FOR i IN 1 .. n LOOP
    top := greatest(top, coalesce(vals[i], 0));
  END LOOP;
  svg := format('<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="680" height="%s" viewBox="0 0 680 %s" role="img">',
                n * row_h + 4, n * row_h + 4);
  FOR i IN 1 .. n LOOP
    -- shortened to what fits 180 px: a CJK character is as wide as two
    -- Latin ones; the whole label stays in the bar's title
    lbl := coalesce(labels[i], '');
    IF char_length(lbl) + char_length(regexp_replace(lbl, '[\x01-\u2e7f]', '', 'g')) > 28 THEN
      WHILE char_length(lbl) + char_length(regexp_replace(lbl, '[\x01-\u2e7f]', '', 'g')) > 26 LOOP
        lbl := left(lbl, -1);
      END LOOP;
      lbl := lbl || '…';
    END IF;
    w := CASE WHEN coalesce(vals[i], 0) = 0 THEN 0 ELSE greatest(2, round(bar_w * vals[i]::numeric / top)::integer) END;
    -- appended to an array and joined once: growing one text bar by bar
    -- copies it each time (seconds for the thousands of units of a province)
    parts := parts || format(
      '<g><title>%s</title><text x="%s" y="%s" text-anchor="end" class="lbl">%s</text>'
      '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>'
      '<text x="%s" y="%s" class="val">%s</text></g>',
      rectify.html_escape(coalesce(labels[i], '')), bar_x - 8, (i - 1) * row_h + 17, rectify.html_escape(lbl),
      bar_x, (i - 1) * row_h + 4, w, row_h - 8,
      coalesce(rectify.html_escape(colors[i]), '#c0392b'),
      bar_x + w + 6, (i - 1) * row_h + 17, coalesce(vals[i], 0));
  END LOOP;
  RETURN svg || array_to_string(parts, '') || '</svg>';
END $$;
COMMENT ON FUNCTION rectify.report_bars(text[], integer[], text[]) IS
  'internal: an inline SVG horizontal bar chart, one escaped label and value per bar (dispatch_report)';

CREATE FUNCTION rectify.dispatch_report(month date, region rectify.region DEFAULT NULL)
  RETURNS text
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  today date := rectify.today();
  m0 date;          -- the month's first day
  asof date;        -- the month's last day, or today in the running month
  prev date;        -- the previous month's last day
  p0 date;
  cur_items integer;
  cur_open integer;
  cur_closed integer;
  old_items integer;
  old_open integer;
  old_closed integer;
  html text;
  sect text;
  r record;
  labels text[];
  vals integer[];
  colors text[];
  rows text;
  place text;
  now_overdue integer;
  prev_overdue integer;
  light_counts jsonb;
  state_counts jsonb;
  level_counts jsonb;
  unit_labels text[];
  unit_vals integer[];
  region_labels text[];
  region_vals integer[];
  o_ids bigint[];   -- the overdue items of asof, one array per column
  o_codes text[];
  o_regions rectify.region[];
  o_dues date[];
  o_days integer[];
  o_progress numeric[];
  o_units text[];
  light_label constant jsonb := '{"red":"红灯 逾期","yellow":"黄灯 预警","green":"绿灯 正常","blue":"蓝灯 持续推进","closed":"已完成"}';
  light_color constant jsonb := '{"red":"#d62728","yellow":"#e6a800","green":"#2ca02c","blue":"#1f77b4","closed":"#9e9e9e"}';
  state_label constant jsonb := '{"not_due":"未到期","due_soon":"临期预警","due_today":"今日到期","overdue":"逾期","closed_on_time":"按期完成","closed_late":"逾期完成","ongoing":"持续推进"}';
  level_label constant jsonb := '{"none":"未处置","notice":"函告","warning":"警示","circular":"通报","supervision":"督办","listed_supervision":"挂牌督办","summons":"约谈","approval_freeze":"区域限批","accountability":"移交问责"}';
BEGIN
  PERFORM rectify.require_date(month, 'month',
    'Give a day of the month to report, such as 2024-06-01.');
  m0 := date_trunc('month', month)::date;
  IF m0 > today THEN
    RAISE EXCEPTION 'month % has not begun', to_char(m0, 'YYYY-MM')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a month up to the current one (rectify.today()).';
  END IF;
  asof := least((m0 + interval '1 month' - interval '1 day')::date, today);
  prev := m0 - 1;
  p0 := date_trunc('month', prev)::date;
  place := CASE WHEN dispatch_report.region IS NULL THEN '全部地区'
                ELSE coalesce(rectify.region_name(dispatch_report.region), '') || ' ' || dispatch_report.region::text END;

  -- One pass over the ledger of each date; every figure below comes from
  -- it (the overdue list is the ledger's overdue rows).  The ledger's
  -- columns are expressions: the subquery (OFFSET 0) computes each once
  -- per item, and every count is a plain aggregate of that one scan (no
  -- grouping, no materialising of every item, which spilled to disk on
  -- the benchmark's million items); only the overdue rows are kept, as
  -- arrays.
  SELECT count(*)::integer,
         count(*) FILTER (WHERE l.light <> 'closed')::integer,
         count(*) FILTER (WHERE l.closed_on BETWEEN m0 AND asof)::integer,
         jsonb_build_object(
           'red', count(*) FILTER (WHERE l.light = 'red'),
           'yellow', count(*) FILTER (WHERE l.light = 'yellow'),
           'green', count(*) FILTER (WHERE l.light = 'green'),
           'blue', count(*) FILTER (WHERE l.light = 'blue'),
           'closed', count(*) FILTER (WHERE l.light = 'closed')),
         jsonb_build_object(
           'not_due', count(*) FILTER (WHERE l.state = 'not_due'),
           'due_soon', count(*) FILTER (WHERE l.state = 'due_soon'),
           'due_today', count(*) FILTER (WHERE l.state = 'due_today'),
           'overdue', count(*) FILTER (WHERE l.overdue),
           'closed_on_time', count(*) FILTER (WHERE l.state = 'closed_on_time'),
           'closed_late', count(*) FILTER (WHERE l.state = 'closed_late'),
           'ongoing', count(*) FILTER (WHERE l.state = 'ongoing')),
         -- the ladder counts open items only
         jsonb_build_object(
           'none', count(*) FILTER (WHERE l.open_level = 'none'),
           'notice', count(*) FILTER (WHERE l.open_level = 'notice'),
           'warning', count(*) FILTER (WHERE l.open_level = 'warning'),
           'circular', count(*) FILTER (WHERE l.open_level = 'circular'),
           'supervision', count(*) FILTER (WHERE l.open_level = 'supervision'),
           'listed_supervision', count(*) FILTER (WHERE l.open_level = 'listed_supervision'),
           'summons', count(*) FILTER (WHERE l.open_level = 'summons'),
           'approval_freeze', count(*) FILTER (WHERE l.open_level = 'approval_freeze'),
           'accountability', count(*) FILTER (WHERE l.open_level = 'accountability')),
         coalesce(array_agg(l.item_id) FILTER (WHERE l.overdue), '{}'),
         array_agg(l.code) FILTER (WHERE l.overdue),
         array_agg(l.region) FILTER (WHERE l.overdue),
         array_agg(l.due_date) FILTER (WHERE l.overdue),
         array_agg(l.days_overdue) FILTER (WHERE l.overdue),
         array_agg(l.progress) FILTER (WHERE l.overdue)
    INTO cur_items, cur_open, cur_closed, light_counts, state_counts, level_counts,
         o_ids, o_codes, o_regions, o_dues, o_days, o_progress
    FROM (SELECT x.item_id, x.code, x.region, x.state, x.light, x.closed_on,
                 CASE WHEN x.light <> 'closed' THEN x.escalation_level END AS open_level,
                 x.state = 'overdue' AS overdue, x.due_date, x.days_overdue, x.progress
            FROM rectify.ledger(asof) x
           WHERE dispatch_report.region IS NULL OR x.region OPERATOR(rectify.<@) dispatch_report.region
          OFFSET 0) l;
  -- every item counted under one light and one state: a value added to
  -- either type must be added above
  ASSERT (SELECT sum(j.v::integer) FROM jsonb_each_text(light_counts) j(k, v)) = cur_items
     AND (SELECT sum(j.v::integer) FROM jsonb_each_text(state_counts) j(k, v)) = cur_items,
    'dispatch_report: an item of no known light or state';
  now_overdue := cardinality(o_ids);
  -- the overdue items' primary units, as ledger(asof) names them (its
  -- primary_units), looked up for all of them at once: one join instead
  -- of a subquery per item.  EXECUTE plans it for the number of items.
  EXECUTE $q$
    SELECT array_agg(p.units ORDER BY o.n)
      FROM unnest($1) WITH ORDINALITY o(item_id, n)
      LEFT JOIN (SELECT r.item_id, string_agg(u.name, '; ' ORDER BY r.seq) AS units
                   FROM rectify.responsibilities_at($2) r JOIN rectify.units u USING (unit_id)
                  WHERE r.role = 'primary' AND r.item_id = ANY ($1)
                  GROUP BY r.item_id) p USING (item_id)$q$
    INTO o_units USING o_ids, asof;
  WITH o AS (
    SELECT * FROM unnest(o_ids, o_codes, o_regions, o_dues, o_days, o_progress, o_units)
                    u(item_id, code, region, due_date, days_overdue, progress, primary_units)),
  -- region names once per region, not per item
  by_region AS (SELECT coalesce(rectify.region_name(g.region), g.region::text) AS name, sum(g.n)::integer AS n
          FROM (SELECT o.region, count(*) AS n FROM o GROUP BY o.region) g GROUP BY 1),
  -- an item with two primary units counts for each
  by_unit AS (SELECT u AS name, count(*)::integer AS n
          FROM o, LATERAL string_to_table(coalesce(o.primary_units, '(未明确责任单位)'), '; ') u GROUP BY u)
  SELECT (SELECT array_agg(b.name ORDER BY b.n DESC, b.name) FROM by_unit b),
         (SELECT array_agg(b.n ORDER BY b.n DESC, b.name) FROM by_unit b),
         (SELECT array_agg(b.name ORDER BY b.n DESC, b.name) FROM by_region b),
         (SELECT array_agg(b.n ORDER BY b.n DESC, b.name) FROM by_region b),
         (SELECT string_agg(format('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td></tr>',
                                   rectify.html_escape(t.code),
                                   rectify.html_escape(coalesce(rectify.region_name(t.region), t.region::text)),
                                   rectify.html_escape(coalesce(t.primary_units, '')),
                                   t.due_date, t.days_overdue,
                                   coalesce(round(t.progress * 100)::text || '%', '')), '' ORDER BY t.days_overdue DESC, t.code)
            FROM (SELECT * FROM o ORDER BY o.days_overdue DESC, o.code LIMIT 10) t)
    INTO unit_labels, unit_vals, region_labels, region_vals, rows;
  SELECT count(*)::integer,
         count(*) FILTER (WHERE l.light <> 'closed')::integer,
         count(*) FILTER (WHERE l.closed_on BETWEEN p0 AND prev)::integer,
         count(*) FILTER (WHERE l.state = 'overdue')::integer
    INTO old_items, old_open, old_closed, prev_overdue
    FROM rectify.ledger(prev) l
   WHERE dispatch_report.region IS NULL OR l.region OPERATOR(rectify.<@) dispatch_report.region;

  html := format($h$<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>整改调度月报 %1$s</title>
<style>
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #222;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  font-size: 10.5pt; line-height: 1.45; }
.page { width: 186mm; margin: 0 auto; padding: 6mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; color: #8b0000; border-bottom: 2px solid #8b0000; padding-bottom: 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-left: 2mm; border-left: 4px solid #8b0000; break-after: avoid; }
.meta { color: #555; font-size: 9.5pt; }
.kpis { display: flex; gap: 3mm; margin-top: 4mm; }
.kpi { flex: 1; border: 1px solid #ccc; border-radius: 2mm; padding: 2mm 3mm; }
.kpi .k { font-size: 9pt; color: #555; }
.kpi .v { font-size: 22pt; font-weight: bold; }
.kpi.bad .v { color: #d62728; }
.kpi .d { font-size: 8.5pt; color: #555; }
svg.bars { max-width: 100%%; height: auto; }
svg text { font-family: inherit; font-size: 12px; fill: #222; }
table { border-collapse: collapse; width: 100%%; font-size: 9pt; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #f1e6e6; }
td.n { text-align: right; }
tr.bottom td { background: #fde3e3; }
tr.notmet td { background: #fde3e3; }
td.notmet { color: #b00000; font-weight: bold; }
.flag { color: #fff; background: #d62728; border-radius: 1mm; padding: 0 1mm; font-size: 8pt; }
.none, .note { color: #777; font-style: italic; }
section { break-inside: avoid; }
@media print { .page { width: auto; padding: 0; } }
</style></head>
<body><div class="page">
<h1>生态环境问题整改调度月报</h1>
<div class="meta">月份 Month: <b id="month">%1$s</b> · 数据截至 As of: <b id="asof">%2$s</b> · 范围 Region: <b>%3$s</b> · 对比 Compared with: %4$s</div>
<div class="kpis">
%5$s%6$s%7$s%8$s
</div>
$h$,
    to_char(m0, 'YYYY-MM'), asof, rectify.html_escape(place), prev,
    rectify.report_kpi('items', '问题总数 Items', cur_items, old_items, false),
    rectify.report_kpi('open', '未完成 Open', cur_open, old_open, false),
    rectify.report_kpi('overdue', '逾期 Overdue', now_overdue, prev_overdue, true),
    rectify.report_kpi('closed', '本月销号 Closed this month', cur_closed, old_closed, false));

  -- by light and by deadline state
  SELECT array_agg(light_label ->> k::text ORDER BY k), array_agg(coalesce(c, 0) ORDER BY k),
         array_agg(light_color ->> k::text ORDER BY k)
    INTO labels, vals, colors
    FROM unnest(enum_range(NULL::rectify.light)) k
    LEFT JOIN LATERAL (SELECT (light_counts ->> k::text)::integer AS c) g ON true;
  html := html || '<section id="by-light"><h2>按灯色 Items by light</h2>'
               || rectify.report_bars(labels, vals, colors) || '</section>';
  SELECT array_agg(state_label ->> k::text ORDER BY k), array_agg(coalesce(c, 0) ORDER BY k),
         array_agg(CASE WHEN k IN ('overdue', 'closed_late') THEN '#d62728'
                        WHEN k IN ('due_soon', 'due_today') THEN '#e6a800'
                        WHEN k = 'closed_on_time' THEN '#9e9e9e'
                        WHEN k = 'ongoing' THEN '#1f77b4' ELSE '#2ca02c' END ORDER BY k)
    INTO labels, vals, colors
    FROM unnest(enum_range(NULL::rectify.deadline_state)) k
    LEFT JOIN LATERAL (SELECT (state_counts ->> k::text)::integer AS c) g ON true;
  html := html || '<section id="by-state"><h2>按期限状态 Items by state</h2>'
               || rectify.report_bars(labels, vals, colors) || '</section>';

  -- overdue items by unit and by region
  labels := unit_labels; vals := unit_vals;
  html := html || '<section id="overdue-by-unit"><h2>逾期问题 按责任单位 Overdue items by unit</h2>'
               || rectify.report_bars(labels, vals) || '</section>';
  labels := region_labels; vals := region_vals;
  html := html || '<section id="overdue-by-region"><h2>逾期问题 按地区 Overdue items by region</h2>'
               || rectify.report_bars(labels, vals) || '</section>';

  -- the escalation ladder: open items at each level
  SELECT array_agg((level_label ->> k::text) || ' ' || k::text ORDER BY k), array_agg(coalesce(c, 0) ORDER BY k),
         array_agg(CASE WHEN k = 'none' THEN '#9e9e9e' WHEN k <= 'circular' THEN '#e6a800' ELSE '#d62728' END ORDER BY k)
    INTO labels, vals, colors
    FROM unnest(enum_range(NULL::rectify.escalation_level)) k
    LEFT JOIN LATERAL (SELECT (level_counts ->> k::text)::integer AS c) g ON true;
  html := html || '<section id="ladder"><h2>督办升级阶梯 Escalation ladder (open items per level)</h2>'
               || rectify.report_bars(labels, vals, colors) || '</section>';

  -- the ten most overdue items (rows, from the pass above)
  html := html || '<section id="top-overdue"><h2>逾期最久的十项 The ten most overdue items</h2>'
               || rectify.report_table(ARRAY['问题编号 Code', '地区 Region', '责任单位 Units', '到期日 Due', '逾期天数 Days', '进度 Progress'],
                                  rows, '无逾期问题 (none overdue)')
               || '</section>';

  -- 考核: the unit ranking, the bottom flagged
  BEGIN
    SELECT string_agg(format('<tr%s><td class="n">%s</td><td>%s%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>',
                             CASE WHEN s.bottom THEN ' class="bottom"' ELSE '' END,
                             coalesce(s.rank::text, '–'), rectify.html_escape(s.unit),
                             CASE WHEN s.bottom THEN ' <span class="flag">末位 bottom</span>' ELSE '' END,
                             s.items, s.closed, s.open_overdue,
                             coalesce(round(s.on_time_rate * 100, 1)::text || '%', '–'),
                             coalesce(round(s.mean_score, 1)::text, '–')),
                      '' ORDER BY s.rank NULLS LAST, s.unit)
      INTO rows
      FROM rectify.unit_scorecard(asof) s
     WHERE s.items > 0
       AND (dispatch_report.region IS NULL OR s.unit_region OPERATOR(rectify.<@) dispatch_report.region);
    sect := rectify.report_table(ARRAY['名次 Rank', '责任单位 Unit', '问题 Items', '已销号 Closed', '逾期未完成 Open overdue', '按期率 On-time', '平均分 Score'],
                                  rows, '无 (none)');
  EXCEPTION WHEN insufficient_privilege THEN
    sect := '<p class="note">考核排名仅对管理和核查角色显示 (the ranking is shown to administrators and verifiers only)</p>';
  END;
  html := html || '<section id="ranking"><h2>责任单位考核排名 Unit ranking (考核)</h2>' || sect || '</section>';

  -- emission-reduction attainment for the year of asof
  BEGIN
    SELECT string_agg(format('<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>',
                             rectify.html_escape(coalesce(p.region_name, p.region::text)),
                             rectify.html_escape(p.pollutant),
                             rectify.html_escape(coalesce(p.net_reduction::text, '–')),
                             rectify.html_escape(coalesce(p.target::text, '–')),
                             coalesce(round(p.attainment_pct, 1)::text || '%', '–'),
                             CASE p.met WHEN true THEN '达标 met' WHEN false THEN '<b>未达标 not met</b>' ELSE '–' END),
                      '' ORDER BY p.region, p.pollutant)
      INTO rows
      FROM rectify.reduction_progress(extract(year FROM asof)::integer, dispatch_report.region) p;
    sect := rectify.report_table(ARRAY['地区 Region', '污染物 Pollutant', '净减排量 Net reduction', '目标 Target', '完成率 Attainment', ''],
                                  rows, '本年度无减排核算数据 (no reduction data this year)');
  EXCEPTION WHEN insufficient_privilege THEN
    sect := '<p class="note">减排核算仅对管理角色显示 (reduction accounting is shown to administrators only)</p>';
  END;
  html := html || format('<section id="reduction"><h2>%s年 减排目标完成情况 Emission-reduction attainment</h2>',
                         extract(year FROM asof)) || sect || '</section>';

  -- environmental-quality indicators against their targets, for the year
  -- of asof: every row of indicator_attainment (its order), the region's
  -- rows only when one is given
  BEGIN
    SELECT string_agg(format('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td>%s</td><td class="n">%s</td><td class="%s">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>',
                             CASE WHEN a.met THEN 'met' WHEN NOT a.met THEN 'notmet' ELSE 'nodata' END,
                             rectify.html_escape(coalesce(a.region_name, a.region::text)),
                             rectify.html_escape(coalesce(a.indicator_name, a.indicator)),
                             rectify.html_escape(coalesce(a.period, '–')),
                             rectify.html_escape(coalesce(a.value::text, '–')),
                             rectify.html_escape(a.unit),
                             -- ≤ and ≥ as a reader writes them; < and > escaped
                             rectify.html_escape(coalesce(CASE a.comparator WHEN '<=' THEN '≤' WHEN '>=' THEN '≥'
                                                                 ELSE a.comparator END || ' ' || a.target::text, '–')),
                             CASE WHEN a.met THEN 'met' WHEN NOT a.met THEN 'notmet' ELSE 'nodata' END,
                             CASE WHEN a.met THEN '✓ 达标 met' WHEN NOT a.met THEN '✗ 未达标 not met' ELSE '– 无数据 no data' END,
                             coalesce(CASE WHEN a.yoy_change > 0 THEN '+' ELSE '' END || a.yoy_change::text, '–'),
                             coalesce(CASE WHEN a.yoy_change_pct > 0 THEN '+' ELSE '' END || a.yoy_change_pct::text || '%', '–'),
                             CASE WHEN a.improved THEN '改善 better' WHEN NOT a.improved THEN '变差 worse' ELSE '–' END),
                      '' ORDER BY a.ordinality)
      INTO rows
      FROM rectify.indicator_attainment(extract(year FROM asof)::integer) WITH ORDINALITY a
     WHERE dispatch_report.region IS NULL OR a.region OPERATOR(rectify.<@) dispatch_report.region;
    sect := rectify.report_table(ARRAY['地区 Region', '指标 Indicator', '时段 Period', '数值 Value', '单位 Unit', '目标 Target', '达标 Met', '同比 YoY', '同比 YoY %', '趋势 Trend'],
                                  rows, '本年度无环境质量指标数据 (no quality indicators this year)');
  EXCEPTION WHEN insufficient_privilege THEN
    sect := '<p class="note">环境质量指标仅对管理角色显示 (quality indicators are shown to administrators only)</p>';
  END;
  html := html || format('<section id="quality"><h2>%s年 环境质量指标完成情况 Quality indicators against targets</h2>',
                         extract(year FROM asof)) || sect || '</section>';

  RETURN html || format('<p class="meta">由 rectify.dispatch_report(%L) 生成; 本页数据均为 %s 当日台账。</p></div></body></html>',
                        m0, asof);
END $$;
COMMENT ON FUNCTION rectify.dispatch_report(date, rectify.region) IS
  'the monthly dispatch report (一月一调度) as one self-contained HTML page (inline SVG and CSS, A4): headline figures against the previous month, items by light and state, overdue by unit and region, the escalation ladder, the ten most overdue items, the unit ranking, reduction attainment and the quality indicators against their targets for the year, all as of the month''s last day (today in the running month); as the caller';

-- A table of the report: its header cells and rows, or a line saying
-- there is nothing to show.
CREATE FUNCTION rectify.report_table(headers text[], rows text, empty text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN rows IS NULL THEN '<p class="none">' || empty || '</p>'
              ELSE '<table><tr>' || (SELECT string_agg('<th>' || h || '</th>', '' ORDER BY n)
                                       FROM unnest(headers) WITH ORDINALITY u(h, n))
                   || '</tr>' || rows || '</table>' END;
COMMENT ON FUNCTION rectify.report_table(text[], text, text) IS
  'internal: one table of rectify.dispatch_report (header cells, then rows), or the line empty when there are no rows';

-- One headline figure with its change from the previous month.
CREATE FUNCTION rectify.report_kpi(id text, label text, now_value integer, before integer, bad boolean)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN pg_catalog.format(
    '<div class="kpi%s"><div class="k">%s</div><div class="v" id="fig-%s">%s</div><div class="d">较上月 <span id="chg-%s">%s</span> (上月 <span id="prev-%s">%s</span>)</div></div>',
    CASE WHEN bad AND now_value > 0 THEN ' bad' ELSE '' END,
    rectify.html_escape(label), rectify.html_escape(id), now_value, rectify.html_escape(id),
    CASE WHEN now_value > before THEN '+' || (now_value - before)::text
         WHEN now_value < before THEN '−' || (before - now_value)::text ELSE '±0' END,
    rectify.html_escape(id), before);
COMMENT ON FUNCTION rectify.report_kpi(text, text, integer, integer, boolean) IS
  'internal: one headline figure of dispatch_report with its month-on-month change';
