-- A report for a past date never changes afterwards.  A small office plays
-- a year and a half of facts (2023-03 to 2024-09) as its own people: the
-- administrator registers and escalates, officers report and complete,
-- the verifier signs off.  Reports are published (saved with the moment
-- they were taken) along the way; at the end each is asked again for the
-- same date and compared row for row.  A completion recorded late and
-- dated back changes the report for its date as of now, but not as known
-- at the moment the report was published.
CALL testkit.fresh_rectify();
CALL testkit.office('tt');  -- tt_adam, tt_vera, tt_olga, tt_otto

-- the published reports: the rows as they were answered, and when
CREATE TABLE published (report text, asof date, taken_at timestamptz, row jsonb);
GRANT INSERT, SELECT ON published TO tt_adam, tt_vera, tt_olga;
-- the reports published at the end of October, and asked again at the end
CREATE TABLE october_reports (n integer, report text);
INSERT INTO october_reports VALUES
  (1, 'rectify.ledger(%s)'), (2, 'rectify.overdue(%s)'), (3, 'rectify.measure_states(%s)'),
  (4, 'rectify.item_scores(%s)'), (5, 'rectify.unit_scorecard(%s)'), (6, 'rectify.region_scorecard(%s)');
GRANT SELECT ON october_reports TO tt_vera;
CREATE FUNCTION publish(report text, asof date) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format($q$INSERT INTO published
                    SELECT %L, %L::date, clock_timestamp(), to_jsonb(r) FROM %s r$q$,
                 report, asof, format(report, quote_literal(asof)));
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
-- a report asked again (as known now, or at a moment) against what was published
CREATE FUNCTION republished_differs(report text, asof date, known_at timestamptz DEFAULT NULL)
  RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  call text := CASE WHEN known_at IS NULL THEN format(report, quote_literal(asof))
                    ELSE format(replace(report, ')', ', known_at => %s)'), quote_literal(asof), quote_literal(known_at)) END;
BEGIN
  EXECUTE format($q$SELECT count(*) FROM (
                      (SELECT row FROM published WHERE report = %1$L AND asof = %2$L
                       EXCEPT ALL SELECT to_jsonb(r) FROM %3$s r)
                      UNION ALL
                      (SELECT to_jsonb(r) FROM %3$s r
                       EXCEPT ALL SELECT row FROM published WHERE report = %1$L AND asof = %2$L)) d$q$,
                 report, asof, call) INTO n;
  RETURN n;
END $$;

-- ---------------------------------------------------------------------
-- 2023-03-01: the plan.  Four items; 甲县 carries T-1 and T-2, 乙区 T-3 and
-- T-4; T-4 gets a lead supervisor.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION tt_adam;
SELECT register_item('T-1', '431123', '污水直排', '2023年12月31日', '2023-03-01', 'water') AS t1,
       register_item('T-2', '431123', '扬尘污染', '2023年9月30日', '2023-03-01', 'air') AS t2,
       register_item('T-3', '130602', '固废堆存', '2023年10月31日', '2023-03-01', 'solid_waste') AS t3,
       register_item('T-4', '130602', '林地占用', '2024年3月31日', '2023-03-01', 'ecology') AS t4;
SELECT assign_unit(item('T-1'), '甲县人民政府'), assign_unit(item('T-2'), '甲县人民政府'),
       assign_unit(item('T-3'), '乙区人民政府'), assign_unit(item('T-4'), '乙区人民政府'),
       assign_unit(item('T-4'), '市督导组', 'lead_supervisor');
SELECT add_measure(item('T-1'), '截污管网建设', '2023年9月30日') AS m1;
RESET SESSION AUTHORIZATION;
SELECT bind_officer('tt_olga', '甲县人民政府'), bind_officer('tt_otto', '乙区人民政府');

-- 2023-06-30: progress; T-2 is behind.  Published: the ledger of June.
SET SESSION AUTHORIZATION tt_olga;
SELECT report_progress(item('T-1'), 0.3, '2023-06-30'), report_progress(item('T-2'), 0.2, '2023-06-30');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION tt_otto;
SELECT report_progress(item('T-3'), 0.5, '2023-06-30');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION tt_adam;
SELECT publish('rectify.ledger(%s)', '2023-06-30') AS ledger_june;
SELECT dispatch('2023-06-30') AS dispatched_june;
RESET SESSION AUTHORIZATION;

