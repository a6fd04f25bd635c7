-- rectify.deadline: every form the plans use, the canonical output, the
-- rejected forms with their SQLSTATEs, and the deadline arithmetic.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rectify;
RESET client_min_messages;
SET search_path = public, rectify;
SET DateStyle = ISO, YMD;

-- The deadline phrases of the seeds, verbatim (traditional characters,
-- full stops, full-width parentheses and commas).
SELECT input, input::deadline AS deadline
  FROM (VALUES ('2021年12月31日(長期堅持、防止反彈)。'), ('2021年12月31日(長期堅持、防止反彈)'),
               ('2025年12月31日。'), ('2022年9月。'), ('立即整改,長期堅持。'),
               ('立行立改,持續推進。'), ('持續推進。'), ('2022年12月31日,并長期堅持。'),
               ('2022年6月30日。'), ('2023年12月31日'), ('2024年12月底'), ('2020年底'),
               ('2025年12月31日前'), ('2022年1月26日')) AS t(input);

-- Simplified characters, ASCII and full-width punctuation, English forms.
SELECT input, input::deadline AS deadline
  FROM (VALUES ('2021年12月31日（长期坚持、防止反弹）'), ('2022年12月31日，并长期坚持'),
               ('立行立改，持续推进'), ('立即整改'), ('立行立改'), ('长期坚持'), ('長期堅持'),
               ('持续推进'), ('持续推进、防止反弹'), ('2021-12-31'), ('2021/12/31'),
               ('2021-12-31, sustain'), ('2021-12-31 (sustain)'), ('2021-12-31; ongoing'),
               ('2021-12-31, and sustain'), ('immediate'), ('Immediate, Ongoing'),
               ('ONGOING'), ('  2021-1-5  '), ('２０２１年１２月３１日'), ('2021年12月31号'),
               ('2022-09'), ('2024-02'), ('2023年2月'), ('2024年2月'), ('2024-02-29'),
               ('2022年9月底'), ('2022年9月末'), ('2021年12月31日。 ')) AS t(input);

-- Output re-parses to an equal value.
SELECT d, d::text::deadline = d AS round_trip
  FROM (VALUES ('2021-12-31'::deadline), ('2021-12-31, sustain'), ('immediate'),
               ('immediate, ongoing'), ('ongoing'), ('1000-01-01'), ('9999-12-31')) AS t(d);

-- Rejected forms: syntax (22P02) or an impossible date (22007).  Each
-- message quotes the input; the hint lists the accepted forms.
SELECT to_json(input) AS input, r.state, r.message
  FROM (VALUES (''), ('   '), ('。'), ('tomorrow'), ('immediately'), ('sustain'),
               ('2021-12-31,'), (',2021-12-31'), ('2021-12-31,,sustain'), ('2021-12-31)'),
               ('(2021-12-31)'), ('2021-12-31 (sustain'), ('2021-12-31 2022-01-01'),
               ('2021-12-31, 2022-01-01'), ('immediate, 2021-12-31'), ('ongoing, immediate'),
               ('ongoing, sustain'), ('immediate, sustain'), ('2021-12-31, immediate'),
               ('立行立改立即整改'), ('2021年12月31日并'), ('2021年12月31日,并'),
               ('2021年12月31'), ('2021年'), ('2021年12'), ('21-12-31'), ('12021-12-31'),
               ('2021-001-01'), ('2021.12.31'), ('2021-12-31.x'), ('2021-12-31..'),
               ('2021-12-31。长期坚持'), ('防止反弹'), ('并长期坚持'), ('2021-12-31 and'),
               ('2021-13-01'), ('2021-00-10'), ('2021-02-29'), ('2021-04-31'), ('2021-12-00'),
               ('2021年2月30日'), ('2021年0月'), ('2021年13月底'), ('2021年12月0日'),
               ('0999-12-31'), ('0000-01-01')) AS t(input),
       LATERAL testkit.try(quote_nullable(input) || '::rectify.deadline') AS r;

