-- ---------------------------------------------------------------------
-- rectify.emission (src/emission.c): an amount of one pollutant, its
-- operators and aggregates.  The accounting built on it is in
-- 31_accounting.sql.
-- ---------------------------------------------------------------------

-- Declared by rectify.create_base_type (19_base_types.sql): the I/O
-- functions emission_in/_out/_recv/_send, emission_lt ... emission_ne,
-- emission_cmp, emission_hash(_extended), the operators < <= = >= > <>
-- and the btree and hash classes emission_ops.  The order is total
-- (by pollutant, then amount) and comparison never errors, so mixed
-- columns sort and join.
CALL rectify.create_base_type('rectify.emission',
  'INTERNALLENGTH = 16, ALIGNMENT = double, STORAGE = plain',
  compared_by => 'C', hashed_by => 'C', order_name => 'by pollutant, then amount');
COMMENT ON TYPE rectify.emission IS
  'An amount of one pollutant in integer grams, e.g. ''12.5 t NOx'', ''3.2万吨 COD'', ''氨氮 1.2吨''; arithmetic checks the pollutant, comparisons order by pollutant then amount';

CREATE CAST (rectify.emission AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (text AS rectify.emission) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (rectify.emission AS text) IS 'Canonical text form, e.g. ''12.5 t NOx''';
COMMENT ON CAST (text AS rectify.emission) IS 'Parses any accepted emission form; in assignment too, so a text-bound parameter (Npgsql) fills an emission column';

-- Constructors and accessors
CREATE FUNCTION rectify.emission(amount numeric, unit text, pollutant text)
  RETURNS rectify.emission
  AS 'MODULE_PATHNAME', 'emission_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.emission(numeric, text, text) IS
  'Builds an emission from amount, unit (g, kg, t, kt, Mt, 吨, 万吨, ...) and pollutant name, rounded to the gram';

CREATE FUNCTION rectify.tonnes(rectify.emission) RETURNS numeric AS 'MODULE_PATHNAME', 'emission_tonnes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.tonnes(rectify.emission) IS 'The exact amount in tonnes';

CREATE FUNCTION rectify.grams(rectify.emission) RETURNS bigint AS 'MODULE_PATHNAME', 'emission_grams' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.grams(rectify.emission) IS 'The exact amount in grams';

CREATE FUNCTION rectify.pollutant(rectify.emission) RETURNS text AS 'MODULE_PATHNAME', 'emission_pollutant' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.pollutant(rectify.emission) IS
  'Canonical pollutant name: COD, NH3-N, TN, TP, SO2, NOx, VOCs, PM or CO2';

-- Arithmetic (pollutant- and overflow-checked)
CREATE FUNCTION rectify.emission_pl(rectify.emission, rectify.emission) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_pl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_mi(rectify.emission, rectify.emission) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_mi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_um(rectify.emission) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_um' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_mul_float8(rectify.emission, float8) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_mul_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.float8_mul_emission(float8, rectify.emission) RETURNS rectify.emission LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rectify.emission_mul_float8($2, $1);
CREATE FUNCTION rectify.emission_div_float8(rectify.emission, float8) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_div_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_div(rectify.emission, rectify.emission) RETURNS float8 AS 'MODULE_PATHNAME', 'emission_div' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.emission_pl(rectify.emission, rectify.emission) IS 'Implements emission + emission (same pollutant)';
COMMENT ON FUNCTION rectify.emission_mi(rectify.emission, rectify.emission) IS 'Implements emission - emission (same pollutant)';
COMMENT ON FUNCTION rectify.emission_um(rectify.emission) IS 'Implements - emission';
COMMENT ON FUNCTION rectify.emission_mul_float8(rectify.emission, float8) IS 'Implements emission * float8, rounded to the gram';
COMMENT ON FUNCTION rectify.float8_mul_emission(float8, rectify.emission) IS 'Implements float8 * emission, rounded to the gram';
COMMENT ON FUNCTION rectify.emission_div_float8(rectify.emission, float8) IS 'Implements emission / float8, rounded to the gram';
COMMENT ON FUNCTION rectify.emission_div(rectify.emission, rectify.emission) IS 'Implements emission / emission (same pollutant): a ratio';

CREATE OPERATOR rectify.+ (LEFTARG = rectify.emission, RIGHTARG = rectify.emission,
  FUNCTION = rectify.emission_pl, COMMUTATOR = OPERATOR(rectify.+));
CREATE OPERATOR rectify.- (LEFTARG = rectify.emission, RIGHTARG = rectify.emission,
  FUNCTION = rectify.emission_mi);
CREATE OPERATOR rectify.- (RIGHTARG = rectify.emission, FUNCTION = rectify.emission_um);
CREATE OPERATOR rectify.* (LEFTARG = rectify.emission, RIGHTARG = float8,
  FUNCTION = rectify.emission_mul_float8, COMMUTATOR = OPERATOR(rectify.*));
CREATE OPERATOR rectify.* (LEFTARG = float8, RIGHTARG = rectify.emission,
  FUNCTION = rectify.float8_mul_emission, COMMUTATOR = OPERATOR(rectify.*));
CREATE OPERATOR rectify./ (LEFTARG = rectify.emission, RIGHTARG = float8,
  FUNCTION = rectify.emission_div_float8);
CREATE OPERATOR rectify./ (LEFTARG = rectify.emission, RIGHTARG = rectify.emission,
  FUNCTION = rectify.emission_div);
COMMENT ON OPERATOR rectify.+ (rectify.emission, rectify.emission) IS 'Sum of two amounts of the same pollutant';
COMMENT ON OPERATOR rectify.- (rectify.emission, rectify.emission) IS 'Difference of two amounts of the same pollutant';
COMMENT ON OPERATOR rectify.- (NONE, rectify.emission) IS 'Negated amount';
COMMENT ON OPERATOR rectify.* (rectify.emission, float8) IS 'Amount times a factor, rounded to the gram';
COMMENT ON OPERATOR rectify.* (float8, rectify.emission) IS 'Factor times an amount, rounded to the gram';
COMMENT ON OPERATOR rectify./ (rectify.emission, float8) IS 'Amount divided by a number, rounded to the gram';
COMMENT ON OPERATOR rectify./ (rectify.emission, rectify.emission) IS 'Ratio of two amounts of the same pollutant';

-- Aggregates: sum, min, max, avg (all parallel safe)
CREATE FUNCTION rectify.emission_sum_accum(rectify.emission, rectify.emission) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_sum_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_smaller(rectify.emission, rectify.emission) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_larger(rectify.emission, rectify.emission) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_avg_accum(internal, rectify.emission) RETURNS internal AS 'MODULE_PATHNAME', 'emission_avg_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rectify.emission_avg_combine(internal, internal) RETURNS internal AS 'MODULE_PATHNAME', 'emission_avg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rectify.emission_avg_serialize(internal) RETURNS bytea AS 'MODULE_PATHNAME', 'emission_avg_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_avg_deserialize(bytea, internal) RETURNS internal AS 'MODULE_PATHNAME', 'emission_avg_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rectify.emission_avg_final(internal) RETURNS rectify.emission AS 'MODULE_PATHNAME', 'emission_avg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.emission_sum_accum(rectify.emission, rectify.emission) IS 'sum(emission) transition and combine function';
COMMENT ON FUNCTION rectify.emission_smaller(rectify.emission, rectify.emission) IS 'The smaller of two emissions (min transition)';
COMMENT ON FUNCTION rectify.emission_larger(rectify.emission, rectify.emission) IS 'The larger of two emissions (max transition)';
COMMENT ON FUNCTION rectify.emission_avg_accum(internal, rectify.emission) IS 'avg(emission) transition function';
COMMENT ON FUNCTION rectify.emission_avg_combine(internal, internal) IS 'avg(emission) combine function';
COMMENT ON FUNCTION rectify.emission_avg_serialize(internal) IS 'avg(emission) state serialization';
COMMENT ON FUNCTION rectify.emission_avg_deserialize(bytea, internal) IS 'avg(emission) state deserialization';
COMMENT ON FUNCTION rectify.emission_avg_final(internal) IS 'avg(emission) final function';

CREATE AGGREGATE rectify.sum(rectify.emission) (
  SFUNC = rectify.emission_sum_accum, STYPE = rectify.emission,
  COMBINEFUNC = rectify.emission_sum_accum, PARALLEL = SAFE);
CREATE AGGREGATE rectify.min(rectify.emission) (
  SFUNC = rectify.emission_smaller, STYPE = rectify.emission,
  COMBINEFUNC = rectify.emission_smaller, SORTOP = OPERATOR(rectify.<), PARALLEL = SAFE);
CREATE AGGREGATE rectify.max(rectify.emission) (
  SFUNC = rectify.emission_larger, STYPE = rectify.emission,
  COMBINEFUNC = rectify.emission_larger, SORTOP = OPERATOR(rectify.>), PARALLEL = SAFE);
CREATE AGGREGATE rectify.avg(rectify.emission) (
  SFUNC = rectify.emission_avg_accum, STYPE = internal, SSPACE = 24,
  FINALFUNC = rectify.emission_avg_final,
  COMBINEFUNC = rectify.emission_avg_combine,
  SERIALFUNC = rectify.emission_avg_serialize, DESERIALFUNC = rectify.emission_avg_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE rectify.sum(rectify.emission) IS
  'Exact sum of one pollutant (an error over mixed pollutants: GROUP BY rectify.pollutant())';
COMMENT ON AGGREGATE rectify.min(rectify.emission) IS 'Smallest emission (by pollutant, then amount)';
COMMENT ON AGGREGATE rectify.max(rectify.emission) IS 'Largest emission (by pollutant, then amount)';
COMMENT ON AGGREGATE rectify.avg(rectify.emission) IS
  'Average of one pollutant, rounded to the gram half away from zero';


-- rectify.emission is the last type 19_base_types.sql declares.
DROP PROCEDURE rectify.create_base_type(text, text, text, text, text);
DROP FUNCTION rectify.create_base_type_support(text, text, text, text, text, text, text);