-- 2023-10: T-2 overdue and escalated; the measure done; T-3 completed.
SET SESSION AUTHORIZATION tt_adam;
SELECT code, from_level, to_level FROM escalate('2023-10-15') ORDER BY code;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION tt_olga;
SELECT complete_measure(1, '2023-09-20');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION tt_otto;
SELECT advance(item('T-3'), 'completed', '2023-10-20');
RESET SESSION AUTHORIZATION;
-- published at the end of October: ledger, overdue, measures, scores, scorecards
SET SESSION AUTHORIZATION tt_vera;
SELECT r.report, publish(r.report, '2023-10-31') AS rows FROM october_reports r ORDER BY r.n;
RESET SESSION AUTHORIZATION;
SELECT row ->> 'code' AS code, row ->> 'days_overdue' AS days_overdue, row ->> 'primary_units' AS units
  FROM published WHERE report = 'rectify.overdue(%s)' ORDER BY 1;
SELECT row ->> 'unit' AS unit, row ->> 'items' AS items, row ->> 'on_time_rate' AS on_time_rate,
       row ->> 'mean_score' AS mean_score
  FROM published WHERE report = 'rectify.unit_scorecard(%s)' ORDER BY 1;
SELECT max(taken_at) AS october_published FROM published \gset

-- ---------------------------------------------------------------------
-- After October: everything a report for October must not see.
-- ---------------------------------------------------------------------
-- T-2's completion on 2023-10-25 is recorded late, dated back: it took
-- effect before the October reports, but was not known when they were
-- published.
SET SESSION AUTHORIZATION tt_olga;
SELECT advance(item('T-2'), 'completed', '2023-10-25');
SELECT report_progress(item('T-1'), 0.8, '2023-11-30');
SELECT advance(item('T-1'), 'completed', '2023-12-20');
SELECT advance(item('T-1'), s, '2024-01-10') FROM unnest('{preliminary_review,public_notice,applied}'::item_status[]) s;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION tt_vera;
SELECT advance(item('T-1'), 'verified', '2024-01-20'), advance(item('T-1'), 'closed', '2024-02-01');
RESET SESSION AUTHORIZATION;
-- a look-back finds T-1 back in 2024 with a new deadline; 乙区 hands T-4
-- to 丙镇; the escalation runs on
SET SESSION AUTHORIZATION tt_adam;
SELECT reopen(item('T-1'), '回头看发现反弹', '2024-06-01');
SELECT extend_deadline(item('T-1'), '2024年12月31日', '市整改办', '反弹后重新整改', '2024-06-01');
SELECT assign_unit(item('T-4'), '丙镇人民政府', on_date => '2024-05-01');
SELECT unassign_unit(item('T-4'), '乙区人民政府', 'primary', '移交丙镇', '2024-05-01');
SELECT code, from_level, to_level FROM escalate('2024-06-15') ORDER BY code;
SELECT dispatch('2024-06-30') AS dispatched_june_2024;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- Asked again at the end, as known at the moment of publishing, every
-- October report gives the same rows; as known now, those that count T-2
-- show the late completion.
-- ---------------------------------------------------------------------
SET SESSION AUTHORIZATION tt_vera;
SELECT r.report,
       republished_differs(r.report, '2023-10-31', :'october_published') AS differs_as_published,
       republished_differs(r.report, '2023-10-31') AS differs_now
  FROM october_reports r ORDER BY r.n;
-- the correction, as the difference: T-2 was complete on 2023-10-31 after all
SELECT code, status, completed_on, state FROM ledger('2023-10-31', :'october_published') WHERE code = 'T-2'
UNION ALL
SELECT code, status, completed_on, state FROM ledger('2023-10-31') WHERE code = 'T-2';
SELECT unit, items, closed, closed_on_time, open_overdue, on_time_rate, mean_score
  FROM unit_scorecard('2023-10-31') ORDER BY unit;
-- June's ledger has no moment to name: nothing dated by June was recorded
-- after it, so it is the same as known now
SELECT republished_differs('rectify.ledger(%s)', '2023-06-30') AS june_differs;
RESET SESSION AUTHORIZATION;

-- Who was responsible, and the state of the day, for dates on either side
-- of the hand-over and the reopening
SET SESSION AUTHORIZATION tt_adam;
SELECT d, s.status, s.due_date, s.progress, s.units
  FROM unnest('{2023-06-30,2024-03-31,2024-06-30}'::date[]) d,
       LATERAL item_asof(item('T-4'), d) s
UNION ALL
SELECT d, s.status, s.due_date, s.progress, s.units
  FROM unnest('{2023-12-31,2024-03-31,2024-06-30}'::date[]) d,
       LATERAL item_asof(item('T-1'), d) s
 ORDER BY 1, 2;
SELECT code, primary_units FROM ledger('2024-03-31') WHERE code = 'T-4'
UNION ALL
SELECT code, primary_units FROM ledger('2024-06-30') WHERE code = 'T-4';
-- an escalation notice names the primary units of its own date
SELECT d, escalation_payload(item('T-4'), 'none', 'notice', 1, d)::json -> 'units' AS units
  FROM unnest('{2024-04-30,2024-05-01}'::date[]) d;
-- the June 2023 dispatch is kept as taken
SELECT month, code, status, escalation_level, progress FROM dispatch_snapshots ORDER BY month, code;
RESET SESSION AUTHORIZATION;

