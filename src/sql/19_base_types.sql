-- ------------------------------------------------------------------
-- The three C base types (rectify.deadline, rectify.region,
-- rectify.emission) are declared alike, so their common declaration is
-- written once, here.  For a type rectify.<p> the procedure creates:
--   * the I/O functions <p>_in, <p>_out, <p>_recv, <p>_send (C symbols
--     of the same names) and the type itself, with representation
--     (INTERNALLENGTH, PASSEDBYVALUE, ALIGNMENT, STORAGE) as given;
--   * the comparison functions <p>_lt, _le, _eq, _ge, _gt, _ne and
--     <p>_cmp, and the hash functions <p>_hash and <p>_hash_extended;
--   * the operators rectify.< <= = >= > <> on the type, each with its
--     commutator, negator and the built-in estimators of a scalar order
--     (= also HASHES and MERGES);
--   * the default btree and hash operator classes <p>_ops.
-- compared_by names where comparison lives: 'C' for the module's own
-- <p>_lt ... <p>_cmp, or a built-in type whose functions fit the
-- representation exactly ('int4': int4lt ... btint4cmp, with its sort
-- support and btequalimage).  hashed_by likewise: 'C' for <p>_hash, or
-- 'int4'/'int8' for hashint4/hashint8 (equal values have equal bits).
-- order_name says in words what the order is; it ends up in the
-- comments.  Everything else of a type stays in its own file.
-- A tool of the install script only: 23_emission.sql, the last type
-- declared with it, drops it.
-- ------------------------------------------------------------------
CREATE PROCEDURE rectify.create_base_type(typ text, representation text,
                                          compared_by text, hashed_by text, order_name text)
LANGUAGE plpgsql AS $$
DECLARE
  p text := split_part(typ, '.', 2);
  io record;
  o record;
