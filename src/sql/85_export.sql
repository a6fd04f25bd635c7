-- ------------------------------------------------------------------
-- The ledger in the office's own layout (整改台账): one row per item,
-- Chinese column headings in the order the offices' tables use, values
-- in Chinese.  For \copy to a CSV that a spreadsheet opens (docs/export.md).
--
-- An invoker function: it reads the ledger, the measures, the
-- responsibilities and the events as the caller, so an officer exports
-- its own unit's items and nothing else.  Every figure is the state on
-- asof as known at known_at (rectify.ledger, rectify.measure_states,
-- rectify.responsibilities_at, the progress events), as in the reports.
-- ------------------------------------------------------------------

CREATE FUNCTION rectify.export_ledger(asof date DEFAULT rectify.today(),
                                      region rectify.region DEFAULT NULL,
                                      known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE ("序号" bigint, "问题编号" text, "问题描述" text, "整改目标" text,
                 "整改措施" text, "责任单位" text, "牵头督导单位" text, "配合督导单位" text,
                 "督导领导" text, "整改时限" text, "到期日" date, "整改进展" text,
                 "状态" text, "灯" text, "逾期天数" integer, "督办等级" text, "销号日期" date)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.require_date(export_ledger.asof, 'asof');
  IF export_ledger.known_at IS NULL THEN
    RAISE EXCEPTION 'known_at must not be NULL'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the moment to answer as known at, such as ''2024-07-01 09:00+08'', or omit it for now().';
  END IF;
  RETURN QUERY
    WITH l AS (
      SELECT l.* FROM rectify.ledger(export_ledger.asof, export_ledger.known_at) l
       WHERE export_ledger.region IS NULL OR l.region OPERATOR(rectify.<@) export_ledger.region),
    m AS (
      SELECT ms.item_id,
             string_agg(format('%s. %s（时限 %s，状态 %s）', ms.seq, ms.description,
                               coalesce(to_char(ms.due_date, 'YYYY-MM-DD'), '持续推进'),
                               CASE ms.state
                                 WHEN 'not_due' THEN '推进中' WHEN 'due_soon' THEN '临期'
                                 WHEN 'due_today' THEN '今日到期' WHEN 'overdue' THEN '逾期'
                                 WHEN 'closed_on_time' THEN '按期完成' WHEN 'closed_late' THEN '逾期完成'
                                 WHEN 'ongoing' THEN '持续推进' END),
                        E'\n' ORDER BY ms.seq) AS measures
        FROM rectify.measure_states(export_ledger.asof, export_ledger.known_at) ms
       WHERE ms.item_id IN (SELECT l.item_id FROM l)
       GROUP BY ms.item_id),
    r AS (
      SELECT ra.item_id,
             string_agg(u.name, '；' ORDER BY ra.seq) FILTER (WHERE ra.role = 'primary') AS primary_units,
             string_agg(u.name, '；' ORDER BY ra.seq) FILTER (WHERE ra.role = 'lead_supervisor') AS lead_supervisors,
             string_agg(u.name, '；' ORDER BY ra.seq) FILTER (WHERE ra.role = 'co_supervisor') AS co_supervisors
        FROM rectify.responsibilities_at(export_ledger.asof, export_ledger.known_at) ra
        JOIN rectify.units u ON u.unit_id = ra.unit_id
       WHERE ra.item_id IN (SELECT l.item_id FROM l)
       GROUP BY ra.item_id),
    -- the latest progress report with a note, as of asof
    p AS (
      SELECT DISTINCT ON (e.item_id) e.item_id, e.happened_on, btrim(e.reason) AS note
        FROM rectify.events e
       WHERE e.kind = 'progress' AND e.item_id IN (SELECT l.item_id FROM l)
         AND e.happened_on <= export_ledger.asof AND e.recorded_at <= export_ledger.known_at
         AND btrim(e.reason) <> ''
       ORDER BY e.item_id, e.happened_on DESC, e.event_id DESC)
    SELECT row_number() OVER (ORDER BY l.code, l.item_id),
           l.code, i.problem, i.target, m.measures,
           r.primary_units, r.lead_supervisors, r.co_supervisors, i.leader,
           i.deadline_text, l.due_date,
           trim_scale(round(l.progress * 100, 2)) || '%'
             || CASE WHEN p.note IS NOT NULL
                     THEN format('；%s：%s', to_char(p.happened_on, 'YYYY-MM-DD'), p.note) ELSE '' END,
           CASE l.status
             WHEN 'registered' THEN '登记' WHEN 'in_progress' THEN '整改中'
             WHEN 'completed' THEN '整改完成' WHEN 'preliminary_review' THEN '初审'
             WHEN 'public_notice' THEN '公示' WHEN 'applied' THEN '申请销号'
             WHEN 'verified' THEN '核查' WHEN 'closed' THEN '已销号'
             WHEN 'reopened' THEN '反弹重启' END,
           CASE l.light
             WHEN 'red' THEN '红灯' WHEN 'yellow' THEN '黄灯' WHEN 'green' THEN '绿灯'
             WHEN 'blue' THEN '蓝灯'
             WHEN 'closed' THEN CASE WHEN l.status = 'closed' THEN '已销号' ELSE '已完成' END END,
           l.days_overdue,
           CASE l.escalation_level
             WHEN 'none' THEN '未处置' WHEN 'notice' THEN '函告' WHEN 'warning' THEN '警示'
             WHEN 'circular' THEN '通报' WHEN 'supervision' THEN '督办'
             WHEN 'listed_supervision' THEN '挂牌督办' WHEN 'summons' THEN '约谈'
             WHEN 'approval_freeze' THEN '区域限批' WHEN 'accountability' THEN '移交问责' END,
           l.closed_on
      FROM l
      JOIN rectify.items i ON i.item_id = l.item_id
      LEFT JOIN m ON m.item_id = l.item_id
      LEFT JOIN r ON r.item_id = l.item_id
      LEFT JOIN p ON p.item_id = l.item_id
     ORDER BY l.code, l.item_id;
END $$;
COMMENT ON FUNCTION rectify.export_ledger(date, rectify.region, timestamptz) IS
  'the ledger on asof (as known at known_at) in the office''s layout (整改台账), one row per item the caller may see, within region if given, ordered by code: 序号, 问题编号, 问题描述, 整改目标, 整改措施 (numbered, each with its 时限 and 状态), 责任单位, 牵头督导单位, 配合督导单位, 督导领导, 整改时限 (as written), 到期日, 整改进展 (progress and the latest note), 状态, 灯, 逾期天数, 督办等级, 销号日期';
