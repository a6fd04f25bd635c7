-- Batch import: COPY a rectification list into a staging table, then
-- rectify.import_items() checks every row and loads all or nothing.
CALL testkit.fresh_rectify();

CREATE TEMP TABLE stage (LIKE import_template);
COPY stage FROM stdin WITH (FORMAT csv, HEADER true);
code,source,batch,region,category,assigned,deadline_text,problem,target,primary_units,lead_supervisors,co_supervisors,leader,source_ref,note
IM-1,central,第二轮,130600,air,2021-06-01,2021年12月31日,露天煤场扬尘,全封闭,保定市人民政府|保定市住建局,保定市生态环境局,,张副市长,,
IM-2,lookback,回头看,431100,water,2021-08-31,"立行立改,持續推進。",黑臭水体,消除黑臭,永州市政府,,湖南省生态环境厅,,,
IM-3,complaint,信访,340000,ecology,2021-09-01,2022年9月,违规占用林地,,,,,,,
\.
-- a bad row anywhere rejects the batch: the row number and the reason
CREATE FUNCTION pg_temp.try_import(bad text) RETURNS TABLE (state text, message text) LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE bad_stage AS SELECT * FROM stage;
  EXECUTE bad;
  -- rows in code order, as a COPY of a sorted list would store them
  CREATE TEMP TABLE bad_sorted AS SELECT * FROM bad_stage ORDER BY code;
  BEGIN
    PERFORM rectify.import_items('bad_sorted');
    state := 'ok';
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
  END;
  DROP TABLE bad_stage, bad_sorted;
  RETURN NEXT;
END $$;
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET deadline_text = '2022年13月' WHERE code = 'IM-3'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET region = '999999x' WHERE code = 'IM-2'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET category = 'noise' WHERE code = 'IM-3'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET source = 'rumour' WHERE code = 'IM-1'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET assigned = '2021-02-30' WHERE code = 'IM-3'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET primary_units = '永州市政府||' WHERE code = 'IM-2'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET problem = ' ' WHERE code = 'IM-3'$$);
SELECT * FROM pg_temp.try_import($$INSERT INTO bad_stage (code, source, region, category, assigned, deadline_text, problem) VALUES ('IM-1', 'central', '130600', 'air', '2021-06-01', '2022年', 'x')$$);
SELECT * FROM pg_temp.try_import($$ALTER TABLE bad_stage DROP COLUMN leader$$);
SELECT * FROM testkit.try($$import_items('stage', create_units => false)$$);
-- nothing was half-loaded
SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM units) AS units,
       (SELECT count(*) FROM events) AS events;

SELECT import_items('stage');
SELECT code, region, category, source, deadline, due_date, status, leader FROM items ORDER BY code;
SELECT i.code, r.role, r.seq, u.name FROM responsibilities r JOIN items i USING (item_id)
  JOIN units u USING (unit_id) ORDER BY i.code, r.role, r.seq;
-- each responsibility is dated by its item's assigned date, not the day of loading
SELECT i.code, i.assigned, count(*) AS added, min(e.happened_on) AS first_on, max(e.happened_on) AS last_on
  FROM events e JOIN items i USING (item_id)
 WHERE e.kind = 'responsibility_added' GROUP BY i.code, i.assigned ORDER BY i.code;
-- a second load of the same list is refused as a whole
SELECT * FROM testkit.try($$import_items('stage')$$);
SELECT count(*) AS items FROM items;

-- the sample ledger loads as it is
TRUNCATE stage;
\copy stage FROM 'data/sample-ledger.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS staged FROM stage WHERE code NOT LIKE 'IM-%';
DELETE FROM stage WHERE code IN (SELECT code FROM items);
SELECT import_items('stage') = (SELECT count(*) FROM stage) AS all_loaded;

-- what the list says is kept: the document it cites and the note
SELECT code, source_ref, note FROM items WHERE code IN (SELECT code FROM stage) AND source_ref IS NOT NULL
 ORDER BY code LIMIT 3;

-- values refused with their own SQLSTATE and hint; dates read as lists
-- write them, whatever the session's DateStyle
TRUNCATE stage;
INSERT INTO stage (code, source, region, category, assigned, deadline_text, problem, source_ref, note)
  VALUES ('IM-10', 'central', '130600', 'air', '2021年6月1日', '2021年12月31日', '扬尘', '冀督反馈〔2021〕1号', '省督察组交办');
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET assigned = '2021-02-30'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET assigned = '06/01/2021'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET deadline_text = NULL$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET deadline_text = '2021年2月30日'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET deadline_text = '2021年5月31日'$$);
SELECT * FROM pg_temp.try_import($$UPDATE bad_stage SET region = '990000'$$);
SET DateStyle = 'SQL, DMY';
SELECT import_items('stage');
RESET DateStyle;
SET DateStyle = ISO, YMD;
SELECT code, assigned, deadline, due_date, source_ref, note FROM items WHERE code = 'IM-10';

-- a batch is checked in time proportional to its size: 20,000 rows with a
-- repeated code in the last one are refused by that row
TRUNCATE stage;
INSERT INTO stage (code, source, region, category, assigned, deadline_text, problem)
  SELECT 'BIG-' || g, 'central', '130600', 'air', '2021-06-01', '2021年12月31日', 'p' FROM generate_series(1, 20000) g;
INSERT INTO stage (code, source, region, category, assigned, deadline_text, problem)
  VALUES ('BIG-7', 'central', '130600', 'air', '2021-06-01', '2021年12月31日', 'p');
SELECT * FROM testkit.try($$rectify.import_items('stage')$$);

-- as the office's roles: an administrator imports, an officer may not
SELECT setup_roles('ri2_admin', 'ri2_officer', 'ri2_verifier', NULL);
CREATE ROLE ri2_adam LOGIN IN ROLE ri2_admin;
CREATE ROLE ri2_olga LOGIN IN ROLE ri2_officer;
GRANT USAGE ON SCHEMA testkit TO ri2_adam, ri2_olga;
TRUNCATE stage;
INSERT INTO stage (code, source, region, category, assigned, deadline_text, problem, primary_units)
  VALUES ('IM-20', 'provincial', '431100', 'water', '2023-03-01', '2023年12月31日', '污水直排', '永州市政府');
GRANT SELECT ON stage TO ri2_adam, ri2_olga;
SET SESSION AUTHORIZATION ri2_olga;
SELECT * FROM testkit.try($$rectify.import_items('stage')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION ri2_adam;
SELECT rectify.import_items('stage');
-- the worked example of docs/time.md: YZ-13 from the sample list changes
-- hands on 2022-03-01, typed in later; item_asof answers for each day
SELECT assign_unit(item('YZ-13'), '市生態環境局', 'primary', '2022-03-01');
SELECT unassign_unit(item('YZ-13'), '各相關縣市區黨委、政府', 'primary', '移交市局办理', '2022-03-01');
SELECT d, array(SELECT u FROM unnest(a.units) u WHERE u LIKE 'primary:%') AS primary_units
  FROM unnest('{2022-02-28,2022-03-01}'::date[]) d, LATERAL item_asof(item('YZ-13'), d) a;
RESET SESSION AUTHORIZATION;
SELECT code, source, region FROM items WHERE code = 'IM-20';
REVOKE USAGE ON SCHEMA testkit FROM ri2_adam, ri2_olga;
DROP OWNED BY ri2_adam, ri2_olga, ri2_admin, ri2_officer, ri2_verifier;
DROP ROLE ri2_adam, ri2_olga, ri2_admin, ri2_officer, ri2_verifier;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
