-- Strings bound as character varying go into rectify's types (issue #16):
-- pgjdbc's setString(), and so every JDBC tool, sends its parameters typed
-- varchar.  A statement PREPAREd with varchar parameters is exactly what
-- such a driver sends; the refused values go through the same prepared
-- statements (testkit.attempt runs EXECUTE name(...)).  Each as the office
-- role that uses it.  test/clients/ runs the real drivers.
CALL testkit.fresh_rectify();

-- every cast into the three types: varchar's are implicit (so a bound
-- string can be a function argument and an operand), through the input
SELECT castsource::regtype AS source, casttarget::regtype AS target,
       CASE castcontext WHEN 'i' THEN 'implicit' WHEN 'a' THEN 'assignment' ELSE 'explicit' END AS context,
       CASE castmethod WHEN 'i' THEN 'I/O' WHEN 'b' THEN 'binary' ELSE castfunc::regproc::text END AS method
  FROM pg_cast
 WHERE casttarget IN ('rectify.deadline'::regtype, 'rectify.region'::regtype, 'rectify.emission'::regtype)
 ORDER BY casttarget::regtype::text COLLATE "C", castsource::regtype::text COLLATE "C";

SELECT setup_roles('cc_admin', 'cc_officer', 'cc_verifier', NULL);
CREATE ROLE cc_adam LOGIN IN ROLE cc_admin;
CREATE ROLE cc_olga LOGIN;
GRANT USAGE ON SCHEMA testkit TO cc_adam, cc_olga;

-- ---------------------------------------------------------------------
-- The administrator: registers items with the region bound as varchar,
-- moves an item to another region, extends a deadline, enters base-year
-- emissions, and finds items by region and deadline.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION cc_adam;
SELECT unit('保定市生态环境局', '130600') AS unit;
PREPARE register(varchar, varchar, varchar, varchar, date, varchar) AS
  SELECT rectify.register_item($1, $2, $3, $4, $5, $6);
EXECUTE register('CC-1', '130602', '露天煤场扬尘', '2024年12月31日', '2024-06-01', 'air');
EXECUTE register('CC-2', '130600', '黑臭水体', '立行立改', '2024-06-01', 'water');
SELECT assign_unit(item(c), '保定市生态环境局', on_date => '2024-06-01')
  FROM unnest(ARRAY['CC-1', 'CC-2']) c;
PREPARE move(varchar, varchar) AS UPDATE rectify.items SET region = $1 WHERE code = $2;
EXECUTE move('130600', 'CC-1');
PREPARE extend(varchar, varchar, varchar, varchar, date) AS
  SELECT rectify.extend_deadline(rectify.item($1), $2, $3, $4, $5);
EXECUTE extend('CC-1', '2025年6月30日', '省督察办', '汛期停工', '2024-09-01');
PREPARE base(varchar, integer, varchar) AS
  INSERT INTO rectify.base_emissions (region, year, amount) VALUES ($1, $2, $3);
EXECUTE base('130600', 2024, '1.5万吨 SO2');
EXECUTE base('130600', 2024, '氨氮 1.2吨');
PREPARE rebase(varchar, varchar, varchar) AS
  UPDATE rectify.base_emissions SET amount = $1 WHERE region = $2 AND pollutant = $3;
EXECUTE rebase('15500 t SO2', '130600', 'SO2');
SELECT region, year, pollutant, amount FROM base_emissions ORDER BY pollutant COLLATE "C";
PREPARE find(varchar, varchar) AS
  SELECT code, region, deadline FROM rectify.items WHERE region <@ $1 AND deadline > $2 ORDER BY code;
EXECUTE find('130000', '2024年12月31日');
EXECUTE find('130600', '2024-12-30');
SELECT code, region, deadline, deadline_text, due_date, original_due_date FROM items ORDER BY code;
SELECT i.code, e.kind, e.from_value, e.to_value, e.reason, e.approved_by
  FROM events e JOIN items i USING (item_id) WHERE e.kind = 'deadline_extended';

