-- The lifecycle: legal and illegal moves, send-backs, reopening, deadline
-- extensions, progress reports.  Every refusal changes nothing.
CALL testkit.fresh_rectify();

-- snapshot of everything a refusal must leave alone
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql AS $$
  SELECT md5((SELECT string_agg(i::text, ';' ORDER BY item_id) FROM rectify.items i) ||
             (SELECT count(*) FROM rectify.events)::text)
$$;

SELECT * FROM transitions ORDER BY from_status, to_status;

SELECT register_item('YZ-04', '431100', '“两高”项目上马冲动', '2021年12月31日(長期堅持、防止反彈)。',
                     '2021-08-31', 'industry') AS a,
       register_item('YZ-05', '431100', '石灰石矿项目未做能源技术评价', '2021年12月31日(長期堅持、防止反彈)。',
                     '2021-08-31', 'energy') AS b,
       register_item('YZ-13', '431100', '垃圾填埋场渗滤液', '2021年12月31日(長期堅持、防止反彈)。',
                     '2021-08-31', 'solid_waste') AS c,
       register_item('YZ-16', '431100', '废弃矿山修复', '持續推進。', '2021-08-31', 'ecology') AS d;

-- ------------------------------------------------------------------
-- The whole way to 销号, on time.
-- ------------------------------------------------------------------
SELECT report_progress(1, 0.6, '2021-10-15');
SELECT advance(1, s, d)
  FROM (VALUES ('completed'::item_status, date '2021-12-20'), ('preliminary_review', '2022-01-05'),
               ('public_notice', '2022-01-10'), ('applied', '2022-01-20'),
               ('verified', '2022-02-15'), ('closed', '2022-02-28')) AS v(s, d);
SELECT code, status, progress, completed_on, closed_on FROM items WHERE item_id = 1;
SELECT happened_on, kind, from_value, to_value FROM history(1);

-- ------------------------------------------------------------------
-- Illegal moves: 23514 with the legal next steps in the hint.
-- ------------------------------------------------------------------
SELECT pg_temp.fingerprint() AS before \gset
SELECT * FROM testkit.try($$advance(2, 'closed', '2022-01-01')$$);
SELECT * FROM testkit.try($$advance(2, 'preliminary_review', '2022-01-01')$$);
SELECT * FROM testkit.try($$advance(1, 'completed', '2022-03-01')$$);
SELECT * FROM testkit.try($$advance(2, 'registered', '2022-01-01')$$);
SELECT * FROM testkit.try($$advance(2, NULL, '2022-01-01')$$);
SELECT * FROM testkit.try($$advance(99, 'completed', '2022-01-01')$$);
SELECT * FROM testkit.try($$advance(NULL, 'completed', '2022-01-01')$$);
SELECT state FROM testkit.try($$advance(2, 'finished', '2022-01-01')$$);
-- dated before the item existed, or not dated at all
SELECT * FROM testkit.try($$advance(2, 'completed', '2021-08-30')$$);
SELECT * FROM testkit.try($$advance(2, 'completed', NULL)$$);
SELECT * FROM testkit.try($$advance(2, 'completed', 'infinity')$$);
SELECT pg_temp.fingerprint() = :'before' AS nothing_changed;

-- ------------------------------------------------------------------
-- Send-back (退回) needs a reason and clears the completion date.
-- ------------------------------------------------------------------
SELECT advance(2, 'completed', '2022-01-21');
SELECT advance(2, 'preliminary_review', '2022-02-10');
SELECT pg_temp.fingerprint() AS before \gset
SELECT * FROM testkit.try($$advance(2, 'in_progress', '2022-02-12')$$);
SELECT message FROM testkit.try($$advance(2, 'in_progress', '2022-02-12', '   ')$$);
-- a step dated before the last status change is refused
SELECT * FROM testkit.try($$advance(2, 'public_notice', '2022-01-20')$$);
SELECT pg_temp.fingerprint() = :'before' AS nothing_changed;
SELECT advance(2, 'in_progress', '2022-02-12', '能源技术评价报告未经审批');
SELECT code, status, completed_on, progress FROM items WHERE item_id = 2;
SELECT happened_on, kind, from_value, to_value, reason FROM history(2) WHERE kind <> 'registered';

