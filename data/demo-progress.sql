-- A simulated year of work on the sample ledger, for the demo only: the
-- sources give deadlines, not what happened next.  Dates are chosen so
-- that, as of 2022-06-20, the ledger shows every deadline state.
\set ON_ERROR_STOP on
CREATE TEMP VIEW item AS SELECT code, item_id FROM rectify.items;

-- YZ-04 (两高项目论证): finished before its deadline and signed off.
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-04'), 0.6, '2021-10-15');
SELECT rectify.advance((SELECT item_id FROM item WHERE code = 'YZ-04'), s, d)
  FROM (VALUES ('completed'::rectify.item_status, date '2021-12-20'),
               ('preliminary_review', '2022-01-05'), ('public_notice', '2022-01-10'),
               ('applied', '2022-01-20'), ('verified', '2022-02-15'), ('closed', '2022-02-28')) AS v(s, d);

-- YZ-05 (能源技术评价): finished three weeks late; in sign-off.
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-05'), 0.4, '2021-11-30');
SELECT rectify.advance((SELECT item_id FROM item WHERE code = 'YZ-05'), 'completed', '2022-01-21');
SELECT rectify.advance((SELECT item_id FROM item WHERE code = 'YZ-05'), 'preliminary_review', '2022-02-10');

-- YZ-03 (湘江源保护区): sent back at preliminary review, still open.
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-03'), 0.7, '2021-11-15');
SELECT rectify.advance((SELECT item_id FROM item WHERE code = 'YZ-03'), 'completed', '2021-12-28');
SELECT rectify.advance((SELECT item_id FROM item WHERE code = 'YZ-03'), 'preliminary_review', '2022-01-06');
SELECT rectify.advance((SELECT item_id FROM item WHERE code = 'YZ-03'), 'in_progress', '2022-01-12',
                       '保护区范围恢复的批复文件未到位');
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-03'), 0.8, '2022-01-12',
                               '退回后补办批复');

-- YZ-13 (垃圾填埋场渗滤液): deadline extended (延期) with approval.
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-13'), 0.5, '2021-12-10');
SELECT rectify.extend_deadline((SELECT item_id FROM item WHERE code = 'YZ-13'), '2022年6月30日',
                               '市整改办', '渗滤液处理站扩容工程跨冬季施工', '2021-12-15');

-- A few progress reports elsewhere.
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-12'), 0.55, '2022-05-31');
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'JD-03'), 0.3, '2022-03-31');
SELECT rectify.report_progress((SELECT item_id FROM item WHERE code = 'YZ-08'), 0.2, '2022-04-30');
