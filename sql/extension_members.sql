-- Every object that belongs to the extension, one per line, sorted: any
-- object added, dropped or re-declared (a function's argument types) shows
-- up here as a diff to review.  Regenerate expected/extension_members.out
-- when the change is intended.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rectify CASCADE;
CREATE EXTENSION rectify;
RESET client_min_messages;

SELECT count(*) AS members
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rectify')
   AND deptype = 'e';

SELECT member
  FROM (SELECT pg_describe_object(classid, objid, objsubid) AS member
          FROM pg_depend
         WHERE refclassid = 'pg_extension'::regclass
           AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rectify')
           AND deptype = 'e') AS m
 ORDER BY member COLLATE "C";
