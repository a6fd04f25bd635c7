-- ---------------------------------------------------------------------------
-- Casts for client drivers (issue #16).  pgjdbc, and so every JDBC tool
-- (Metabase, DBeaver, Kettle), sends a setString() parameter typed as
-- character varying, not as an untyped literal.  PostgreSQL does not chain
-- varchar -> text -> type, so without these a bound string could not go
-- into a deadline, region or emission column ("column ... is of type
-- rectify.region but expression is of type character varying"), nor be an
-- argument of rectify.register_item(), rectify.extend_deadline() and the
-- other functions that take one of the types, nor be compared with one.
--
-- IMPLICIT, not only ASSIGNMENT: a function's arguments and an operator's
-- operands are matched through implicit casts only.  The casts go one way,
-- from varchar to the type, and none of the types is preferred in its
-- category, so an expression on varchar alone still resolves to text's
-- functions and operators.
--
-- WITH INOUT: the value goes through the type's own input function, exactly
-- as a literal does, so bad input is refused with the same SQLSTATE
-- (22P02, 22007, 22008, 22023), message and hint; a C cast function would
-- be a second way into each parser for no measurable gain (the copy it
-- saves is a few bytes per value).
-- ---------------------------------------------------------------------------

CREATE CAST (character varying AS rectify.deadline) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (character varying AS rectify.deadline) IS
  'for client drivers that bind strings as varchar (JDBC): parses the deadline as its input does';

CREATE CAST (character varying AS rectify.region) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (character varying AS rectify.region) IS
  'for client drivers that bind strings as varchar (JDBC): parses six digits as the input does';

CREATE CAST (character varying AS rectify.emission) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (character varying AS rectify.emission) IS
  'for client drivers that bind strings as varchar (JDBC): parses any accepted emission form';
