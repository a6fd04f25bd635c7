-- ===========================================================================
-- Batch import of a rectification list.
--
--   CREATE TEMP TABLE stage (LIKE rectify.import_template);
--   \copy stage FROM 'list.csv' WITH (FORMAT csv, HEADER true)
--   SELECT rectify.import_items('stage');
--
-- Every row is checked before anything is loaded; the first bad row rejects
-- the whole batch with its number (the n-th row of the staging table, which
-- after a COPY is line n+1 of a CSV with a header) and the reason.  The load
-- itself runs through register_item and assign_unit in the same statement,
-- so an error there too leaves nothing behind.
-- ===========================================================================

CREATE TABLE rectify.import_template (
  code text, source text, batch text, region text, category text, assigned text,
  deadline_text text, problem text, target text, primary_units text,
  lead_supervisors text, co_supervisors text, leader text, source_ref text, note text
);
COMMENT ON TABLE rectify.import_template IS
  'the columns of a rectification list (data/sample-ledger.csv), all text; always empty: CREATE TABLE stage (LIKE rectify.import_template) and COPY into it';
CREATE RULE import_template_empty AS ON INSERT TO rectify.import_template DO INSTEAD NOTHING;

-- import_date(text): a date of a list as offices write it, 2021-08-31 or
-- 2021年8月31日, whatever the session's DateStyle (a list is not read
-- month-first on one server and day-first on another).  22007 otherwise.
CREATE FUNCTION rectify.import_date(value text) RETURNS date
  LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  part text[] := coalesce(regexp_match(btrim(value), '^(\d{4})-(\d{1,2})-(\d{1,2})$'),
                          regexp_match(btrim(value), '^(\d{4})年(\d{1,2})月(\d{1,2})日$'));
BEGIN
  IF part IS NOT NULL THEN
    BEGIN
      RETURN make_date(part[1]::integer, part[2]::integer, part[3]::integer);
    EXCEPTION WHEN datetime_field_overflow THEN
      NULL;                             -- 2021-02-30: falls through to 22007
    END;
  END IF;
  RAISE EXCEPTION 'invalid date "%"', value
    USING ERRCODE = 'invalid_datetime_format',
          HINT = 'Write a date as 2021-08-31 or 2021年8月31日.';
END $$;
COMMENT ON FUNCTION rectify.import_date(text) IS
  'a date of a rectification list, 2021-08-31 or 2021年8月31日, whatever the DateStyle; 22007 otherwise';

CREATE FUNCTION rectify.import_items(staging regclass, create_units boolean DEFAULT true)
  RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  needed text[] := ARRAY['code', 'source', 'batch', 'region', 'category', 'assigned', 'deadline_text',
                         'problem', 'target', 'primary_units', 'lead_supervisors', 'co_supervisors', 'leader',
                         'source_ref', 'note'];
  missing text;
  r record;
  n integer := 0;
  id bigint;
  x text;
  role text;
  list text;
  assigned date;
  due date;
  cats constant text[] := rectify.item_categories();
  srcs constant text[] := rectify.item_sources();
  q text;
  st text;
  msg text;
  hnt text;
