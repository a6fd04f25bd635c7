-- ------------------------------------------------------------------
-- The six comparison operators of a type with a total order, declared
-- alike for rectify.deadline, rectify.region and rectify.emission:
-- rectify.< calls <prefix>_lt, <= _le, = _eq, >= _ge, > _gt and <> _ne,
-- each with its commutator, negator and the built-in estimators of a
-- scalar order; = also HASHES and MERGES.  descriptions are the operators'
-- comments, in the order <, <=, =, >=, >, <>.  A tool of the install
-- script only: 23_emission.sql, the last type to use it, drops it.
-- ------------------------------------------------------------------
CREATE PROCEDURE rectify.create_comparison_operators(typ regtype, prefix text, descriptions text[])
LANGUAGE plpgsql AS $$
DECLARE
  o record;
BEGIN
  FOR o IN SELECT * FROM (VALUES
             (1, '<',  'lt', '>',  '>=', 'scalarltsel', 'scalarltjoinsel', ''),
             (2, '<=', 'le', '>=', '>',  'scalarlesel', 'scalarlejoinsel', ''),
             (3, '=',  'eq', '=',  '<>', 'eqsel',       'eqjoinsel',       ', HASHES, MERGES'),
             (4, '>=', 'ge', '<=', '<',  'scalargesel', 'scalargejoinsel', ''),
             (5, '>',  'gt', '<',  '<=', 'scalargtsel', 'scalargtjoinsel', ''),
             (6, '<>', 'ne', '<>', '=',  'neqsel',      'neqjoinsel',      ''))
             AS t(n, op, suffix, commutator, negator, restrict, joinsel, flags)
  LOOP
    EXECUTE format('CREATE OPERATOR rectify.%s (LEFTARG = %s, RIGHTARG = %2$s, FUNCTION = rectify.%s_%s, '
                   'COMMUTATOR = OPERATOR(rectify.%s), NEGATOR = OPERATOR(rectify.%s), '
                   'RESTRICT = pg_catalog.%s, JOIN = pg_catalog.%s%s)',
                   o.op, typ, prefix, o.suffix, o.commutator, o.negator, o.restrict, o.joinsel, o.flags);
    EXECUTE format('COMMENT ON OPERATOR rectify.%s (%s, %2$s) IS %L', o.op, typ, descriptions[o.n]);
  END LOOP;
END $$;