-- ------------------------------------------------------------------
-- Reopening (回头看发现反弹): only closed items, reason required.
-- ------------------------------------------------------------------
SELECT * FROM testkit.try($$reopen(2, '反弹', '2022-06-01')$$);
SELECT * FROM testkit.try($$reopen(1, NULL, '2022-06-01')$$);
SELECT * FROM testkit.try($$reopen(1, '反弹', '2022-02-01')$$);
SELECT reopen(1, '回头看发现渗漏复发', '2022-06-01');
SELECT code, status, completed_on, closed_on, reopened_count FROM items WHERE item_id = 1;
-- renewed work with a new deadline: 序时进度 counts from the reopening
-- (2022-09-15 is 106 of the 213 days from 2022-06-01 to 2022-12-31), in the
-- ledger, the scoring views and the lag test alike (progress 0.1, so it
-- lags by the 0.20 threshold once 序时进度 reaches 0.30: 64 days in, on
-- 2022-08-04)
SELECT extend_deadline(1, '2022年12月31日', '市整改办', '反弹后重新整改', '2022-06-01');
SELECT report_progress(1, 0.1, '2022-06-01');
SELECT d AS asof, l.expected_progress, round(106 / 213.0, 4) AS by_hand
  FROM unnest('{2022-05-31,2022-06-01,2022-09-15,2022-12-31}'::date[]) d
  CROSS JOIN LATERAL (SELECT * FROM ledger(d) WHERE item_id = 1) l
 ORDER BY d;
SELECT asof, expected_progress, is_lagging(i, asof) AS lagging, lag_date(i),
       score, round(100 - 50 * (s.expected_progress - s.progress) - 20 * s.reopened, 2) AS score_by_hand
  FROM scored_items('2022-09-15', now()) s JOIN items i USING (item_id) WHERE item_id = 1;
SELECT advance(1, 'completed', '2022-07-01');
SELECT code, status, completed_on, reopened_count FROM items WHERE item_id = 1;

-- ------------------------------------------------------------------
-- Progress: 0..1 on open items; the first report starts the item.
-- ------------------------------------------------------------------
SELECT pg_temp.fingerprint() AS before \gset
SELECT * FROM testkit.try($$report_progress(3, 1.5, '2021-10-01')$$);
SELECT message FROM testkit.try($$report_progress(3, -0.1, '2021-10-01')$$);
SELECT message FROM testkit.try($$report_progress(3, NULL, '2021-10-01')$$);
SELECT * FROM testkit.try($$report_progress(1, 0.5, '2022-07-02')$$);
SELECT state FROM testkit.try($$report_progress(3, 0.5, '2021-01-01')$$);
SELECT pg_temp.fingerprint() = :'before' AS nothing_changed;
SELECT report_progress(3, 0.123456, '2021-10-01', '渗滤液处理站开工');
SELECT code, status, progress FROM items WHERE item_id = 3;
SELECT report_progress(3, 0, '2021-10-02', '数据更正');
SELECT happened_on, kind, from_value, to_value, reason FROM history(3) WHERE kind <> 'registered';

