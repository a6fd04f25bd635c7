-- Escalation (跟踪督办) on the sample ledger, as of :asof (psql variable).
-- Run by scripts/demo.sh after the sample ledger and its simulated
-- progress are loaded, with rectify on the search_path.
--
-- 1. what the daily job would have done, day by day, up to :asof
--    (replayed in a transaction that is then rolled back);
-- 2. this session LISTENs on rectify_escalation and runs the ladder once
--    for :asof: psql prints each notification a gateway (SMS, e-mail) would
--    be woken by, carrying only an event id, and the gateway reads the
--    step back as the payload it would send (自动推送);
-- 3. a second run for the same day changes nothing;
-- 4. where the ledger stands, and the history of one item;
-- 5. the pg_cron jobs a DBA would create (shown, then removed again).
\set ON_ERROR_STOP on
\pset footer off

\echo
\echo '== escalation thresholds (days overdue → at least this level; a lag of 0.20 behind 序时进度 → notice)'
SELECT t.level, l.name_zh, t.min_days_overdue, t.scope
  FROM escalation_thresholds() t JOIN escalation_ladder l USING (level);

\echo '== what the daily job would have done up to' :asof '(replayed, then rolled back)'
SET demo.asof = :'asof';
BEGIN;
CREATE TEMP TABLE demo_replay (asof date, item_id bigint, code text, from_level escalation_level,
                               to_level escalation_level, days_overdue integer, reason text)
  ON COMMIT DROP;
DO $$
DECLARE d date;
BEGIN
  FOR d IN SELECT generate_series((SELECT min(assigned) FROM rectify.items),
                                  current_setting('demo.asof')::date, interval '1 day') LOOP
    INSERT INTO demo_replay SELECT d, e.* FROM rectify.escalate(d) AS e;
  END LOOP;
END $$;
SELECT asof, string_agg(code || ' ' || from_level || '→' || to_level, ', ' ORDER BY code) AS steps
  FROM demo_replay GROUP BY asof ORDER BY asof;
ROLLBACK;

\echo '== one run for' :asof 'with this session listening on rectify_escalation'
LISTEN rectify_escalation;
SELECT code, from_level, to_level, days_overdue, reason FROM escalate(:'asof');

\echo '== what a gateway reads back for those steps (escalation_payload)'
SELECT h.event_id, escalation_payload(h.item_id, h.from_level, h.to_level, h.days_overdue, h.happened_on) AS payload
  FROM escalation_history() h WHERE h.happened_on = :'asof' ORDER BY h.event_id LIMIT 3;

\echo '== the same run again: nothing left to do (idempotent)'
SELECT count(*) AS changed FROM escalate(:'asof');
UNLISTEN rectify_escalation;

\echo '== open items by escalation level as of' :asof
SELECT i.escalation_level, l.name_zh, count(*) AS items,
       string_agg(i.code, ', ' ORDER BY i.code) AS codes
  FROM items i JOIN escalation_ladder l ON l.level = i.escalation_level
 WHERE i.completed_on IS NULL AND i.assigned <= :'asof'
 GROUP BY i.escalation_level, l.name_zh ORDER BY i.escalation_level DESC;

\echo '== escalation history (rectify.escalation_history(item); all items when NULL)'
SELECT code, happened_on, kind, from_level, to_level, days_overdue, actor
  FROM escalation_history() ORDER BY code, event_id;

SELECT current_setting('cron.database_name', true) = current_database() AS cron_here \gset
\if :cron_here
\echo '== the pg_cron jobs a DBA would create; pg_cron 1.4 reads schedules in UTC'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
RESET client_min_messages;
SELECT jobname, schedule, runs_at, command FROM schedule_jobs();
\echo '== (removed again: the demo leaves no job behind)'
SELECT jobname FROM unschedule_jobs();
\endif
