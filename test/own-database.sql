-- own-database: for a test that works in a database of its own.  Creates
-- the database named by the psql variable own_db afresh (UTF8, C locale,
-- from template0) and connects to it; :home is the database the test came
-- from, to go back to (\c :home) and drop own_db at the end.
--   \set own_db NAME
--   \i :abs_srcdir/test/own-database.sql
SELECT current_database() AS home \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS :"own_db";
CREATE DATABASE :"own_db" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
RESET client_min_messages;
\c :own_db