BEGIN
  EXECUTE format('CREATE TYPE %s', typ);
  FOR io IN SELECT * FROM (VALUES
              ('in',   'cstring', typ,       'text input of %s'),
              ('out',  typ,       'cstring', 'text output of %s'),
              ('recv', 'internal', typ,      'binary input of %s, checked like text input'),
              ('send', typ,       'bytea',   'binary output of %s'))
              AS t(suffix, arg, result, description)
  LOOP
    EXECUTE format('CREATE FUNCTION rectify.%s_%s(%s) RETURNS %s AS %L, %L '
                   'LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE',
                   p, io.suffix, io.arg, io.result, 'MODULE_PATHNAME', p || '_' || io.suffix);
    EXECUTE format('COMMENT ON FUNCTION rectify.%s_%s(%s) IS %L',
                   p, io.suffix, io.arg, format(io.description, typ));
  END LOOP;
  EXECUTE format('CREATE TYPE %1$s (INPUT = rectify.%2$s_in, OUTPUT = rectify.%2$s_out, '
                 'RECEIVE = rectify.%2$s_recv, SEND = rectify.%2$s_send, %3$s)',
                 typ, p, representation);

  FOR o IN SELECT * FROM (VALUES
             (1, '<',  'lt', '>',  '>=', 'scalarltsel', 'scalarltjoinsel', '',                 'less than (%s)'),
             (2, '<=', 'le', '>=', '>',  'scalarlesel', 'scalarlejoinsel', '',                 'less than or equal (%s)'),
             (3, '=',  'eq', '=',  '<>', 'eqsel',       'eqjoinsel',       ', HASHES, MERGES', 'equal'),
             (4, '>=', 'ge', '<=', '<',  'scalargesel', 'scalargejoinsel', '',                 'greater than or equal (%s)'),
             (5, '>',  'gt', '<',  '<=', 'scalargtsel', 'scalargtjoinsel', '',                 'greater than (%s)'),
             (6, '<>', 'ne', '<>', '=',  'neqsel',      'neqjoinsel',      '',                 'not equal'))
             AS t(n, op, suffix, commutator, negator, restrict, joinsel, flags, description)
  LOOP
    PERFORM rectify.create_base_type_support(p, o.suffix, format('%s, %s', typ, typ), 'boolean',
                                             compared_by, compared_by || o.suffix,
                                             format('implements %s for %s', o.op, typ));
    EXECUTE format('CREATE OPERATOR rectify.%s (LEFTARG = %s, RIGHTARG = %2$s, FUNCTION = rectify.%s_%s, '
                   'COMMUTATOR = OPERATOR(rectify.%s), NEGATOR = OPERATOR(rectify.%s), '
                   'RESTRICT = pg_catalog.%s, JOIN = pg_catalog.%s%s)',
                   o.op, typ, p, o.suffix, o.commutator, o.negator, o.restrict, o.joinsel, o.flags);
    EXECUTE format('COMMENT ON OPERATOR rectify.%s (%s, %2$s) IS %L',
                   o.op, typ, format(o.description, order_name));
  END LOOP;

  PERFORM rectify.create_base_type_support(p, 'cmp', format('%s, %s', typ, typ), 'integer',
                                           compared_by, 'bt' || compared_by || 'cmp',
                                           format('btree support: -1, 0 or 1 (%s)', order_name));
  PERFORM rectify.create_base_type_support(p, 'hash', typ, 'integer',
                                           hashed_by, 'hash' || hashed_by,
                                           format('hash of %s', typ));
  PERFORM rectify.create_base_type_support(p, 'hash_extended', format('%s, bigint', typ), 'bigint',
                                           hashed_by, 'hash' || hashed_by || 'extended',
                                           format('seeded 64-bit hash of %s', typ));
  -- a built-in representation brings its sort support, and equal values
  -- have equal bits, so btree deduplication is safe
  IF compared_by <> 'C' THEN
    EXECUTE format('CREATE FUNCTION rectify.%s_sortsupport(internal) RETURNS void AS %L '
                   'LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE', p, 'bt' || compared_by || 'sortsupport');
    EXECUTE format('COMMENT ON FUNCTION rectify.%s_sortsupport(internal) IS %L', p, 'btree sort support for ' || typ);
  END IF;
  EXECUTE format('CREATE OPERATOR CLASS rectify.%1$s_ops DEFAULT FOR TYPE %2$s USING btree AS '
                 'OPERATOR 1 rectify.<, OPERATOR 2 rectify.<=, OPERATOR 3 rectify.=, '
                 'OPERATOR 4 rectify.>=, OPERATOR 5 rectify.>, FUNCTION 1 rectify.%1$s_cmp(%2$s, %2$s)%3$s',
                 p, typ,
                 CASE WHEN compared_by <> 'C' THEN
                   format(', FUNCTION 2 (%1$s, %1$s) rectify.%2$s_sortsupport(internal), '
                          'FUNCTION 4 (%1$s, %1$s) pg_catalog.btequalimage(oid)', typ, p)
                 ELSE '' END);
  EXECUTE format('CREATE OPERATOR CLASS rectify.%1$s_ops DEFAULT FOR TYPE %2$s USING hash AS '
                 'OPERATOR 1 rectify.=, FUNCTION 1 rectify.%1$s_hash(%2$s), '
                 'FUNCTION 2 rectify.%1$s_hash_extended(%2$s, bigint)', p, typ);
  EXECUTE format('COMMENT ON OPERATOR CLASS rectify.%s_ops USING btree IS %L', p, format('default btree class for %s: %s', typ, order_name));
  EXECUTE format('COMMENT ON OPERATOR FAMILY rectify.%s_ops USING btree IS %L', p, 'btree family of ' || typ);
  EXECUTE format('COMMENT ON OPERATOR CLASS rectify.%s_ops USING hash IS %L', p, format('default hash class for %s, for hash joins and aggregation', typ));
  EXECUTE format('COMMENT ON OPERATOR FAMILY rectify.%s_ops USING hash IS %L', p, 'hash family of ' || typ);
END $$;

-- One support function of a base type: rectify.<p>_<suffix>(args), in C
-- (symbol <p>_<suffix>) when implemented_by is 'C', else the built-in
-- internal function builtin.  Comparison and hashing never fail and show
-- nothing of their arguments, so they are LEAKPROOF.
CREATE FUNCTION rectify.create_base_type_support(p text, suffix text, args text, result text,
                                                 implemented_by text, builtin text, description text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE FUNCTION rectify.%s_%s(%s) RETURNS %s AS %s '
                 'IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF',
                 p, suffix, args, result,
                 CASE WHEN implemented_by = 'C'
                      THEN format('%L, %L LANGUAGE C', 'MODULE_PATHNAME', p || '_' || suffix)
                      ELSE format('%L LANGUAGE internal', builtin) END);
  EXECUTE format('COMMENT ON FUNCTION rectify.%s_%s(%s) IS %L', p, suffix, args, description);
END $$;
