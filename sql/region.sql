-- rectify.region: GB/T 2260 codes, hierarchy, containment, indexes, names.
-- (quietly: an earlier test in the schedule may have created it)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rectify;
RESET client_min_messages;
SET search_path = public, rectify;

-- Accepted forms: six digits, optional surrounding white space.
SELECT to_json(input) AS input, input::region AS region
  FROM (VALUES ('130000'), ('130600'), ('130602'), ('110101'), ('429004'),
               ('429000'), ('  431100'), ('340000  '), (E'\t131000\n'),
               ('820000'), ('659001')) AS t(input);

-- Rejected forms.
SELECT to_json(input) AS input, (testkit.try(quote_nullable(input) || '::rectify.region')).*
  FROM (VALUES (''), ('   '), ('13060'), ('1306021'), ('abcdef'), ('13060a'),
               ('13 0600'), ('x130600'), ('130600x'), ('130600.'), ('+130600'),
               ('-130600'), ('１３０６００'), ('000000'), ('990000'),
               ('190000'), ('001234'), ('130001'), ('130099')) AS t(input);

-- The raw errors, as a client sees them.
SELECT '13060'::region;
\echo :LAST_ERROR_SQLSTATE
SELECT '990000'::region;
\echo :LAST_ERROR_SQLSTATE
SELECT '130001'::region;
\echo :LAST_ERROR_SQLSTATE

-- NULL in, NULL out: the functions are strict.
SELECT NULL::region AS r, province(NULL), prefecture(NULL), parent(NULL),
       region_level(NULL), NULL::region <@ '130000' AS within,
       region_name(NULL);

-- Output re-parses to an equal value.
SELECT r, r::text::region = r AS round_trip
  FROM (VALUES ('130602'::region), ('429004'), ('110000')) AS t(r);

-- Hierarchy at every level: province, prefecture, county, a municipality's
-- district (110101 -> 110100 -> 110000), a province-administered county
-- (429004 -> 429000 -> 420000), a province-administered group (429000).
SELECT r, region_level(r) AS level, province(r), prefecture(r), parent(r),
       parent(parent(r)) AS grandparent
  FROM (VALUES ('130000'::region), ('130600'), ('130602'), ('110000'),
               ('110100'), ('110101'), ('429000'), ('429004'), ('500238'))
       AS t(r);

-- Containment, both ways, inclusive.
SELECT a, b, a @> b AS contains, b <@ a AS contained, b @> a AS reverse
  FROM (VALUES ('130600'::region, '130602'::region),
               ('130000', '130602'),
               ('130000', '130600'),
               ('130602', '130602'),
               ('130600', '130600'),
               ('130000', '130000'),
               ('130600', '131002'),
               ('130000', '140000'),
               ('429000', '429004'),
               ('420000', '429004'),
               ('110100', '110101'),
               ('130602', '130603')) AS t(a, b);

-- Comparison operators follow the numeric order of the codes.
SELECT '130600'::region < '130602' AS lt, '130600'::region <= '130600' AS le,
       '130602'::region > '130600' AS gt, '130600'::region >= '130602' AS ge,
       '130600'::region = '130600' AS eq, '130600'::region <> '130600' AS ne;

-- Casts: text both ways, integer (checked) to region, region to integer.
SELECT '130602'::region::text AS to_text, '130602'::text::region AS from_text,
       130602::region AS from_int, '130602'::region::integer + 1 AS to_int,
       rectify.region(431100) AS by_function;
SELECT (testkit.try(e)).* FROM (VALUES ('990000::rectify.region'),
       ('130001::rectify.region'), ('1306021::rectify.region'),
       ('(-1)::rectify.region'), ('12::rectify.region')) AS t(e);

-- Ordering, DISTINCT, grouping, and a hash join.
CREATE TABLE region_items (id serial, code region NOT NULL);
INSERT INTO region_items (code)
  VALUES ('431100'), ('130602'), ('130000'), ('130600'), ('131000'),
         ('130602'), ('340000'), ('110101'), ('429004'), ('130600');
-- integer codes can be assigned directly (checked cast)
INSERT INTO region_items (code) VALUES (131002);
INSERT INTO region_items (code) VALUES (991002);
\echo :LAST_ERROR_SQLSTATE
SELECT code FROM region_items ORDER BY code;
SELECT DISTINCT code FROM region_items ORDER BY code DESC;
SELECT province(code), count(*) FROM region_items GROUP BY 1 ORDER BY 1;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF)
SELECT i.code, r.name FROM region_items i JOIN rectify.regions r USING (code);
SELECT i.code, r.name FROM region_items i JOIN rectify.regions r USING (code)
 ORDER BY i.code, i.id;
RESET enable_mergejoin;
RESET enable_nestloop;
-- Equal values hash equal; the hash is int4's.
SELECT code, region_hash(code) = hashint4(code::integer) AS same_as_int4,
       region_hash_extended(code, 7) = hashint4extended(code::integer, 7) AS ext
  FROM (SELECT DISTINCT code FROM region_items) s ORDER BY code LIMIT 3;
SELECT count(DISTINCT region_hash(code)) = count(DISTINCT code) AS distinct_hashes,
       bool_and(region_hash(code) = region_hash(code::text::region)) AS stable
  FROM region_items;