-- The raw errors, as a client sees them: message, hint, SQLSTATE.
\set VERBOSITY default
SELECT '2021年12月'::deadline AS ok, 'next spring'::deadline;
\echo :LAST_ERROR_SQLSTATE
SELECT '2021年2月29日'::deadline;
\echo :LAST_ERROR_SQLSTATE

-- Comparison: fixed dates in calendar order (plain before sustain), then
-- immediate, then ongoing.  Sorting, DISTINCT, hashing all agree.
SELECT d FROM (VALUES ('ongoing'::deadline), ('immediate, ongoing'), ('2022-09-30'),
                      ('immediate'), ('2021-12-31, sustain'), ('2021-12-31'),
                      ('2022年9月'), ('持续推进')) AS t(d)
 ORDER BY d;
SELECT count(DISTINCT d) AS distinct_deadlines
  FROM (VALUES ('2021-12-31'::deadline), ('2021年12月31日'), ('2021-12-31, sustain'),
               ('2021年12月31日(长期坚持)'), ('立即整改'), ('immediate')) AS t(d);
SELECT '2021-12-31'::deadline < '2021-12-31, sustain' AS lt,
       '2021-12-31'::deadline <= '2021-12-31' AS le,
       '2022年9月'::deadline = '2022-09-30' AS eq,
       'ongoing'::deadline <> '持續推進' AS ne,
       'immediate'::deadline > '9999-12-31' AS gt,
       'ongoing'::deadline >= 'immediate, ongoing' AS ge,
       deadline_cmp('2021-12-31', '2022-01-01') AS cmp;
SELECT deadline_hash('2021年12月31日(長期堅持、防止反彈)') = deadline_hash('2021-12-31, sustain') AS same_hash,
       deadline_hash_extended('立行立改,持续推进', 7) = deadline_hash_extended('immediate, ongoing', 7) AS same_hash_ext;
CREATE TABLE deadline_t (code text, d deadline);
INSERT INTO deadline_t VALUES ('a', '2021年12月31日'), ('b', '2021-12-31'), ('c', 'immediate'),
                              ('d', '持续推进'), ('e', '2022年9月');
CREATE INDEX deadline_t_btree ON deadline_t (d);
CREATE INDEX deadline_t_hash ON deadline_t USING hash (d);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT code FROM deadline_t WHERE d = '2021-12-31';
SELECT code FROM deadline_t WHERE d = '2021-12-31' ORDER BY code;
RESET enable_seqscan;
SELECT d, count(*) FROM deadline_t GROUP BY d ORDER BY d;
SELECT a.code, b.code FROM deadline_t a JOIN deadline_t b ON a.d = b.d AND a.code < b.code;

-- Binary send/receive round trip through COPY BINARY; bad bit patterns
-- (carried by a bigint column, same wire format) are refused with 22P03.
CREATE TABLE deadline_copy (d deadline);
SELECT testkit.copy_through('deadline_t (d)', 'deadline_copy');
SELECT array_agg(d ORDER BY d) FROM deadline_copy;
-- kind 1 with the sustain flag (valid), then: kind 0, kind 9, unknown
-- flag, immediate with a date, ongoing with a flag, reserved bits, a date
-- beyond 9999-12-31
SELECT v, testkit.copy_through(format('(SELECT %s::bigint)', v), 'deadline_copy') AS outcome
  FROM (VALUES ((1::bigint << 40) | (1::bigint << 32) | 8000), (8000), ((9::bigint << 32)),
               ((4::bigint << 40) | (1::bigint << 32)), ((2::bigint << 32) | 5),
               ((1::bigint << 40) | (3::bigint << 32)), ((1::bigint << 48) | (3::bigint << 32)),
               ((1::bigint << 32) | 3000000)) AS t(v);
SELECT count(*) AS rows_now FROM deadline_copy;

-- ------------------------------------------------------------------
-- due_date: the date itself; immediate = assigned + immediate_days;
-- NULL for anything ongoing.
-- ------------------------------------------------------------------
SELECT d, due_date(d, '2021-08-31') AS due, due_date(d, '2021-08-31', 10) AS due_10
  FROM (VALUES ('2021-12-31'::deadline), ('2021-12-31, sustain'), ('immediate'),
               ('immediate, ongoing'), ('ongoing'), ('2024年2月')) AS t(d);
