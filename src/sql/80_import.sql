CREATE TABLE rectify.import_template (
  code text, source text, batch text, region text, category text, assigned text,
  deadline_text text, problem text, target text, primary_units text,
  lead_supervisors text, co_supervisors text, leader text, source_ref text, note text
);
COMMENT ON TABLE rectify.import_template IS
  'the columns of a rectification list (data/sample-ledger.csv), all text; always empty: CREATE TABLE stage (LIKE rectify.import_template) and COPY into it';
CREATE RULE import_template_empty AS ON INSERT TO rectify.import_template DO INSTEAD NOTHING;

CREATE FUNCTION rectify.import_items(staging regclass, create_units boolean DEFAULT true)
  RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  needed text[] := ARRAY['code', 'source', 'batch', 'region', 'category', 'assigned', 'deadline_text',
                         'problem', 'target', 'primary_units', 'lead_supervisors', 'co_supervisors', 'leader'];
  missing text;
  r record;
  n integer := 0;
  id bigint;
  x text;
  role text;
  list text;
  seen text[] := '{}';
  cats constant text[] := rectify.item_categories();
  srcs constant text[] := rectify.item_sources();
  q text;
BEGIN
  IF NOT rectify.caller_is('admin') THEN
    PERFORM rectify.deny('only an administrator may import rectification items');
  END IF;
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
  -- function is SECURITY INVOKER); the name is quoted by regclass.
  q := format('SELECT row_number() OVER (ORDER BY ctid) AS row_no, %s FROM %s',
              (SELECT string_agg(format('nullif(btrim(%1$I::text), %2$L) AS %1$I', c, ''), ', ') FROM unnest(needed) c),
              staging);

  -- 1. validate every row
  FOR r IN EXECUTE q LOOP
    n := r.row_no;
    IF r.code IS NULL THEN
      RAISE EXCEPTION 'row %: code is missing', n USING ERRCODE = 'not_null_violation';
    END IF;
    IF r.code = ANY (seen) THEN
      RAISE EXCEPTION 'row %: code "%" appears twice in the batch', n, r.code USING ERRCODE = 'unique_violation';
    END IF;
    seen := seen || r.code;
    IF EXISTS (SELECT 1 FROM rectify.items i WHERE i.code = r.code) THEN
      RAISE EXCEPTION 'row %: item "%" is already in the ledger', n, r.code USING ERRCODE = 'unique_violation';
    END IF;
    IF r.problem IS NULL THEN
      RAISE EXCEPTION 'row % (%): problem is missing', n, r.code USING ERRCODE = 'not_null_violation';
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
      IF r.region IS NULL THEN RAISE EXCEPTION 'missing' USING ERRCODE = 'invalid_text_representation'; END IF;
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'row % (%): invalid region "%"', n, r.code, r.region USING ERRCODE = 'invalid_text_representation';
    END;
    BEGIN
      IF r.assigned IS NULL OR NOT isfinite(r.assigned::date) THEN
        RAISE EXCEPTION 'missing' USING ERRCODE = 'invalid_datetime_format';
      END IF;
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'row % (%): invalid assigned date "%"', n, r.code, r.assigned
        USING ERRCODE = 'invalid_text_representation', HINT = 'Write dates as YYYY-MM-DD.';
    END;
    BEGIN
      PERFORM r.deadline_text::rectify.deadline;
      IF r.deadline_text IS NULL THEN RAISE EXCEPTION 'missing' USING ERRCODE = 'invalid_text_representation'; END IF;
    EXCEPTION WHEN data_exception THEN
      RAISE EXCEPTION 'row % (%): invalid deadline "%"', n, r.code, r.deadline_text
        USING ERRCODE = 'invalid_text_representation';
    END;
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
    id := rectify.register_item(r.code, r.region::rectify.region, r.problem, r.deadline_text, r.assigned::date,
                                r.category, r.source, r.target, r.leader, r.batch);
    FOR role, list IN SELECT * FROM (VALUES ('primary', r.primary_units), ('lead_supervisor', r.lead_supervisors),
                                            ('co_supervisor', r.co_supervisors)) v LOOP
      FOREACH x IN ARRAY coalesce(string_to_array(list, '|'), '{}') LOOP
        PERFORM rectify.assign_unit(id, btrim(x), role);
      END LOOP;
    END LOOP;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.import_items(regclass, boolean) IS
  'validates every row of a staging table shaped like rectify.import_template, then registers all its items with their units, or none: the first bad row is reported by number and reason (22P02, 22023, 23502, 23505); administrators only';
