
-- ---------------------------------------------------------------------------
-- rectify.region: a GB/T 2260 administrative division code (src/region.c).
-- Stored as an int32 by value, so comparison and hashing reuse the built-in
-- int4 functions.  Every name below is schema-qualified: the script and the
-- functions must not depend on the caller's search_path.
-- ---------------------------------------------------------------------------

-- Declared by rectify.create_base_type (19_base_types.sql): the I/O
-- functions region_in/_out/_recv/_send, region_lt ... region_ne,
-- region_cmp, region_sortsupport, region_hash(_extended), the operators
-- < <= = >= > <> and the btree and hash classes region_ops, all on the
-- built-in int4 functions.
CALL rectify.create_base_type('rectify.region',
  'INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4, STORAGE = plain',
  compared_by => 'int4', hashed_by => 'int4',
  order_name => 'numeric order of the codes, so a province sorts just before its prefectures and counties');
COMMENT ON TYPE rectify.region IS
  'GB/T 2260 administrative division code (行政区划代码), e.g. 130000 Hebei, 130600 Baoding, 130602 Jingxiu. Text form: six digits, the first two a real province-level code; binary form: the code as a 4-byte integer, checked like text';

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
