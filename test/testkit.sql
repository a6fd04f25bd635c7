-- testkit: helpers shared by the pg_regress tests, in a schema of their own
-- that survives the tests' DROP EXTENSION rectify CASCADE.  sql/setup.sql
-- (first in test/schedule) includes this file; a test that works in a
-- database of its own includes it there too.
CREATE SCHEMA testkit;

-- try(expr): the value of an expression, or its error's SQLSTATE, message
-- and hint.  Call it in FROM (SELECT * FROM testkit.try(...)): in a select
-- list, (f(x)).* would run the expression once per output column.
CREATE FUNCTION testkit.try(expr text, OUT result text, OUT state text,
                            OUT message text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'SELECT (' || expr || ')::text' INTO result;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          hint = PG_EXCEPTION_HINT;
END $$;

-- attempt(stmt): run a statement; 'ok', or the error's SQLSTATE, message
-- and hint.  Call it as (testkit.attempt(...)).* or in FROM.
CREATE FUNCTION testkit.attempt(stmt text, OUT state text, OUT message text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  state := 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          hint = PG_EXCEPTION_HINT;
END $$;

-- run(stmt): run a statement (INSERT, UPDATE, DELETE, TRUNCATE ...); show
-- the error's SQLSTATE and message, if any.
CREATE FUNCTION testkit.run(stmt text, OUT state text, OUT message text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
END $$;

-- copy_through(src, dst): COPY src to a file in the data directory in
-- binary format, then COPY it into dst; 'ok' or the error's SQLSTATE and
-- message (the context would show the file's path, which changes).
CREATE FUNCTION testkit.copy_through(src text, dst text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  f text := current_setting('data_directory') || '/testkit_copy.bin';
  state text;
  message text;
BEGIN
  EXECUTE format('COPY %s TO %L (FORMAT binary)', src, f);
  EXECUTE format('COPY %s FROM %L (FORMAT binary)', dst, f);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
  RETURN state || ': ' || message;
END $$;

-- fresh_rectify(): a new, empty rectify in this database, with the session
-- settings the tests assume (rectify on the search_path, ISO dates).  Each
-- test that needs an empty ledger starts with it.
CREATE PROCEDURE testkit.fresh_rectify()
LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL client_min_messages = warning;
  DROP EXTENSION IF EXISTS rectify CASCADE;
  CREATE EXTENSION rectify;
  PERFORM set_config('search_path', 'public, rectify', false);
  PERFORM set_config('DateStyle', 'ISO, YMD', false);
END $$;

-- office(prefix): rectify's parts for a test, through rectify.setup_roles
-- (prefix_admin, prefix_officer, prefix_verifier; no reader), and the four
-- people of a small office: prefix_adam the administrator, prefix_vera the
-- verifier, prefix_olga and prefix_otto (officers once the test binds them
-- to units), each with USAGE on testkit.
CREATE PROCEDURE testkit.office(prefix text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rectify.setup_roles(prefix || '_admin', prefix || '_officer', prefix || '_verifier', NULL);
  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', prefix || '_adam', prefix || '_admin');
  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', prefix || '_vera', prefix || '_verifier');
  EXECUTE format('CREATE ROLE %I LOGIN', prefix || '_olga');
  EXECUTE format('CREATE ROLE %I LOGIN', prefix || '_otto');
  EXECUTE format('GRANT USAGE ON SCHEMA testkit TO %I, %I, %I, %I',
                 prefix || '_adam', prefix || '_vera', prefix || '_olga', prefix || '_otto');
END $$;

-- states_disagree(): on how many (item, day) pairs rectify.item_states and
-- the state rebuilt from the events alone (item_replay) differ, over every
-- day a fact of an item took effect and the day before, both ways (a
-- missing row counts); and how many days were compared.  0 when the rows
-- and the kept versions (rectify.item_versions) tell the events' story.
CREATE FUNCTION testkit.states_disagree(OUT disagree bigint, OUT days bigint)
LANGUAGE plpgsql AS $$
BEGIN
  SELECT coalesce(sum(c.differ), 0), count(*) INTO disagree, days
    FROM (SELECT DISTINCT x.d FROM rectify.events e
           CROSS JOIN LATERAL (VALUES (e.happened_on), (e.happened_on - 1)) x(d)
           WHERE e.item_id IS NOT NULL) t,
         LATERAL (SELECT count(*) AS differ
                    FROM ((SELECT s.item_id, s.code, s.category, s.region, s.status, s.progress,
                                  s.completed_on, s.closed_on, s.deadline, s.due_date, s.reopened_count,
                                  s.last_reopened, s.escalation_level, s.escalated_on, s.peak_level
                             FROM rectify.item_states(t.d) s
                           EXCEPT ALL
                           SELECT r.item_id, r.code, r.category, r.region, r.status, r.progress,
                                  r.completed_on, r.closed_on, r.deadline, r.due_date, r.reopened_count,
                                  r.last_reopened, r.escalation_level, r.escalated_on, r.peak_level
                             FROM rectify.item_replay(t.d, pg_catalog.now(), false) r)
                          UNION ALL
                          (SELECT r.item_id, r.code, r.category, r.region, r.status, r.progress,
                                  r.completed_on, r.closed_on, r.deadline, r.due_date, r.reopened_count,
                                  r.last_reopened, r.escalation_level, r.escalated_on, r.peak_level
                             FROM rectify.item_replay(t.d, pg_catalog.now(), false) r
                           EXCEPT ALL
                           SELECT s.item_id, s.code, s.category, s.region, s.status, s.progress,
                                  s.completed_on, s.closed_on, s.deadline, s.due_date, s.reopened_count,
                                  s.last_reopened, s.escalation_level, s.escalated_on, s.peak_level
                             FROM rectify.item_states(t.d) s)) x) c;
END $$;
