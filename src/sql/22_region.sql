
-- ---------------------------------------------------------------------------
-- rectify.region: a GB/T 2260 administrative division code (src/region.c).
-- Stored as an int32 by value, so comparison and hashing reuse the built-in
-- int4 functions.  Every name below is schema-qualified: the script and the
-- functions must not depend on the caller's search_path.
-- ---------------------------------------------------------------------------

CREATE TYPE rectify.region;

CREATE FUNCTION rectify.region_in(cstring) RETURNS rectify.region AS 'MODULE_PATHNAME', 'region_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.region_out(rectify.region) RETURNS cstring AS 'MODULE_PATHNAME', 'region_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.region_recv(internal) RETURNS rectify.region AS 'MODULE_PATHNAME', 'region_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.region_send(rectify.region) RETURNS bytea AS 'MODULE_PATHNAME', 'region_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rectify.region (
  INPUT = rectify.region_in,
  OUTPUT = rectify.region_out,
  RECEIVE = rectify.region_recv,
  SEND = rectify.region_send,
  INTERNALLENGTH = 4,
  PASSEDBYVALUE,
  ALIGNMENT = int4,
  STORAGE = plain
);
COMMENT ON TYPE rectify.region IS
  'GB/T 2260 administrative division code (行政区划代码), e.g. 130000 Hebei, 130600 Baoding, 130602 Jingxiu';
COMMENT ON FUNCTION rectify.region_in(cstring) IS
  'Text input for rectify.region: six digits, the first two a real province-level code';
COMMENT ON FUNCTION rectify.region_out(rectify.region) IS
  'Text output for rectify.region: the six digits';
COMMENT ON FUNCTION rectify.region_recv(internal) IS
  'Binary input for rectify.region: a 4-byte integer, checked like text input';
COMMENT ON FUNCTION rectify.region_send(rectify.region) IS
  'Binary output for rectify.region: the code as a 4-byte integer';

-- Hierarchy ------------------------------------------------------------------

CREATE FUNCTION rectify.province(rectify.region) RETURNS rectify.region AS 'MODULE_PATHNAME', 'region_province' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.province(rectify.region) IS
  'The province-level division a region lies in (itself for a province): 130602 -> 130000';

CREATE FUNCTION rectify.prefecture(rectify.region) RETURNS rectify.region AS 'MODULE_PATHNAME', 'region_prefecture' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.prefecture(rectify.region) IS
  'The prefecture-level code (first four digits, then 00; itself for a prefecture; NULL for a province): 130602 -> 130600, 429004 -> 429000';

CREATE FUNCTION rectify.parent(rectify.region) RETURNS rectify.region AS 'MODULE_PATHNAME', 'region_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.parent(rectify.region) IS
  'One level up: county -> prefecture -> province -> NULL';

CREATE FUNCTION rectify.region_level(rectify.region) RETURNS text AS 'MODULE_PATHNAME', 'region_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.region_level(rectify.region) IS
  'The level of a region: province (PP0000), prefecture (PPCC00) or county (PPCCXX)';

-- Containment ----------------------------------------------------------------

CREATE FUNCTION rectify.region_support(internal) RETURNS internal AS 'MODULE_PATHNAME', 'region_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.region_support(internal) IS
  'Planner support: turns region containment against a constant into a btree index range';

CREATE FUNCTION rectify.region_contains(rectify.region, rectify.region) RETURNS boolean
  AS 'MODULE_PATHNAME', 'region_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
  SUPPORT rectify.region_support;
COMMENT ON FUNCTION rectify.region_contains(rectify.region, rectify.region) IS
  'True if the second region lies within the first or is the first (implements @>)';

CREATE FUNCTION rectify.region_contained(rectify.region, rectify.region) RETURNS boolean
  AS 'MODULE_PATHNAME', 'region_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
  SUPPORT rectify.region_support;
COMMENT ON FUNCTION rectify.region_contained(rectify.region, rectify.region) IS
  'True if the first region lies within the second or is the second (implements <@)';

CREATE FUNCTION rectify.region_contsel(internal, oid, internal, integer) RETURNS float8 AS 'MODULE_PATHNAME', 'region_contsel' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.region_contsel(internal, oid, internal, integer) IS
  'Selectivity of region containment: column <@ constant is estimated as the equivalent code range';