-- refused through the same statements: the type's own SQLSTATE, the value
-- in the message and the type's hint, and nothing changed
SELECT count(*) AS events_before FROM events \gset
SELECT * FROM testkit.attempt($$EXECUTE register('CC-9', '990600', '噪声', '2024年12月31日', '2024-06-01', 'other')$$);
SELECT * FROM testkit.attempt($$EXECUTE register('CC-9', '13060', '噪声', '2024年12月31日', '2024-06-01', 'other')$$);
SELECT * FROM testkit.attempt($$EXECUTE move('1306x0', 'CC-1')$$);
SELECT * FROM testkit.attempt($$EXECUTE extend('CC-1', '2025年13月1日', '省督察办', '再次延期', '2024-09-02')$$);
SELECT * FROM testkit.attempt($$EXECUTE extend('CC-1', '明年汛期后', '省督察办', '再次延期', '2024-09-02')$$);
SELECT * FROM testkit.attempt($$EXECUTE base('130600', 2025, '12.5 t XYZ')$$);
SELECT * FROM testkit.attempt($$EXECUTE rebase('1.2吨', '130600', 'SO2')$$);
SELECT * FROM testkit.attempt($$EXECUTE find('130000', '下个月')$$);
SELECT count(*) = :events_before AS nothing_recorded,
       (SELECT count(*) FROM items WHERE code = 'CC-9') AS cc9,
       (SELECT string_agg(region::text || ' ' || amount::text, ', ' ORDER BY pollutant COLLATE "C")
          FROM base_emissions) AS base_emissions
  FROM events;
RESET SESSION AUTHORIZATION;
SELECT bind_officer('cc_olga', '保定市生态环境局');

-- ---------------------------------------------------------------------
-- The officer: reports progress, reads the ledger by a bound region,
-- keeps drafts in a table of its own; the casts give no right it lacks.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION cc_olga;
PREPARE progress(varchar, numeric, date) AS SELECT rectify.report_progress(rectify.item($1), $2, $3);
EXECUTE progress('CC-1', 0.4, '2024-09-02');
PREPARE mine(varchar) AS
  SELECT code, region, deadline, due_date, status, progress FROM rectify.items WHERE region <@ $1 ORDER BY code;
EXECUTE mine('130000');
EXECUTE mine('130602');
SELECT code, region, deadline, due_date, extended, state, progress
  FROM ledger('2024-09-02') ORDER BY code;
CREATE TEMP TABLE draft (code text, d rectify.deadline, r rectify.region, e rectify.emission);
PREPARE draft_in(varchar, varchar, varchar, varchar) AS INSERT INTO draft VALUES ($1, $2, $3, $4);
PREPARE draft_up(varchar, varchar, varchar, varchar) AS UPDATE draft SET d = $2, r = $3, e = $4 WHERE code = $1;
EXECUTE draft_in('D-1', '2024年底', '431100', '3.2万吨 COD');
EXECUTE draft_in('D-2', '立行立改，持续推进', '130602', 'NOx 12.5 t');
EXECUTE draft_up('D-1', '15个工作日', '431127', '氨氮 0.8吨');
SELECT code, d, deadline_kind(d) AS kind, r, region_level(r) AS level, e, pollutant(e) AS pollutant
  FROM draft ORDER BY code;
SELECT * FROM testkit.attempt($$EXECUTE draft_in('D-3', '2024年2月30日', '431100', '1 t COD')$$);
SELECT * FROM testkit.attempt($$EXECUTE draft_in('D-3', '2024年底', '000000', '1 t COD')$$);
SELECT * FROM testkit.attempt($$EXECUTE draft_up('D-1', '2024年底', '431100', '1 t 噪声')$$);
SELECT * FROM testkit.attempt($$EXECUTE move('130602', 'CC-1')$$);
SELECT * FROM testkit.attempt($$EXECUTE extend('CC-1', '2025年12月31日', '省督察办', '再延', '2024-09-02')$$);
SELECT count(*) AS drafts FROM draft;
-- a driver that binds text (Npgsql) fills the columns too (assignment
-- casts from text), with the types' own errors
PREPARE draft_text(text, text, text, text) AS INSERT INTO draft VALUES ($1, $2, $3, $4);
EXECUTE draft_text('D-4', '2025年6月', '431100', '2 t SO2');
SELECT code, d, r, e FROM draft WHERE code = 'D-4';
SELECT * FROM testkit.attempt($$EXECUTE draft_text('D-5', '2025年6月', '43110', '2 t SO2')$$);
SELECT * FROM testkit.attempt($$EXECUTE draft_text('D-5', '2025年6月', '431100', '2 t')$$);
SELECT count(*) AS drafts FROM draft;
-- a varchar on its own still takes text's operators, rectify on the path
SELECT 'b'::varchar > 'a'::varchar AS gt, 'ab'::varchar = 'ab' AS eq,
       pg_typeof('a'::varchar || 'b'::varchar) AS concat, lower('AB'::varchar) AS lower;
RESET SESSION AUTHORIZATION;

REVOKE USAGE ON SCHEMA testkit FROM cc_adam, cc_olga;
DROP OWNED BY cc_adam, cc_olga, cc_admin, cc_officer, cc_verifier;
DROP ROLE cc_adam, cc_olga, cc_admin, cc_officer, cc_verifier;
