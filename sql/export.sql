-- The ledger in the office's layout (rectify.export_ledger): Chinese
-- headings in the 整改台账's order, one row per item the caller may see,
-- and the CSV a spreadsheet on Chinese Windows opens: written as GB18030
-- by psql's \copy, converted back with iconv and compared with the UTF-8
-- export byte for byte, traditional characters (縣, 藍山縣, 持續推進) and
-- a character GBK lacks (䶮) included.
CALL testkit.fresh_rectify();
SELECT setup_roles('ex_admin', 'ex_officer', 'ex_verifier', 'ex_reader');
CREATE ROLE ex_adam LOGIN IN ROLE ex_admin;
CREATE ROLE ex_vera LOGIN IN ROLE ex_verifier;
CREATE ROLE ex_rita LOGIN IN ROLE ex_reader;
CREATE ROLE ex_olga LOGIN;
GRANT USAGE ON SCHEMA testkit TO ex_adam, ex_vera, ex_rita, ex_olga;

-- the sample ledger (data/sample-ledger.csv), loaded by an administrator
CREATE TEMP TABLE stage (LIKE import_template);
\copy stage FROM 'data/sample-ledger.csv' WITH (FORMAT csv, HEADER true)
GRANT SELECT ON stage TO ex_adam;
SET SESSION AUTHORIZATION ex_adam;
SELECT import_items('stage') AS items;
-- measures, one with its own deadline, one ongoing; a leader whose name
-- GBK cannot write
SELECT add_measure(item('YZ-03'), '編制保護區範圍恢復方案', '2021年11月30日') AS m1,
       add_measure(item('YZ-03'), '恢復森林公園原範圍並報批', '2021年12月31日') AS m2,
       add_measure(item('YZ-03'), '長期巡查，防止反彈', '持續推進') AS m3,
       add_measure(item('YZ-13'), '渗滤液处理站扩容', '2022年3月31日') AS m4;
UPDATE items SET leader = '刘䶮副市长' WHERE code = 'BD-01';
RESET SESSION AUTHORIZATION;
SELECT bind_officer('ex_olga', '藍山縣委、縣政府');

-- a year of work: the officer of 藍山縣 reports with notes, completes the
-- measures with an end date, and the item; the administrator sends it
-- back at the preliminary review
SET SESSION AUTHORIZATION ex_olga;
SELECT report_progress(item('YZ-03'), 0.4, '2021-10-15', '方案編制中'),
       complete_measure(1, '2021-11-20', '方案已報市林業局');
SELECT report_progress(item('YZ-03'), 0.7, '2021-11-15', '保護區範圍恢復方案已報批');
SELECT complete_measure(2, '2021-12-25');
SELECT advance(item('YZ-03'), 'completed', '2021-12-28');
SELECT advance(item('YZ-03'), 'preliminary_review', '2022-01-06');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ex_adam;
SELECT advance(item('YZ-03'), 'in_progress', '2022-01-12', '保护区范围恢复的批复文件未到位');
SELECT report_progress(item('YZ-04'), 0.6, '2021-10-15');
SELECT advance(item('YZ-04'), s, d)
  FROM (VALUES ('completed'::item_status, date '2021-12-20'), ('preliminary_review', '2022-01-05'),
               ('public_notice', '2022-01-10'), ('applied', '2022-01-20')) AS v(s, d);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ex_vera;
SELECT advance(item('YZ-04'), 'verified', '2022-02-15'), advance(item('YZ-04'), 'closed', '2022-02-28');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ex_adam;
SELECT report_progress(item('YZ-12'), 0.55, '2022-05-31', '大中型養殖場糞污處理設施配套率達到85%');
SELECT report_progress(item('YZ-13'), 0.5, '2021-12-10', '處理站主體完工');
SELECT extend_deadline(item('YZ-13'), '2022年6月30日', '市整改办', '渗滤液处理站扩容工程跨冬季施工', '2021-12-15');
SELECT count(*) AS escalation_steps FROM escalate('2022-06-30');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The administrator's export on 2022-06-30: the headings in order, then
-- every item's status, light, days overdue and level, then three rows
-- in full.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ex_adam;
SELECT array_to_string(proargnames[4:], ', ') AS headings
  FROM pg_proc WHERE oid = 'rectify.export_ledger'::regproc;
