-- rectify install script, assembled by the Makefile from src/sql/*.sql in
-- file-name order: each file holds one concern, and each object is defined
-- once, with its comment, privileges and triggers beside it.
\echo Use "CREATE EXTENSION rectify" to load this file. \quit

COMMENT ON SCHEMA rectify IS
  'rectify: environmental-inspection rectification ledger (生态环境保护督察整改台账)';
