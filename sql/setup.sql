-- The helpers the tests that follow share (test/schedule runs this first):
-- schema testkit, from test/testkit.sql.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/testkit.sql
