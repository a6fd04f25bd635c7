-- docs/reference.md names every function and aggregate of the extension.
-- pg_regress exports PG_ABS_SRCDIR (the directory holding sql/ and docs/);
-- psql reads the reference client-side.  Any row below is a function or
-- aggregate whose rectify.<name> the reference does not mention: document it.
CREATE EXTENSION IF NOT EXISTS rectify;
\getenv abs_srcdir PG_ABS_SRCDIR
\set reference `cat :'abs_srcdir'/docs/reference.md`
-- the file was read (an empty text would list every function below anyway)
SELECT length(:'reference') > 10000 AS reference_read;
-- members of the extension whose name is not in the reference as
-- rectify.<name> (followed by a character that cannot continue the name)
SELECT DISTINCT p.proname AS undocumented
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_proc p ON p.oid = d.objid
 WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
   AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
   AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'rectify')
   AND d.deptype = 'e'
   AND :'reference' !~ ('rectify\.' || p.proname || '(?![A-Za-z0-9_])')
 ORDER BY 1;
