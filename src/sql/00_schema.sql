-- rectify 0.1 install script, assembled by the Makefile from src/sql/*.sql.
\echo Use "CREATE EXTENSION rectify" to load this file. \quit

COMMENT ON SCHEMA rectify IS
  'rectify: environmental-inspection rectification ledger (生态环境保护督察整改台账)';