SELECT due_date(NULL, '2021-08-31') AS null_deadline,
       due_date('2021-12-31', NULL) AS date_needs_no_assigned,
       due_date('immediate', NULL) AS immediate_needs_assigned,
       due_date('immediate', '2021-08-31', NULL) AS null_days,
       due_date('immediate', '2024-02-28', 1) AS leap_day,
       due_date('immediate', '2023-02-28', 1) AS no_leap_day;
SELECT * FROM testkit.try($$due_date('immediate', '2021-08-31', -1)$$);
SELECT * FROM testkit.try($$due_date('immediate', 'infinity', 30)$$);
SELECT * FROM testkit.try($$due_date('immediate', '5874897-12-01', 60)$$);

-- ------------------------------------------------------------------
-- deadline_state: every state and its boundaries (warning_days = 15).
-- ------------------------------------------------------------------
SELECT asof, closed, deadline_state('2021-12-31', '2021-08-31', closed, asof) AS state,
       days_overdue('2021-12-31', '2021-08-31', closed, asof) AS days_overdue
  FROM (VALUES (date '2021-12-01', NULL::date), ('2021-12-15', NULL), ('2021-12-16', NULL),
               ('2021-12-30', NULL), ('2021-12-31', NULL), ('2022-01-01', NULL),
               ('2022-03-01', NULL), ('2022-03-01', '2021-12-31'), ('2022-03-01', '2021-12-20'),
               ('2022-03-01', '2022-01-10'), ('2022-01-05', '2022-01-10'),
               ('2021-12-20', '2021-12-20')) AS t(asof, closed);
-- warning window: due_soon when due - asof <= warning_days
SELECT w, deadline_state('2021-12-31', '2021-08-31', NULL, '2021-12-21', w) AS state
  FROM (VALUES (0), (9), (10), (11)) AS t(w);
-- immediate falls due 30 days after assignment (or immediate_days)
SELECT deadline_state('immediate', '2021-08-31', NULL, '2021-09-30') AS day_30,
       deadline_state('immediate', '2021-08-31', NULL, '2021-10-01') AS day_31,
       deadline_state('immediate', '2021-08-31', NULL, '2021-09-05', 15, 5) AS five_days,
       days_overdue('immediate', '2021-08-31', NULL, '2021-10-11') AS days_late;
-- ongoing deadlines are never overdue; closing them is always on time
SELECT d, deadline_state(d, '2021-08-31', NULL, '2030-01-01') AS open_state,
       deadline_state(d, '2021-08-31', '2029-01-01', '2030-01-01') AS closed_state,
       days_overdue(d, '2021-08-31', NULL, '2030-01-01') AS days_overdue
  FROM (VALUES ('ongoing'::deadline), ('immediate, ongoing'), ('2021-12-31, sustain')) AS t(d);
-- month ends and leap years
SELECT deadline_state('2024年2月', '2024-01-01', NULL, '2024-02-29') AS leap_due_today,
       deadline_state('2023年2月', '2023-01-01', NULL, '2023-03-01') AS overdue_on_march_1,
       days_overdue('2024年2月', '2024-01-01', NULL, '2024-03-01') AS one_day,
       days_overdue('2023-12-31', '2023-01-01', NULL, '2024-12-31') AS leap_year_366;
-- unknown literals resolve without casts (the calls users write)
SELECT deadline_state('2021-12-31', '2020-04-22', NULL, '2022-01-15') AS state,
       days_overdue('2021-12-31', '2020-04-22', NULL, '2022-01-15') AS days,
       expected_progress('2021-12-31', '2020-04-22', '2021-01-15') AS progress;
-- the state compares with text literals
SELECT deadline_state('2021-12-31', '2021-08-31', NULL, '2022-01-01') = 'overdue' AS is_overdue,
       deadline_state('2021-12-31', '2021-08-31', NULL, '2022-01-01') > 'due_today' AS after_due_today;