-- A hash index works too.
CREATE INDEX region_items_hash ON region_items USING hash (code);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM region_items WHERE code = '130602';
SELECT id FROM region_items WHERE code = '130602' ORDER BY id;
RESET enable_seqscan;
DROP INDEX region_items_hash;

-- Binary input/output through COPY BINARY (region_send, region_recv), using
-- a file in the data directory.  An int4 column has the same wire format,
-- so it can carry codes that region_recv must refuse.
CREATE TABLE region_copy (code region);
CREATE TABLE int_copy (code integer);
SELECT testkit.copy_through('region_items (code)', 'region_copy');
SELECT (SELECT array_agg(code ORDER BY code) FROM region_copy)
     = (SELECT array_agg(code ORDER BY code) FROM region_items) AS same;
SELECT testkit.copy_through('region_items (code)', 'int_copy');
SELECT code FROM int_copy ORDER BY code LIMIT 3;
-- Each bad value alone in the file; region_copy must stay as it was.
SELECT v, testkit.copy_through(
            format('(SELECT %s::integer)', v), 'region_copy') AS outcome
  FROM (VALUES (130602), (990000), (0), (130001), (-1), (1306021)) AS t(v);
SELECT count(*) AS rows_now FROM region_copy;  -- 11 + the one good row

-- "Items within prefecture X" uses a btree index: the support function
-- turns <@ (and @> with the constant on the left) into a range.
CREATE TABLE region_big (id integer, code region);
INSERT INTO region_big
  SELECT g, (ARRAY[130000, 130600, 130602, 130606, 130681, 131000, 131002,
                   431100, 431123, 110101, 429004, 340000])[1 + g % 12]::region
    FROM generate_series(1, 12000) g;
-- a rare prefecture (Cangzhou, 130900)
INSERT INTO region_big SELECT 20000 + g, '130902' FROM generate_series(1, 5) g;
CREATE INDEX region_big_code ON region_big (code);
ANALYZE region_big;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE code <@ '130600';
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE '130600' @> code;
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE code <@ '130000';
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE code <@ '130602';
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big
  WHERE region_contained(code, '431100');
-- the rewritten scans return what the plain test returns
SELECT c, (SELECT count(*) FROM region_big WHERE code <@ c) AS indexed
  FROM (VALUES ('130600'::region), ('130000'), ('130602'), ('431100'),
               ('420000'), ('440000'), ('130900')) AS t(c);
RESET enable_seqscan;
-- Without forcing: a selective prefecture uses the index, a big province
-- does not, and the column as container cannot.
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE code <@ '130900';
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE code <@ '130000';
EXPLAIN (COSTS OFF) SELECT count(*) FROM region_big WHERE code @> '130602';
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT c, (SELECT count(*) FROM region_big WHERE code <@ c) AS seqscan
  FROM (VALUES ('130600'::region), ('130000'), ('130602'), ('431100'),
               ('420000'), ('440000'), ('130900')) AS t(c);
RESET enable_indexscan;
RESET enable_bitmapscan;
-- The estimate follows the statistics: a province is estimated as its share.
CREATE FUNCTION pg_temp.estimate(q text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::integer;
END $$;
SELECT pg_temp.estimate($$SELECT * FROM region_big WHERE code <@ '130000'$$) AS province,
       pg_temp.estimate($$SELECT * FROM region_big WHERE code <@ '130600'$$) AS prefecture,
       pg_temp.estimate($$SELECT * FROM region_big WHERE '130602' @> code$$) AS county,
       pg_temp.estimate($$SELECT * FROM region_big WHERE code <@ '130900'$$) AS rare;

-- The names table and region_name.
SELECT count(*) AS provinces FROM rectify.regions
 WHERE region_level(code) = 'province';
SELECT code, name, name_en FROM rectify.regions
 WHERE region_level(code) <> 'province' ORDER BY code;
SELECT r, region_name(r)
  FROM (VALUES ('130000'::region), ('130600'), ('130602'), ('130603'),
               ('131000'), ('131002'), ('431100'), ('429004'), ('820000'))
       AS t(r);
-- Rows users add: seeded defaults to false, so pg_dump keeps them.
INSERT INTO rectify.regions (code, name) VALUES ('130609', '徐水区');
SELECT code, name, seeded, region_name('130609') FROM rectify.regions
 WHERE code = '130609';
DELETE FROM rectify.regions WHERE code = '130609';
-- Roll-up through containment in a join: items per province, by name.
SELECT r.code, r.name, count(*) AS items
  FROM region_items i JOIN rectify.regions r ON i.code <@ r.code
 WHERE region_level(r.code) = 'province'
 GROUP BY r.code, r.name ORDER BY r.code;
-- Seeded rows are not dumped; rows users add are.
SELECT u.cond FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(tab, cond)
 WHERE e.extname = 'rectify' AND u.tab = 'rectify.regions'::regclass;
-- region_name works whatever the search_path.
SET search_path = pg_catalog;
SELECT rectify.region_name('130602'), rectify.region_name('431181');
SET search_path = public, rectify;

DROP TABLE region_items, region_copy, int_copy, region_big;