SELECT count(*) = count(DISTINCT "问题编号") AND min("序号") = 1 AND max("序号") = count(*) AS numbered
  FROM export_ledger('2022-06-30');
SELECT "序号", "问题编号", "整改时限", "到期日", "整改进展", "状态", "灯", "逾期天数", "督办等级", "销号日期"
  FROM export_ledger('2022-06-30');
\x on
SELECT * FROM export_ledger('2022-06-30') WHERE "问题编号" IN ('YZ-03', 'YZ-04', 'YZ-13');
\x off
-- the same item on an earlier day: the state of that day
SELECT "问题编号", "整改措施", "整改进展", "状态", "灯"
  FROM export_ledger('2021-11-25') WHERE "问题编号" = 'YZ-03';
-- within a region: Baoding's items only, numbered from 1
SELECT "序号", "问题编号", "督导领导", "灯" FROM export_ledger('2022-06-30', '130600') LIMIT 3;
-- asof defaults to the office's today
SELECT count(*) AS items_today FROM export_ledger();
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Who exports what: an officer its own unit's items (numbered from 1), a
-- verifier every item, a BI reader nothing (42501).
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ex_olga;
SELECT "序号", "问题编号", "责任单位", "牵头督导单位", "状态", "灯" FROM export_ledger('2022-06-30');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ex_vera;
SELECT count(*) AS verifier_rows FROM export_ledger('2022-06-30');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ex_rita;
SELECT state, message FROM testkit.try($$(SELECT count(*) FROM rectify.export_ledger('2022-06-30'))$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Bad input: 22023, the value quoted, a hint.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION ex_adam;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.export_ledger(NULL))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.export_ledger('infinity'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.export_ledger('-infinity', '431100'))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.export_ledger('2022-06-30', NULL, NULL))$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.export_ledger('2022-06-30', '43110x'))$$);
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The CSV for Excel on Chinese Windows: written as GB18030 by psql (the
-- line in docs/export.md), read back through iconv, compared with the
-- UTF-8 export.  The files stay in results/ for a person to open.
-- ---------------------------------------------------------------------
\copy (SELECT * FROM rectify.export_ledger('2022-06-30')) TO 'results/export-ledger.csv' WITH (FORMAT csv, HEADER, ENCODING 'GB18030')
\copy (SELECT * FROM rectify.export_ledger('2022-06-30')) TO 'results/export-ledger.utf8.csv' WITH (FORMAT csv, HEADER)
\set round_trip `iconv -f GB18030 -t UTF-8 results/export-ledger.csv | cmp -s - results/export-ledger.utf8.csv && echo identical || echo different`
\set is_utf8 `iconv -f UTF-8 -t UTF-8 results/export-ledger.csv >/dev/null 2>&1 && echo yes || echo no`
\set header `iconv -f GB18030 -t UTF-8 results/export-ledger.csv | head -1`
\set traditional `iconv -f GB18030 -t UTF-8 results/export-ledger.csv | grep -c -e '藍山縣委、縣政府' -e '持續推進' -e '刘䶮副市长'`
\set rows `iconv -f GB18030 -t UTF-8 results/export-ledger.csv | grep -c '^[0-9]*,[A-Z]*-[0-9]*,'`
SELECT :'round_trip' AS round_trip, :'is_utf8' AS gb18030_file_is_utf8,
       :'traditional' AS lines_with_traditional_characters, :'rows' AS item_rows;
SELECT :'header' AS header;
-- the same characters, converted by the server: GB18030 holds them, GBK
-- does not hold 䶮
SELECT convert_from(convert_to('藍山縣委、縣政府 持續推進 刘䶮副市长', 'GB18030'), 'GB18030') AS gb18030;
SELECT * FROM testkit.try($$convert_to('刘䶮副市长', 'GBK')$$);

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