-- NULLs: no deadline, no asof, or an immediate item with no assigned date
SELECT deadline_state(NULL, '2021-08-31', NULL, '2022-01-01') AS no_deadline,
       deadline_state('2021-12-31', '2021-08-31', NULL, NULL) AS no_asof,
       deadline_state('2021-12-31', NULL, NULL, '2022-01-01') AS date_without_assigned,
       deadline_state('immediate', NULL, NULL, '2022-01-01') AS immediate_without_assigned,
       deadline_state('2021-12-31', '2021-08-31', NULL, '2022-01-01', NULL) AS no_warning_days,
       days_overdue(NULL, '2021-08-31', NULL, '2022-01-01') AS no_deadline_days;
-- bad parameters
SELECT * FROM testkit.try($$deadline_state('2021-12-31', '2021-08-31', NULL, '2022-01-01', -1)$$);
SELECT * FROM testkit.try($$deadline_state('2021-12-31', '2021-08-31', NULL, 'infinity')$$);
SELECT * FROM testkit.try($$days_overdue('2021-12-31', '2021-08-31', NULL, '-infinity')$$);
-- the default asof is the office's today
SELECT deadline_state('9999-12-31', '2021-08-31', NULL) = deadline_state('9999-12-31', '2021-08-31', NULL, today()) AS default_asof;

-- due_state: the same states for an already resolved due date (NULL = ongoing)
SELECT due_state('2021-12-31', NULL, '2021-12-31') AS due_today,
       due_state(NULL, NULL, '2021-12-31') AS ongoing,
       due_state('2021-12-31', '2022-01-02', '2022-02-01') AS closed_late,
       due_state('2021-12-31', NULL, '2021-12-16', 15) AS due_soon,
       due_state('2021-12-31', NULL, NULL) AS no_asof;
SELECT * FROM testkit.try($$due_state('infinity', NULL, '2022-01-01')$$);

-- ------------------------------------------------------------------
-- expected_progress (序时进度): elapsed share, four decimals, in [0, 1].
-- ------------------------------------------------------------------
SELECT asof, expected_progress('2021-12-31', '2021-08-31', asof) AS expected
  FROM (VALUES (date '2021-08-01'), ('2021-08-31'), ('2021-09-01'), ('2021-10-31'),
               ('2021-12-30'), ('2021-12-31'), ('2022-06-30')) AS t(asof);
SELECT expected_progress('2021-08-31', '2021-08-31', '2021-08-31') AS due_on_assignment,
       expected_progress('2021-08-31', '2021-08-31', '2021-08-30') AS before_it,
       expected_progress('ongoing', '2021-08-31', '2021-10-01') AS ongoing,
       expected_progress('immediate', '2021-08-31', '2021-09-15') AS immediate_half,
       expected_progress('immediate', '2021-08-31', '2021-09-10', 3) AS immediate_3_days,
       expected_progress('2021-12-31', '2021-08-31', NULL) AS no_asof,
       expected_progress('2021-12-31', '2021-09-30', '2021-09-01') AS assigned_later;
-- 1/3 and 2/3 round half up at the fourth decimal
SELECT expected_progress('2021-01-04', '2021-01-01', '2021-01-02') AS third,
       expected_progress('2021-01-04', '2021-01-01', '2021-01-03') AS two_thirds,
       expected_progress('2021-01-09', '2021-01-01', '2021-01-02') AS eighth;
SELECT * FROM testkit.try($$expected_progress('2021-12-31', 'infinity', '2021-09-01')$$);

-- is_ongoing, sustains, deadline_kind
SELECT d, is_ongoing(d), sustains(d), deadline_kind(d)
  FROM (VALUES ('2021-12-31'::deadline), ('2021-12-31, sustain'), ('immediate'),
               ('immediate, ongoing'), ('ongoing')) AS t(d);
SELECT is_ongoing(NULL), sustains(NULL), deadline_kind(NULL);

DROP TABLE deadline_t, deadline_copy;
