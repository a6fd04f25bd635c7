-- rectify.emission: input forms, output, rounding, arithmetic, ordering,
-- hashing and aggregates.
-- (quietly: an earlier test in the schedule may have created it)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rectify;
RESET client_min_messages;
SET search_path = public, rectify;
\set SHOW_CONTEXT never

-- try(expression): the value as text, or "ERROR <SQLSTATE>: <message>",
-- so that a table of bad inputs shows every SQLSTATE.
CREATE FUNCTION pg_temp.try(expr text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text;
BEGIN
  EXECUTE 'SELECT (' || expr || ')::text' INTO r;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
-- why(expression): the DETAIL of its error, if any
CREATE FUNCTION pg_temp.why(expr text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  EXECUTE 'SELECT (' || expr || ')::text';
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;

-- ------------------------------------------------------------------
-- Accepted forms: output, grams, and the output re-parses equal
-- ------------------------------------------------------------------
SELECT s AS input, e AS output, grams(e), pollutant(e), e::text::emission = e AS reparses
FROM (VALUES
  ('12.5 t NOx'), ('12.5t NOx'), ('3.2万吨 COD'), ('氨氮 1.2吨'), ('化学需氧量 850 kg'),
  ('850 kg SO2'), ('NOx 12.5 t'), ('1.2吨氨氮'), ('氨氮1.2吨'), ('850kg SO2'),
  -- traditional characters
  ('3.2萬噸 COD'), ('1.2噸 氨氮'), ('化學需氧量 850 kg'), ('氮氧化物 12.5 t'),
  ('揮發性有機物 3 t'), ('顆粒物 0.5 t'), ('二氧化碳 2 Mt'), ('總氮 1 t'),
  ('總磷 0.25 t'), ('二氧化硫 10 t'),
  -- simplified names of the rest
  ('挥发性有机物 3 t'), ('颗粒物 0.5 t'), ('总氮 1 t'), ('总磷 0.25 t'),
  -- ASCII names and units in any case (but Mt only as Mt)
  ('nh3-n 1 t'), ('nh3n 1 t'), ('1 t NH3N'), ('nox 1 t'), ('1 T vocs'), ('cod 1 KG'),
  ('Co2 1 kt'), ('so2 1g'), ('tn 1 t'), ('tp 1 t'), ('pm 1 t'),
  -- every unit
  ('1 g COD'), ('1 kg COD'), ('1 t COD'), ('1 kt COD'), ('1 Mt COD'), ('1 克 COD'),
  ('1 千克 COD'), ('1 公斤 COD'), ('1 吨 COD'), ('1 噸 COD'), ('1 万吨 COD'), ('1 萬噸 COD'),
  -- white space (tab, ideographic space U+3000), signs, leading zeros, bare points
  (E'  12.5 \t t   NOx  '), ('12.5　吨　COD'), ('-12.5 t NOx'), ('+3 t COD'), ('-0 t COD'),
  ('.5 t COD'), ('5. t COD'), ('007 t COD'), ('0 g COD'), ('氨氮 -1.2吨')
) v(s), LATERAL (SELECT s::emission AS e) x;

-- ------------------------------------------------------------------
-- Rounding to the gram: half away from zero, on the exact decimal
-- ------------------------------------------------------------------
SELECT s AS input, grams(s::emission), s::emission AS output
FROM (VALUES
  ('0.0000005 t COD'), ('0.00000049999999 t COD'), ('-0.0000005 t COD'),
  ('-0.00000049999999 t COD'), ('1.5 g COD'), ('2.5 g COD'), ('-2.5 g COD'),
  ('0.4 g COD'), ('1.23456789 t COD'), ('0.0005 kg COD'), ('1.00000050000000000000001 t COD'),
  ('3.14159265358979 万吨 COD')
) v(s);

-- Limits: the int64 range of grams, exactly
SELECT s AS input, pg_temp.try(format('grams(%L::emission)', s)) AS grams
FROM (VALUES
  ('9223372036854.775807 t COD'), ('9223372036854.775808 t COD'),
  ('-9223372036854.775808 t COD'), ('-9223372036854.775809 t COD'),
  ('9223372036854775807 g COD'), ('9223372036854775807.4 g COD'),
  ('9223372036854775807.5 g COD'), ('-9223372036854775808.4 g COD'),
  ('-9223372036854775808.5 g COD'), ('9223372.036854775807 Mt COD'),
  ('99999999999999999999 Mt COD'), ('0000000000000000000000000001 g COD')
) v(s);
SELECT '-9223372036854.775808 t COD'::emission::text::emission = '-9223372036854.775808 t COD'
  AS min_reparses;

-- ------------------------------------------------------------------
-- Rejected forms: all 22P02
-- ------------------------------------------------------------------
SELECT s AS input, pg_temp.try(format('%L::emission', s)) AS result,
       pg_temp.why(format('%L::emission', s)) AS detail
FROM (VALUES
  (''), ('   '), ('NOx'), ('12.5'), ('12.5 t'), ('t NOx'), ('12.5 NOx'),
  ('12.5 furlongs NOx'), ('12.5 t XYZ'), ('12.5 t NOx extra'), ('NOx 12.5 t NOx'),
  ('12.5tNOx'), ('NOx12.5 t'), ('12,5 t NOx'), ('1e3 t NOx'), ('12.5 mt NOx'),
  ('12.5 MT NOx'), ('- 5 t COD'), ('. t COD'), ('12.5 t NOx;'), ('1.2.3 t COD'),
  ('12.5 tonnes NOx'), ('12.5 t NO'), ('12.5 t VOC'), ('12.5 t NOxx'), ('--1 t COD'),
  ('1 t 化学需氧'), ('一 吨 COD')
) v(s);

-- One error in full: the input quoted, where it failed, what is accepted
SELECT '12.5 furlongs NOx'::emission;
SELECT '3.2万吨'::emission;

-- ------------------------------------------------------------------
-- Constructor and accessors
-- ------------------------------------------------------------------
SELECT emission(12.5, 't', 'NOx'), emission(3.2, '万吨', 'COD'), emission(850, 'kg', '化學需氧量'),
       emission(-0.0000005, 't', 'COD'), emission(0.0000005, ' t ', ' nh3-n '),
       emission(NULL, 't', 'COD') IS NULL AS strict;
SELECT pg_temp.try(e) AS result FROM (VALUES
  ($$emission(1, 'furlong', 'COD')$$), ($$emission(1, 't', 'XYZ')$$),
  ($$emission(1, 't NOx', 'NOx')$$), ($$emission('NaN', 't', 'COD')$$),
  ($$emission('Infinity', 't', 'COD')$$), ($$emission(1e20, 't', 'COD')$$)
) v(e);
SELECT e AS emission, tonnes(e), grams(e), pollutant(e)
FROM (VALUES ('12.5 t NOx'::emission), ('1 g COD'), ('-0.5 t SO2'), ('32000 t COD'),
             ('9223372036854.775807 t CO2'), ('-9223372036854.775808 t PM')) v(e);
SELECT pg_typeof(tonnes('1 t COD')), tonnes('1.5 t COD') * 2 AS exact_numeric;

-- Casts to and from text; text columns take emissions by assignment
SELECT '12.5 t NOx'::text::emission, CAST('氨氮 1.2吨'::emission AS text);
CREATE TEMP TABLE as_text (t text);
INSERT INTO as_text VALUES ('3.2万吨 COD'::emission);
SELECT t FROM as_text;

-- ------------------------------------------------------------------
-- Arithmetic
-- ------------------------------------------------------------------
SELECT '12.5 t NOx'::emission + '500 kg NOx' AS plus,
       '1 t COD'::emission - '3 t COD' AS negative,
       -'12.5 t NOx'::emission AS minus,
       (-'2 t COD'::emission)::text::emission = '-2 t COD' AS negative_reparses,
       '12.5 t NOx'::emission * 1.5 AS times, 2 * '12.5 t NOx'::emission AS commuted,
       '12.5 t NOx'::emission / 4 AS divided, '12.5 t NOx'::emission / '50 t NOx' AS ratio;

-- Rounding of * and / to the gram, half away from zero
SELECT e AS expr, pg_temp.try(e) AS result FROM (VALUES
  ($$'10 g COD'::emission / 3$$), ($$'20 g COD'::emission / 3$$), ($$'-20 g COD'::emission / 3$$),
  ($$'5 g COD'::emission / 2$$), ($$'-5 g COD'::emission / 2$$), ($$'5 g COD'::emission / -2$$),
  ($$'1 g COD'::emission * 0.5$$), ($$'-1 g COD'::emission * 0.5$$), ($$'3 g COD'::emission * 0.5$$),
  ($$'1 g COD'::emission * 0.49$$), ($$'1 t COD'::emission / 0.3$$),
  ($$'9007199254740993 g COD'::emission * 1$$), ($$'9007199254740993 g COD'::emission / 1$$)
) v(e);

-- Errors: mixing pollutants (22023), overflow (22003), division by zero (22012)
SELECT e AS expr, pg_temp.try(e) AS result FROM (VALUES
  ($$'1 t NOx'::emission + '1 t COD'$$), ($$'1 t COD'::emission - '1 t NOx'$$),
  ($$'1 t SO2'::emission / '1 t NH3-N'$$),
  ($$'9223372036854.775807 t COD'::emission + '1 g COD'$$),
  ($$'-9223372036854.775808 t COD'::emission - '1 g COD'$$),
  ($$-'-9223372036854.775808 t COD'::emission$$),
  ($$'9223372036854 t COD'::emission * 2$$), ($$'1 t COD'::emission * 1e300$$),
  ($$'1 t COD'::emission / 1e-300$$), ($$'-9223372036854.775808 t COD'::emission / -1$$),
  ($$'-9223372036854.775808 t COD'::emission / 1$$),
  ($$'1 t COD'::emission * 'NaN'::float8$$), ($$'1 t COD'::emission * 'Infinity'::float8$$),
  ($$'1 t COD'::emission / '-Infinity'::float8$$),
  ($$'1 t COD'::emission / 0$$), ($$'1 t COD'::emission / '0 t COD'$$)
) v(e);
SELECT '1 t NOx'::emission + '1 t COD';

-- ------------------------------------------------------------------
-- Comparison: a total order (pollutant, then amount) that never errors
-- ------------------------------------------------------------------
SELECT '1 t NOx'::emission = '1 t COD' AS mixed_eq, '1 t NOx'::emission <> '1 t COD' AS mixed_ne,
       '1000 kg NOx'::emission = '1 t NOx' AS same, '1 t COD'::emission < '0 t NOx' AS cod_first,
       '-1 t NOx'::emission < '1 g NOx' AS by_amount, emission_cmp('2 t PM', '1 t PM') AS cmp;

CREATE TABLE mixed (id serial PRIMARY KEY, e emission);
INSERT INTO mixed (e) VALUES
  ('12.5 t NOx'), ('1 t COD'), ('12500 kg NOx'), (NULL), ('氨氮 1.2吨'), ('-3 t COD'),
  ('1 t COD'), ('2 Mt CO2'), ('0.5 t PM'), ('1.2 噸 NH3-N'), ('850 kg SO2');
SELECT id, e FROM mixed ORDER BY e, id;
SELECT DISTINCT e FROM mixed ORDER BY e DESC;
SELECT pollutant(e), count(*), sum(e), min(e), max(e), avg(e)
FROM mixed GROUP BY 1 ORDER BY 1;
-- as window aggregates: running totals per pollutant
SELECT id, e, sum(e) OVER w, avg(e) OVER w, min(e) OVER w, max(e) OVER w
FROM mixed WHERE e IS NOT NULL
WINDOW w AS (PARTITION BY pollutant(e) ORDER BY id) ORDER BY pollutant(e), id;
-- pollutant() hands out one text per pollutant per call site; whatever
-- keeps the names (an array, a string, the previous row's) sees each
-- row's own
SELECT array_agg(pollutant(e) ORDER BY id) AS names,
       string_agg(pollutant(e), ' ' ORDER BY id) AS joined
FROM mixed WHERE e IS NOT NULL;
SELECT id, pollutant(e), lag(pollutant(e)) OVER (ORDER BY id) AS previous
FROM mixed WHERE id <= 3 ORDER BY id;
-- a moving frame (restarts the aggregate for every row)
SELECT id, e, sum(e) OVER (PARTITION BY pollutant(e) ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
FROM mixed WHERE e IS NOT NULL ORDER BY pollutant(e), id;

-- GROUP BY the value itself, by hashing and by sorting
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT e, count(*) FROM mixed GROUP BY e;
SELECT e, count(*) FROM mixed GROUP BY e ORDER BY e;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT e, count(*) FROM mixed GROUP BY e;
SELECT e, count(*) FROM mixed GROUP BY e;
RESET enable_hashagg;

-- Hash join and merge join on a mixed column
CREATE TABLE targets (e emission, label text);
INSERT INTO targets VALUES ('1 t COD', 'COD 1 t'), ('1 t NOx', 'NOx 1 t (no match)'),
  ('12.5 t NOx', 'NOx 12.5 t'), ('1.2 t NH3-N', 'NH3-N 1.2 t');
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT m.id, t.label FROM mixed m JOIN targets t ON m.e = t.e;
SELECT m.id, t.label FROM mixed m JOIN targets t ON m.e = t.e ORDER BY m.id;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT m.id, t.label FROM mixed m JOIN targets t ON m.e = t.e;
SELECT m.id, t.label FROM mixed m JOIN targets t ON m.e = t.e ORDER BY m.id;
RESET enable_hashjoin;
RESET enable_nestloop;

-- Equal values hash equal (in both hash functions); different ones differ
SELECT emission_hash('1 t NOx') = emission_hash('1000 kg NOx') AS equal_hash,
       emission_hash_extended('1 t NOx', 42) = emission_hash_extended('氮氧化物 1000公斤', 42)
         AS equal_hash_extended,
       emission_hash('1 t NOx') <> emission_hash('1 t COD') AS pollutant_hashed,
       emission_hash('1 t NOx') <> emission_hash('2 t NOx') AS amount_hashed,
       emission_hash_extended('1 t NOx', 0) <> emission_hash_extended('1 t NOx', 1) AS seeded;
SELECT count(DISTINCT emission_hash(e)) AS hashes, count(DISTINCT e) AS values FROM mixed;

-- Unique index: equal amounts of different pollutants coexist
CREATE UNIQUE INDEX targets_e_key ON targets (e);
INSERT INTO targets VALUES ('1 t SO2', 'SO2 1 t');
INSERT INTO targets VALUES ('1000 kg COD', 'duplicate');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT label FROM targets WHERE e = '1 t SO2';
SELECT label FROM targets WHERE e = '1 t SO2';
RESET enable_seqscan;

-- ------------------------------------------------------------------
-- Aggregates: NULLs, empty input, mixed pollutants, overflow, rounding
-- ------------------------------------------------------------------
SELECT sum(e), min(e), max(e), avg(e), count(e)
FROM (VALUES ('1 t COD'::emission), (NULL), ('2.5 t COD'), (NULL)) v(e);
SELECT sum(e) IS NULL AS sum_null, min(e) IS NULL AS min_null, max(e) IS NULL AS max_null,
       avg(e) IS NULL AS avg_null
FROM (VALUES (NULL::emission), (NULL)) v(e);
SELECT sum(e) IS NULL AS sum_null, avg(e) IS NULL AS avg_null FROM mixed WHERE false;
SELECT avg(e) FROM (VALUES ('1 g COD'::emission), ('2 g COD')) v(e);
SELECT avg(e) FROM (VALUES ('-1 g COD'::emission), ('-2 g COD')) v(e);
SELECT avg(e) FROM (VALUES ('1 g COD'::emission), ('1 g COD'), ('2 g COD')) v(e);
SELECT sum(e) AS net FROM (VALUES ('5 t NOx'::emission), ('-7.25 t NOx')) v(e);
SELECT min(e), max(e) FROM mixed;
SELECT pg_temp.try(q) AS result FROM (VALUES
  ('(SELECT sum(e) FROM mixed)'), ('(SELECT avg(e) FROM mixed)'),
  ($$(SELECT sum(e) FROM (VALUES ('9223372036854 t COD'::emission), ('1 t COD')) v(e))$$),
  ($$(SELECT avg(e) FROM (VALUES ('9223372036854 t COD'::emission), ('1 t COD')) v(e))$$)
) v(q);
-- the mean of amounts whose sum would overflow is still exact
SELECT avg(e), avg(e) = '4611686018427.387904 t COD'::emission AS exact
  FROM (VALUES ('9223372036854.775807 t COD'::emission), ('1 g COD')) v(e);
SELECT avg(e) FROM (VALUES ('-9223372036854.775807 t COD'::emission), ('-9223372036854.775807 t COD'),
                           ('-1 g COD')) v(e);

-- Parallel aggregation: Partial Aggregate in workers, same result as serial
CREATE TABLE big AS
  SELECT i, emission(i % 1000 - 300.5, 'kg', (ARRAY['COD', 'NOx', 'SO2'])[i % 3 + 1]) AS e
  FROM generate_series(1, 30000) i;
ANALYZE big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT pollutant(e), sum(e), avg(e), min(e), max(e) FROM big GROUP BY 1;
EXPLAIN (COSTS OFF)
SELECT sum(e), avg(e) FROM big WHERE pollutant(e) = 'NOx';
CREATE TEMP TABLE par AS
  SELECT pollutant(e) AS p, sum(e) AS s, avg(e) AS a, min(e) AS lo, max(e) AS hi
  FROM big GROUP BY 1;
SET max_parallel_workers_per_gather = 0;
SELECT p, s, a, lo, hi,
       s = sum(e) AND a = avg(e) AND lo = min(e) AND hi = max(e) AS same_as_serial,
       grams(s) = sum(grams(e)) AS exact
FROM par JOIN big ON pollutant(e) = p GROUP BY p, s, a, lo, hi ORDER BY p;
RESET ALL;

-- Binary I/O: send, and recv as strict as text input (COPY BINARY files
-- written with lo_export: header, one row of one 16-byte field, trailer)
SET search_path = public, rectify;
SELECT emission_send('1 t NOx') AS send_1t_nox, emission_send('-1 g COD') AS send_minus_1g_cod;
CREATE TABLE bin (e emission);
CREATE FUNCTION pg_temp.copy_binary(field_hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo oid := lo_from_bytea(0, decode('5047434f50590aff0d0a00' || '0000000000000000'
                                    || '0001' || '00000010' || field_hex || 'ffff', 'hex'));
BEGIN
  PERFORM lo_export(lo, 'emission_recv_test.bin');
  PERFORM lo_unlink(lo);
  BEGIN
    COPY bin FROM 'emission_recv_test.bin' WITH (FORMAT binary);
    RETURN 'ok';
  EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
  END;
END $$;
SELECT f AS field, pg_temp.copy_binary(f) AS result FROM (VALUES
  ('00000000000f42400000000600000000'),   -- 1 t NOx
  ('ffffffffffffffff0000000100000000'),   -- -1 g COD
  ('00000000000f42400000000a00000000'),   -- pollutant 10: unknown
  ('00000000000f42400000000000000000'),   -- pollutant 0
  ('00000000000f42400000000600000001')    -- reserved not zero
) v(f);
SELECT e FROM bin;
DROP TABLE bin, big, mixed, targets;