-- The officer sees the items of its unit now (T-4 went to 丙镇), for any date
SET SESSION AUTHORIZATION tt_otto;
SELECT code, status, primary_units FROM ledger('2023-10-31') ORDER BY code;
SELECT code, status, primary_units FROM ledger('2024-06-30') ORDER BY code;
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------
-- The rows of rectify.items and the state rebuilt from the history agree
-- for every item on every date (the fast path is the same answer), and the
-- rebuilt rows are the item's row when nothing changed since.
-- ---------------------------------------------------------------------
SELECT d, count(*) FILTER (WHERE f IS DISTINCT FROM r) AS disagree, count(*) AS items
  FROM unnest('{2023-03-01,2023-06-30,2023-10-31,2023-12-31,2024-06-01,2024-06-30}'::date[]) d,
       LATERAL (SELECT (s.item_id, s.status, s.progress, s.completed_on, s.closed_on, s.deadline,
                        s.due_date, s.reopened_count, s.last_reopened, s.escalation_level,
                        s.peak_level) AS f, s.item_id
                  FROM item_states(d) s) a
  JOIN LATERAL (SELECT (x.item_id, x.status, x.progress, x.completed_on, x.closed_on, x.deadline,
                        x.due_date, x.reopened_count, x.last_reopened, x.escalation_level,
                        x.peak_level) AS r
                  FROM item_replay(d, now(), false) x WHERE x.item_id = a.item_id) b ON true
 GROUP BY d ORDER BY d;
-- ... and on every day a fact took effect and the day before (where the
-- kept versions of rectify.item_versions begin and end), after the
-- backdated completion above
SELECT disagree, days > 20 AS many_days, (SELECT count(*) FROM item_versions) AS versions
  FROM testkit.states_disagree();

-- ---------------------------------------------------------------------
-- Facts of one kind are recorded in the order they took effect: each
-- refused with 22023 and the dates, nothing changed.
-- ---------------------------------------------------------------------
SELECT count(*) AS events_before FROM events \gset
SET SESSION AUTHORIZATION tt_olga;
SELECT * FROM testkit.try($$rectify.report_progress(rectify.item('T-1'), 0.2, '2024-05-31')$$);
SELECT * FROM testkit.try($$rectify.report_progress(rectify.item('T-1'), 0.2, '2024-07-01')$$);
SELECT * FROM testkit.try($$rectify.report_progress(rectify.item('T-1'), 0.3, '2024-06-30')$$);
-- a completion sets the progress to 1: it is not dated before the last report
SELECT * FROM testkit.try($$rectify.advance(rectify.item('T-1'), 'completed', '2024-06-30')$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION tt_adam;
SELECT * FROM testkit.try($$rectify.extend_deadline(rectify.item('T-1'), '2025年3月31日', '市整改办', '再延', '2024-05-01')$$);
SELECT * FROM testkit.try($$rectify.escalate_item(rectify.item('T-4'), 'accountability', '移交问责', '2024-06-10')$$);
SELECT * FROM testkit.try($$rectify.add_measure(rectify.item('T-4'), '复绿', NULL, '2023-02-01')$$);
SELECT add_measure(item('T-4'), '复绿', NULL, '2024-05-01') AS m2;
SELECT * FROM testkit.try($$rectify.complete_measure(2, '2024-04-30')$$);
RESET SESSION AUTHORIZATION;
-- (the progress report of 2024-07-01 is the one fact recorded)
SELECT count(*) - :events_before AS events_added FROM events;
SELECT code, seq, state FROM measure_states('2024-04-30') ORDER BY code, seq;
SELECT code, seq, state FROM measure_states('2024-05-01') ORDER BY code, seq;

-- known_at must be a moment; asof a real day
SET SESSION AUTHORIZATION tt_vera;
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.unit_scorecard('2023-10-31', NULL))::text$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.unit_scorecard('infinity'))::text$$);
SELECT * FROM testkit.try($$(SELECT count(*) FROM rectify.item_asof(1, '2023-10-31', NULL))::text$$);
RESET SESSION AUTHORIZATION;

-- Content is not dated: an administrator's correction of an item's
-- category shows on every date, in its kept versions too.
SET SESSION AUTHORIZATION tt_adam;
UPDATE items SET category = 'air' WHERE code = 'T-1';
RESET SESSION AUTHORIZATION;
SELECT d, s.code, s.category, s.status
  FROM unnest('{2023-06-30,2023-10-31,2024-03-31,2024-06-30}'::date[]) d,
       LATERAL (SELECT * FROM item_states(d) WHERE code = 'T-1') s
 ORDER BY d;
SELECT count(*) AS versions, count(*) FILTER (WHERE category <> 'air') AS not_corrected
  FROM item_versions WHERE item_id = item('T-1');

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