-- ------------------------------------------------------------------
-- Deadline extensions (延期): later only, approver and reason required.
-- ------------------------------------------------------------------
SELECT pg_temp.fingerprint() AS before \gset
SELECT * FROM testkit.try($$extend_deadline(3, '2022年6月30日', NULL, '跨冬季施工', '2021-12-15')$$);
SELECT message FROM testkit.try($$extend_deadline(3, '2022年6月30日', '市整改办', '', '2021-12-15')$$);
SELECT * FROM testkit.try($$extend_deadline(3, '2021年11月30日', '市整改办', '提前', '2021-10-15')$$);
SELECT message FROM testkit.try($$extend_deadline(3, '2021-12-31', '市整改办', '不变', '2021-10-15')$$);
SELECT * FROM testkit.try($$extend_deadline(3, '持续推进', '市整改办', '改为长期', '2021-10-15')$$);
SELECT message FROM testkit.try($$extend_deadline(4, '2023-12-31', '市整改办', '本无期限', '2021-10-15')$$);
SELECT * FROM testkit.try($$extend_deadline(1, '2023-12-31', '市整改办', '已完成', '2022-07-15')$$);
SELECT state FROM testkit.try($$extend_deadline(3, 'next year', '市整改办', 'x', '2021-10-15')$$);
SELECT state FROM testkit.try($$extend_deadline(3, NULL, '市整改办', 'x', '2021-10-15')$$);
SELECT pg_temp.fingerprint() = :'before' AS nothing_changed;
SELECT extend_deadline(3, '2022年6月30日', '市整改办', '渗滤液处理站扩容工程跨冬季施工', '2021-12-15');
SELECT extend_deadline(3, '2022年9月', '市政府', '设备到货延迟', '2022-06-01');
SELECT code, deadline, due_date, original_deadline, original_due_date FROM items WHERE item_id = 3;
SELECT happened_on, kind, from_value, to_value, reason, approved_by
  FROM history(3) WHERE kind = 'deadline_extended';

-- ------------------------------------------------------------------
-- Measures (措施) are done one by one (0.7): complete_measure records the
-- day and a note in the history; refusals change nothing.
-- ------------------------------------------------------------------
SELECT register_item('YZ-01', '431100', '思想认识偏差', '立行立改,持續推進。', '2021-08-31') AS e \gset
SELECT report_progress(:e, 1, '2021-09-01');
SELECT count(advance(:e, s, d))
  FROM (VALUES ('completed'::item_status, date '2021-09-20'), ('preliminary_review', '2021-09-25'),
               ('public_notice', '2021-10-01'), ('applied', '2021-10-10'),
               ('verified', '2021-10-20'), ('closed', '2021-10-30')) AS v(s, d);
SELECT add_measure(3, '渗滤液处理站扩容') AS m1, add_measure(3, '垃圾填埋场封场', '2022年6月30日') AS m2,
       add_measure(:e, '领导班子专题学习') AS m3;
CREATE FUNCTION pg_temp.measures_print() RETURNS text LANGUAGE sql AS $$
  SELECT md5((SELECT string_agg(m::text, ';' ORDER BY measure_id) FROM rectify.measures m) ||
             (SELECT count(*) FROM rectify.events)::text)
$$;
SELECT pg_temp.measures_print() AS before \gset
SELECT * FROM testkit.try($$complete_measure(NULL)$$);
SELECT * FROM testkit.try($$complete_measure(999)$$);
SELECT * FROM testkit.try($$complete_measure(1, 'infinity')$$);
SELECT * FROM testkit.try($$complete_measure(1, NULL)$$);
SELECT * FROM testkit.try($$complete_measure(1, '2021-08-30')$$);
SELECT * FROM testkit.try($$complete_measure(3, '2021-10-15')$$);   -- its item is closed
SELECT pg_temp.measures_print() = :'before' AS nothing_changed;
SELECT complete_measure(1, '2021-11-30', '扩容工程完工，通过验收');
SELECT pg_temp.measures_print() AS before \gset
SELECT * FROM testkit.try($$complete_measure(1, '2021-12-01')$$);
SELECT pg_temp.measures_print() = :'before' AS nothing_changed;
SELECT happened_on, kind, from_value, to_value, reason FROM history(3) WHERE kind = 'measure_completed';
SELECT measure_id, seq, description, due_date, state, item_state
  FROM measure_states('2021-12-31') ORDER BY measure_id;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