CREATE OPERATOR rectify.@> (
  LEFTARG = rectify.region, RIGHTARG = rectify.region,
  FUNCTION = rectify.region_contains,
  COMMUTATOR = OPERATOR(rectify.<@),
  RESTRICT = rectify.region_contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR rectify.@> (rectify.region, rectify.region) IS
  'contains (inclusive): 130600 @> 130602, 130000 @> 130602, x @> x';

CREATE OPERATOR rectify.<@ (
  LEFTARG = rectify.region, RIGHTARG = rectify.region,
  FUNCTION = rectify.region_contained,
  COMMUTATOR = OPERATOR(rectify.@>),
  RESTRICT = rectify.region_contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR rectify.<@ (rectify.region, rectify.region) IS
  'is contained in (inclusive): 130602 <@ 130600, 130602 <@ 130000, x <@ x';

-- Comparison: the representation is an int4, so the int4 functions serve ------

CREATE FUNCTION rectify.region_eq(rectify.region, rectify.region) RETURNS boolean AS 'int4eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_ne(rectify.region, rectify.region) RETURNS boolean AS 'int4ne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_lt(rectify.region, rectify.region) RETURNS boolean AS 'int4lt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_le(rectify.region, rectify.region) RETURNS boolean AS 'int4le' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_gt(rectify.region, rectify.region) RETURNS boolean AS 'int4gt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_ge(rectify.region, rectify.region) RETURNS boolean AS 'int4ge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_cmp(rectify.region, rectify.region) RETURNS integer AS 'btint4cmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_sortsupport(internal) RETURNS void AS 'btint4sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.region_hash(rectify.region) RETURNS integer AS 'hashint4' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rectify.region_hash_extended(rectify.region, bigint) RETURNS bigint AS 'hashint4extended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION rectify.region_eq(rectify.region, rectify.region) IS 'Implements = for rectify.region';
COMMENT ON FUNCTION rectify.region_ne(rectify.region, rectify.region) IS 'Implements <> for rectify.region';
COMMENT ON FUNCTION rectify.region_lt(rectify.region, rectify.region) IS 'Implements < for rectify.region';
COMMENT ON FUNCTION rectify.region_le(rectify.region, rectify.region) IS 'Implements <= for rectify.region';
COMMENT ON FUNCTION rectify.region_gt(rectify.region, rectify.region) IS 'Implements > for rectify.region';
COMMENT ON FUNCTION rectify.region_ge(rectify.region, rectify.region) IS 'Implements >= for rectify.region';
COMMENT ON FUNCTION rectify.region_cmp(rectify.region, rectify.region) IS 'Btree comparison for rectify.region (numeric order of the codes)';
COMMENT ON FUNCTION rectify.region_sortsupport(internal) IS 'Btree sort support for rectify.region';
COMMENT ON FUNCTION rectify.region_hash(rectify.region) IS 'Hash of a rectify.region (that of its integer code)';
COMMENT ON FUNCTION rectify.region_hash_extended(rectify.region, bigint) IS 'Seeded 64-bit hash of a rectify.region';

CALL rectify.create_comparison_operators('rectify.region', 'region', descriptions => ARRAY[
   'less than (numeric order of the codes)',
   'less than or equal (numeric order of the codes)',
   'equal',
   'greater than or equal (numeric order of the codes)',
   'greater than (numeric order of the codes)',
   'not equal']);

CREATE OPERATOR CLASS rectify.region_ops
  DEFAULT FOR TYPE rectify.region USING btree AS
    OPERATOR 1 rectify.<, OPERATOR 2 rectify.<=, OPERATOR 3 rectify.=,
    OPERATOR 4 rectify.>=, OPERATOR 5 rectify.>,
    FUNCTION 1 rectify.region_cmp(rectify.region, rectify.region),
    FUNCTION 2 (rectify.region, rectify.region) rectify.region_sortsupport(internal),
    FUNCTION 4 (rectify.region, rectify.region) pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS rectify.region_ops USING btree IS
  'Default btree class for rectify.region: numeric order, so a province sorts just before its prefectures and counties';
COMMENT ON OPERATOR FAMILY rectify.region_ops USING btree IS
  'Btree family of rectify.region';

CREATE OPERATOR CLASS rectify.region_ops
  DEFAULT FOR TYPE rectify.region USING hash AS
    OPERATOR 1 rectify.=,
    FUNCTION 1 rectify.region_hash(rectify.region),
    FUNCTION 2 rectify.region_hash_extended(rectify.region, bigint);
COMMENT ON OPERATOR CLASS rectify.region_ops USING hash IS
  'Default hash class for rectify.region';
COMMENT ON OPERATOR FAMILY rectify.region_ops USING hash IS
  'Hash family of rectify.region';

-- Casts ------------------------------------------------------------------------

CREATE FUNCTION rectify.region(integer) RETURNS rectify.region AS 'MODULE_PATHNAME', 'region_from_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.region(integer) IS
  'A region from its integer code, checked like text input: rectify.region(130602)';

CREATE CAST (integer AS rectify.region)
  WITH FUNCTION rectify.region(integer) AS ASSIGNMENT;
COMMENT ON CAST (integer AS rectify.region) IS
  'Checked: only valid codes convert; assignment, so integer codes can be inserted into region columns';
CREATE CAST (rectify.region AS integer) WITHOUT FUNCTION;
COMMENT ON CAST (rectify.region AS integer) IS
  'The code as an integer (same representation); explicit only';
CREATE CAST (text AS rectify.region) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS rectify.region) IS
  'Parses six digits, as the type''s input does; in assignment too, so a text-bound parameter (Npgsql) fills a region column';
CREATE CAST (rectify.region AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (rectify.region AS text) IS
  'The six digits';

-- Names ------------------------------------------------------------------------

CREATE TABLE rectify.regions (
  code    rectify.region PRIMARY KEY,
  name    text NOT NULL,
  name_en text,
  seeded  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rectify.regions IS
  'Names of regions: the 34 province-level divisions and the cities and counties in the source documents ship with the extension (seeded); add your own rows';
COMMENT ON COLUMN rectify.regions.code IS 'GB/T 2260 code';
COMMENT ON COLUMN rectify.regions.name IS 'Official Chinese name, e.g. 保定市';
COMMENT ON COLUMN rectify.regions.name_en IS 'English name, if known';
COMMENT ON COLUMN rectify.regions.seeded IS
  'True for rows installed by the extension; only the others are dumped by pg_dump (the extension re-creates these)';

INSERT INTO rectify.regions (code, name, name_en, seeded) VALUES
  ('110000', '北京市', 'Beijing', true),
  ('120000', '天津市', 'Tianjin', true),
  ('130000', '河北省', 'Hebei', true),
  ('140000', '山西省', 'Shanxi', true),
  ('150000', '内蒙古自治区', 'Inner Mongolia', true),
  ('210000', '辽宁省', 'Liaoning', true),
  ('220000', '吉林省', 'Jilin', true),
  ('230000', '黑龙江省', 'Heilongjiang', true),
  ('310000', '上海市', 'Shanghai', true),
  ('320000', '江苏省', 'Jiangsu', true),
  ('330000', '浙江省', 'Zhejiang', true),
  ('340000', '安徽省', 'Anhui', true),
  ('350000', '福建省', 'Fujian', true),
  ('360000', '江西省', 'Jiangxi', true),
  ('370000', '山东省', 'Shandong', true),
  ('410000', '河南省', 'Henan', true),
  ('420000', '湖北省', 'Hubei', true),
  ('430000', '湖南省', 'Hunan', true),
  ('440000', '广东省', 'Guangdong', true),
  ('450000', '广西壮族自治区', 'Guangxi', true),
  ('460000', '海南省', 'Hainan', true),
  ('500000', '重庆市', 'Chongqing', true),
  ('510000', '四川省', 'Sichuan', true),
  ('520000', '贵州省', 'Guizhou', true),
  ('530000', '云南省', 'Yunnan', true),
  ('540000', '西藏自治区', 'Tibet', true),
  ('610000', '陕西省', 'Shaanxi', true),
  ('620000', '甘肃省', 'Gansu', true),
  ('630000', '青海省', 'Qinghai', true),
  ('640000', '宁夏回族自治区', 'Ningxia', true),
  ('650000', '新疆维吾尔自治区', 'Xinjiang', true),
  ('710000', '台湾省', 'Taiwan', true),
  ('810000', '香港特别行政区', 'Hong Kong', true),
  ('820000', '澳门特别行政区', 'Macao', true),
  -- Cities of the source documents (seeds 002, 003, 001).
  ('130600', '保定市', 'Baoding', true),
  ('131000', '廊坊市', 'Langfang', true),
  ('431100', '永州市', 'Yongzhou', true),
  -- Some Baoding districts and county-level cities.
  ('130602', '竞秀区', 'Jingxiu', true),
  ('130606', '莲池区', 'Lianchi', true),
  ('130681', '涿州市', 'Zhuozhou', true),
  ('130682', '定州市', 'Dingzhou', true),
  -- Yongzhou counties named in seed 001.
  ('431123', '双牌县', 'Shuangpai', true),
  ('431124', '道县', 'Daoxian', true),
  ('431181', '祁阳市', 'Qiyang', true);

SELECT pg_catalog.pg_extension_config_dump('rectify.regions', 'WHERE NOT seeded');

CREATE FUNCTION rectify.region_name(code rectify.region) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
  SELECT r.name
    FROM rectify.regions AS r
   WHERE r.code OPERATOR(rectify.=) region_name.code
      OR r.code OPERATOR(rectify.=) rectify.prefecture(region_name.code)
      OR r.code OPERATOR(rectify.=) rectify.province(region_name.code)
   ORDER BY r.code DESC
   LIMIT 1;
END;
COMMENT ON FUNCTION rectify.region_name(rectify.region) IS
  'Name of a region from rectify.regions; for a code not listed, the name of its prefecture, else of its province';