BEGIN
  PERFORM rectify.require_admin('rectify.import_items()', 'import rectification items');
  IF staging IS NULL THEN
    RAISE EXCEPTION 'the staging table must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT string_agg(c, ', ' ORDER BY o) INTO missing FROM unnest(needed) WITH ORDINALITY AS w(c, o)
   WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = staging AND a.attname = w.c
                       AND a.attnum > 0 AND NOT a.attisdropped);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'staging table % lacks the column(s) %', staging, missing
      USING ERRCODE = 'undefined_column', HINT = 'CREATE TABLE stage (LIKE rectify.import_template).';
  END IF;
  -- The caller reads the staging table with its own privileges (this
  -- function is SECURITY INVOKER); the name is quoted by regclass.  Each
  -- row comes with what needs the whole batch, computed once: whether its
  -- code came earlier in the batch, and whether the ledger has it.
  q := format($q$
    SELECT s.*, s.code IS NOT NULL AND row_number() OVER (PARTITION BY s.code ORDER BY s.row_no) > 1 AS repeated,
           EXISTS (SELECT 1 FROM rectify.items i WHERE i.code = s.code) AS in_ledger
      FROM (SELECT row_number() OVER (ORDER BY ctid) AS row_no, %s FROM %s) s
     ORDER BY s.row_no$q$,
              (SELECT string_agg(format('nullif(btrim(%1$I::text), %2$L) AS %1$I', c, ''), ', ') FROM unnest(needed) c),
              staging);

  -- 1. validate every row; a bad value keeps its own SQLSTATE and hint
  FOR r IN EXECUTE q LOOP
    n := r.row_no;
    IF r.code IS NULL THEN
      RAISE EXCEPTION 'row %: code is missing', n USING ERRCODE = 'not_null_violation';
    END IF;
    IF r.repeated THEN
      RAISE EXCEPTION 'row %: code "%" appears twice in the batch', n, r.code USING ERRCODE = 'unique_violation';
    END IF;
    IF r.in_ledger THEN
      RAISE EXCEPTION 'row %: item "%" is already in the ledger', n, r.code USING ERRCODE = 'unique_violation';
    END IF;
    SELECT f.what INTO missing
      FROM (VALUES (1, 'problem', r.problem), (2, 'deadline', r.deadline_text), (3, 'region', r.region),
                   (4, 'assigned date', r.assigned)) AS f(o, what, value)
     WHERE f.value IS NULL ORDER BY f.o LIMIT 1;
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION 'row % (%): % is missing', n, r.code, missing USING ERRCODE = 'not_null_violation';
    END IF;
    IF r.source IS NULL OR NOT r.source = ANY (srcs) THEN
      RAISE EXCEPTION 'row % (%): unknown source "%"', n, r.code, r.source
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Sources: ' || array_to_string(srcs, ', ') || '.';
    END IF;
    IF r.category IS NULL OR NOT r.category = ANY (cats) THEN
      RAISE EXCEPTION 'row % (%): unknown category "%"', n, r.code, r.category
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Categories: ' || array_to_string(cats, ', ') || '.';
    END IF;
    BEGIN
      PERFORM r.region::rectify.region;
      assigned := rectify.import_date(r.assigned);
      due := rectify.resolve_due(r.deadline_text::rectify.deadline, assigned);
    EXCEPTION WHEN data_exception THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hnt = PG_EXCEPTION_HINT;
      RAISE EXCEPTION 'row % (%): %', n, r.code, msg USING ERRCODE = st, HINT = hnt;
    END;
    IF due < assigned THEN
      RAISE EXCEPTION 'row % (%): the deadline "%" falls before the assigned date %', n, r.code, r.deadline_text, assigned
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'A deadline is on or after the day the item was assigned.';
    END IF;
    FOREACH list IN ARRAY ARRAY[r.primary_units, r.lead_supervisors, r.co_supervisors] LOOP
      FOREACH x IN ARRAY coalesce(string_to_array(list, '|'), '{}') LOOP
        IF btrim(x) = '' THEN
          RAISE EXCEPTION 'row % (%): empty unit name in "%"', n, r.code, list
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Separate unit names with |.';
        END IF;
        IF NOT create_units AND NOT EXISTS (SELECT 1 FROM rectify.units u WHERE u.name = btrim(x)) THEN
          RAISE EXCEPTION 'row % (%): unknown unit "%"', n, r.code, btrim(x)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Create units first with rectify.unit(name, region), or pass create_units => true.';
        END IF;
      END LOOP;
    END LOOP;
  END LOOP;

  -- 2. load (same statement: all or nothing)
  n := 0;
  FOR r IN EXECUTE q LOOP
    id := rectify.register_item(r.code, r.region::rectify.region, r.problem, r.deadline_text,
                                rectify.import_date(r.assigned), r.category, r.source, r.target,
                                r.leader, r.batch, r.source_ref, r.note);
    FOR role, list IN SELECT * FROM (VALUES ('primary', r.primary_units), ('lead_supervisor', r.lead_supervisors),
                                            ('co_supervisor', r.co_supervisors)) v LOOP
      FOREACH x IN ARRAY coalesce(string_to_array(list, '|'), '{}') LOOP
        PERFORM rectify.assign_unit(id, btrim(x), role, rectify.import_date(r.assigned));
      END LOOP;
    END LOOP;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.import_items(regclass, boolean) IS
  'validates every row of a staging table shaped like rectify.import_template, then registers all its items (with their source_ref and note) and units, or none: the first bad row is reported by number and reason, a bad value with its own SQLSTATE and hint (22P02, 22007, 22023, 23502, 23505); dates as 2021-08-31 or 2021年8月31日 whatever the DateStyle; administrators only';
