-- Working-day calendars: the cn calendar (holidays and 调休 make-up working
-- days), is_workday / add_workdays / workdays_between against a brute-force
-- day-by-day reference, relative deadlines (15个工作日, 30日), the rollover
-- rule (民法典 Art. 203), load_calendar, layering, years without data, and
-- what a calendar load does to the ledger.
CALL testkit.fresh_rectify();

-- ------------------------------------------------------------------
-- The cn calendar ships with every year the State Council has published.
-- ------------------------------------------------------------------
SELECT name, base, region, seeded FROM calendars ORDER BY name;
SELECT min(y), max(y), count(*) AS years FROM calendar_years('cn') AS y;
SELECT year, days, source FROM calendar_loads WHERE year >= 2024 ORDER BY year;
SELECT calendar_version('cn') = (SELECT max(version) FROM calendar_loads) AS version_is_latest_load;

-- Every 调休 Saturday and Sunday of 2024-2026 is a working day (from the
-- notices, written out here rather than read from the tables).
SELECT d, to_char(d, 'Dy') AS dow, is_workday(d) AS working
  FROM unnest('{2024-02-04,2024-02-18,2024-04-07,2024-04-28,2024-05-11,2024-09-14,
                2024-09-29,2024-10-12,2025-01-26,2025-02-08,2025-04-27,2025-09-28,
                2025-10-11,2026-01-04,2026-02-14,2026-02-28,2026-05-09,2026-09-20,
                2026-10-10}'::date[]) AS d;
-- ... and they are exactly the weekend days the tables mark as working.
SELECT count(*) AS weekend_working_days_2024_2026
  FROM generate_series('2024-01-01'::date, '2026-12-31', '1 day') d
 WHERE extract(isodow FROM d) >= 6 AND is_workday(d::date);
-- Spring Festival and National Day weeks are days off.
SELECT extract(year FROM d) AS year, min(d)::date AS first_off, max(d)::date AS last_off,
       count(*) AS days, bool_or(is_workday(d::date)) AS any_working
  FROM (SELECT generate_series('2024-02-10'::date, '2024-02-17', '1 day') UNION ALL
        SELECT generate_series('2024-10-01'::date, '2024-10-07', '1 day') UNION ALL
        SELECT generate_series('2025-01-28'::date, '2025-02-04', '1 day') UNION ALL
        SELECT generate_series('2025-10-01'::date, '2025-10-08', '1 day') UNION ALL
        SELECT generate_series('2026-02-15'::date, '2026-02-23', '1 day') UNION ALL
        SELECT generate_series('2026-10-01'::date, '2026-10-07', '1 day')) AS t(d)
 GROUP BY extract(year FROM d), extract(month FROM d) ORDER BY 2;
-- Working days per year: weekdays, minus holidays on weekdays, plus 调休.
SELECT y, workdays_between(make_date(y - 1, 12, 31), make_date(y, 12, 31)) AS working_days
  FROM generate_series(2020, 2026) y;

-- ------------------------------------------------------------------
-- add_workdays across Spring Festival 2025: 01-26 (Sunday) works,
-- 01-28 .. 02-04 off, 02-08 (Saturday) works.  The start day is not
-- counted (民法典 Art. 201); n = 0 is the day itself.
-- ------------------------------------------------------------------
SELECT n, add_workdays('2025-01-24', n) AS from_fri_0124,
       to_char(add_workdays('2025-01-24', n), 'Dy') AS dow
  FROM generate_series(-3, 12) n;
-- negative n counts back from the day after the festival
SELECT n, add_workdays('2025-02-05', n) AS back_from_0205 FROM generate_series(-4, 0) n;
-- starting on a day off: the first working day after it is n = 1, n = -1
-- the last one before it; n = 0 stays on the day off
SELECT add_workdays('2025-01-30', 0) AS zero_on_holiday,
       add_workdays('2025-01-30', 1) AS next_after_holiday,
       add_workdays('2025-01-30', -1) AS last_before_holiday,
       add_workdays('2025-02-01', 1) AS from_saturday,
       add_workdays('2025-02-08', 1) AS from_working_saturday,
       add_workdays('2025-02-09', -1) AS back_from_sunday;
-- year boundaries: 元旦 2025 (Wednesday), 元旦 2026 (Jan 1-3 off, Sunday 01-04 works)
SELECT add_workdays('2024-12-31', 1) AS after_2024,
       add_workdays('2025-01-02', -1) AS before_2025_0102,
       add_workdays('2025-12-31', 1) AS after_2025,
       add_workdays('2026-01-05', -2) AS back_over_2026_new_year,
       add_workdays('2019-12-31', 250) AS a_year_of_work,
       add_workdays('2026-12-31', -1500) AS six_years_back;

-- workdays_between counts (a, b]: the start is not counted, the end is.
SELECT workdays_between('2025-01-24', '2025-01-24') AS same_day,
       workdays_between('2025-01-24', '2025-01-27') AS fri_to_mon,
       workdays_between('2025-01-27', '2025-01-24') AS reversed,
       workdays_between('2025-01-27', '2025-02-05') AS over_the_festival,
       workdays_between('2025-01-28', '2025-02-04') AS inside_the_festival,
       workdays_between('2019-12-31', '2026-12-31') AS seven_years;
-- n >= 0: workdays_between(d, add_workdays(d, n)) = n
SELECT bool_and(workdays_between(d::date, add_workdays(d::date, n)) = n) AS round_trip
  FROM generate_series('2024-12-20'::date, '2025-02-20', '1 day') d, generate_series(0, 40) n;

-- NULLs (the functions are strict), infinite dates, an unknown calendar
SELECT is_workday(NULL), add_workdays('2025-01-24', NULL), workdays_between(NULL, '2025-01-24'),
       is_workday('2025-01-24', NULL);
SELECT * FROM testkit.try($$is_workday('infinity')$$);
SELECT * FROM testkit.try($$add_workdays('-infinity', 3)$$);
SELECT * FROM testkit.try($$workdays_between('2025-01-01', 'infinity')$$);
SELECT * FROM testkit.try($$add_workdays('2025-01-24', 2000000000)$$);
SELECT * FROM testkit.try($$is_workday('2025-01-24', 'mars')$$);

-- ------------------------------------------------------------------
-- Brute force: a day-by-day SQL reference read straight from the tables,
-- against the C functions, for every start day of 2020-2026, n = 0..60
-- forward and 1..60 back, and every (a, b] up to 90 days long.
-- Starts late in 2026 reach 2027, which has no data yet: one warning.
-- ------------------------------------------------------------------
CREATE TEMP TABLE ref_day (day date PRIMARY KEY, work boolean NOT NULL);
INSERT INTO ref_day
  SELECT d, coalesce((SELECT NOT e.is_off FROM calendar_exceptions e
                       WHERE e.calendar = 'cn' AND e.day = d),
                     extract(isodow FROM d) < 6)
    FROM generate_series('2019-09-01'::date, '2027-04-30', '1 day') d;
SELECT count(*) AS days, count(*) FILTER (WHERE is_workday(day) <> work) AS is_workday_wrong
  FROM ref_day WHERE day BETWEEN '2020-01-01' AND '2026-12-31';
-- forward: for each start, walk the next 120 days; the n-th working day met is the answer
SELECT count(*) AS checked, count(*) FILTER (WHERE add_workdays(start, n) <> day) AS wrong
  FROM (SELECT s.day AS start, r.day,
               row_number() OVER (PARTITION BY s.day ORDER BY r.day)::integer AS n
          FROM ref_day s JOIN ref_day r ON r.day > s.day AND r.day <= s.day + 120 AND r.work
         WHERE s.day BETWEEN '2020-01-01' AND '2026-12-31') t
 WHERE n <= 60;
SELECT count(*) AS checked, count(*) FILTER (WHERE add_workdays(day, 0) <> day) AS wrong
  FROM ref_day WHERE day BETWEEN '2020-01-01' AND '2026-12-31';
-- backward: walk the previous 120 days, nearest first
SELECT count(*) AS checked, count(*) FILTER (WHERE add_workdays(start, -n) <> day) AS wrong
  FROM (SELECT s.day AS start, r.day,
               row_number() OVER (PARTITION BY s.day ORDER BY r.day DESC)::integer AS n
          FROM ref_day s JOIN ref_day r ON r.day < s.day AND r.day >= s.day - 120 AND r.work
         WHERE s.day BETWEEN '2020-01-01' AND '2026-12-31') t
 WHERE n <= 60;
-- workdays_between(a, b) = the working days met walking from a + 1 to b
SELECT count(*) AS checked,
       count(*) FILTER (WHERE workdays_between(a, b) <> counted OR workdays_between(b, a) <> -counted) AS wrong
  FROM (SELECT s.day AS a, r.day AS b,
               (count(*) FILTER (WHERE r.work) OVER (PARTITION BY s.day ORDER BY r.day))::integer AS counted
          FROM ref_day s JOIN ref_day r ON r.day > s.day AND r.day <= s.day + 90
         WHERE s.day BETWEEN '2020-01-01' AND '2026-12-31') t;

-- ------------------------------------------------------------------
-- Years without data: counted Monday to Friday with a warning (once per
-- transaction and calendar), or an error with
-- rectify.missing_calendar_year = 'error'.
-- ------------------------------------------------------------------
SELECT is_workday('2027-01-01') AS new_year_2027_unknown;
SELECT add_workdays('2026-12-30', 3) AS into_2027, workdays_between('2006-12-01', '2006-12-31') AS dec_2006;
BEGIN;
SELECT is_workday('2027-02-10') AS first;
SELECT is_workday('2027-02-11') AS second_call_same_transaction;
COMMIT;
SET rectify.missing_calendar_year = 'error';
SELECT * FROM testkit.try($$is_workday('2027-01-01')$$);
SELECT * FROM testkit.try($$add_workdays('2026-12-30', 3)$$);
SELECT * FROM testkit.try($$workdays_between('2026-06-01', '2027-06-01')$$);
SELECT add_workdays('2026-12-28', 3) AS still_inside_2026, workdays_between('2026-12-31', '2026-12-31') AS empty_range;
-- a value it does not know is refused when set (the setting keeps 'error')
SELECT * FROM testkit.run($$SET rectify.missing_calendar_year = 'maybe'$$);
SELECT * FROM testkit.try($$is_workday('2027-01-01')$$);
RESET rectify.missing_calendar_year;

-- ------------------------------------------------------------------
-- Relative deadlines: canonical forms, round trips, rejected forms.
-- ------------------------------------------------------------------
SELECT input, input::deadline AS deadline, deadline_kind(input::deadline) AS kind,
       needs_calendar(input::deadline), sustains(input::deadline)
  FROM (VALUES ('15 workdays'), ('15个工作日'), ('15個工作日內'), ('15工作日'), ('1 workday'),
               ('15 working days'), ('１５个工作日'), ('30 days'), ('30日'), ('30天'), ('30天内'),
               ('30个自然日'), ('1 day'), ('30 calendar days'), ('9999 days'),
               ('15个工作日内,长期坚持'), ('30 days, sustain'), ('30日(遇节假日顺延)'),
               ('30天，遇法定节假日顺延'), ('30 days, rollover'), ('2025-10-01, rollover'),
               ('2025年10月1日(遇節假日順延)'), ('2025年10月1日前,节假日顺延,并长期坚持'),
               ('15个工作日(遇节假日顺延)'), ('2021-12-31')) AS t(input);
SELECT d, d::text::deadline = d AS round_trip
  FROM (VALUES ('15 workdays'::deadline), ('1 workday'), ('30 days'), ('1 day'),
               ('30 days, rollover, sustain'), ('2025-10-01, rollover'),
               ('2025-10-01, rollover, sustain'), ('15 workdays, sustain')) AS t(d);
SELECT to_json(input) AS input, r.state, r.message
  FROM (VALUES ('0 days'), ('0个工作日'), ('10000 workdays'), ('99999999999 days'),
               ('30'), ('30 dayz'), ('30日内完成'), ('rollover'), ('顺延'), ('immediate, rollover'),
               ('ongoing, 顺延'), ('30 days 15 workdays'), ('15 workdays, 2025-01-01'),
               ('-5 days'), ('2025-10-01 rollover')) AS t(input),
       LATERAL testkit.try(quote_nullable(input) || '::rectify.deadline') AS r;
-- kinds sort after 0.1's: dates, immediate, ongoing, days, workdays
SELECT d FROM (VALUES ('15 workdays'::deadline), ('30 days'), ('ongoing'), ('2 workdays'),
                      ('immediate'), ('2021-12-31, rollover'), ('2021-12-31'), ('5 days')) AS t(d)
 ORDER BY d;
-- binary input accepts the new kinds, checked as strictly as text
CREATE TABLE cal_copy (d deadline);
-- 15 workdays; 30 days + rollover + sustain; date + rollover; then refused:
-- 0 days, 10000 workdays, workdays + rollover, days + the ongoing flag
SELECT v, testkit.copy_through(format('(SELECT %s::bigint)', v), 'cal_copy') AS outcome
  FROM (VALUES ((5::bigint << 32) | 15), ((9::bigint << 40) | (4::bigint << 32) | 30),
               ((8::bigint << 40) | (1::bigint << 32) | 9404), ((4::bigint << 32)),
               ((5::bigint << 32) | 10000), ((8::bigint << 40) | (5::bigint << 32) | 15),
               ((2::bigint << 40) | (4::bigint << 32) | 30)) AS t(v);
SELECT d FROM cal_copy ORDER BY ctid;   -- the three accepted, as copied in
DROP TABLE cal_copy;

-- due_date resolves calendar days (IMMUTABLE) and refuses working days
SELECT due_date('30 days', '2025-01-01') AS thirty_days, due_date('30日', '2024-02-01') AS leap,
       due_date('30 days', NULL) AS no_assigned, due_date('30 days', '2025-01-01', NULL) AS no_immediate_days_needed,
       deadline_state('30 days', '2025-01-01', NULL, '2025-02-01') AS state,
       days_overdue('30 days', '2025-01-01', NULL, '2025-02-05') AS days_late,
       expected_progress('30 days', '2025-01-01', '2025-01-16') AS half;
SELECT * FROM testkit.try($$due_date('15 workdays', '2025-01-20')$$);
SELECT * FROM testkit.try($$due_date('2025-10-01, rollover', '2025-01-20')$$);
SELECT * FROM testkit.try($$deadline_state('15个工作日', '2025-01-20', NULL, '2025-02-01')$$);
SELECT * FROM testkit.try($$days_overdue('15 workdays', '2025-01-20', NULL, '2025-02-01')$$);
SELECT * FROM testkit.try($$expected_progress('30 days, rollover', '2025-01-20', '2025-02-01')$$);
SELECT * FROM testkit.try($$due_date('9999 days', '9999-12-01')$$);
-- 0.1's unknown-literal calls still resolve to one function each
SELECT deadline_state('2021-12-31', '2020-04-22', NULL, '2022-01-15') AS state,
       days_overdue('2021-12-31', '2020-04-22', NULL, '2022-01-15') AS days,
       expected_progress('2021-12-31', '2020-04-22', '2021-01-15') AS progress,
       due_date('immediate', '2021-08-31') AS due;

-- resolve_due handles every form.  15 working days from Monday 2025-01-20
-- cross Spring Festival: 01-26 and 02-08 count, 01-28 .. 02-04 do not.
SELECT d, resolve_due(d, '2025-01-20') AS due
  FROM (VALUES ('15 workdays'::deadline), ('15个工作日,长期坚持'), ('30 days'), ('30 days, rollover'),
               ('2025-10-01'), ('2025-10-01, rollover'), ('2025-09-28, rollover'),
               ('2025-10-11, rollover'), ('immediate'), ('immediate, ongoing'), ('ongoing')) AS t(d);
-- Art. 203: only a deadline marked rollover moves; 30 days from 2025-09-01
-- ends on 10-01, in the National Day week, and rolls to Thursday 10-09
SELECT resolve_due('30 days', '2025-09-01') AS plain, resolve_due('30 days, rollover', '2025-09-01') AS rolled,
       resolve_due('2025-12-31, rollover', NULL) AS working_wednesday,
       resolve_due('2026-01-01, rollover', NULL) AS to_working_sunday_0104;
SELECT resolve_due(NULL, '2025-01-20') AS no_deadline, resolve_due('15 workdays', NULL) AS no_assigned,
       resolve_due('15 workdays', '2025-01-20', NULL) AS no_calendar,
       resolve_due('2025-10-01', NULL, NULL) AS date_needs_no_calendar,
       resolve_due('immediate', '2025-01-20', 'cn', NULL) AS no_immediate_days,
       resolve_due('immediate', '2025-01-20', 'cn', 10) AS ten_days;
SELECT * FROM testkit.try($$resolve_due('2025-10-01', NULL, 'mars')$$);
SELECT * FROM testkit.try($$resolve_due('15 workdays', 'infinity')$$);

-- ------------------------------------------------------------------
-- load_calendar: validation.  Nothing is loaded when anything is wrong.
-- ------------------------------------------------------------------
SELECT calendar_version('cn') AS v0 \gset
SELECT label, r.state, r.message
  FROM (VALUES
    ('not an object', $j$["2025-01-01"]$j$),
    ('no year', $j${"days": []}$j$),
    ('year as text', $j${"year": "2027", "days": []}$j$),
    ('fractional year', $j${"year": 2027.5, "days": []}$j$),
    ('year out of range', $j${"year": 1900, "days": []}$j$),
    ('no days', $j${"year": 2027}$j$),
    ('days not an array', $j${"year": 2027, "days": {"2027-01-01": true}}$j$),
    ('empty year for a base calendar', $j${"year": 2027, "days": []}$j$),
    ('papers not strings', $j${"year": 2027, "papers": [1], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}$j$),
    ('day not an object', $j${"year": 2027, "days": ["2027-01-01"]}$j$),
    ('no name', $j${"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]}$j$),
    ('empty name', $j${"year": 2027, "days": [{"name": " ", "date": "2027-01-01", "isOffDay": true}]}$j$),
    ('isOffDay as text', $j${"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": "yes"}]}$j$),
    ('impossible date', $j${"year": 2027, "days": [{"name": "春节", "date": "2027-02-30", "isOffDay": true}]}$j$),
    ('not ISO', $j${"year": 2027, "days": [{"name": "元旦", "date": "2027/01/01", "isOffDay": true}]}$j$),
    ('compact', $j${"year": 2027, "days": [{"name": "元旦", "date": "20270101", "isOffDay": true}]}$j$),
    ('outside the year', $j${"year": 2027, "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}]}$j$),
    ('too early', $j${"year": 2027, "days": [{"name": "元旦", "date": "2026-11-30", "isOffDay": true}]}$j$),
    ('twice', $j${"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, {"name": "元旦", "date": "2027-01-01", "isOffDay": false}]}$j$)
  ) AS t(label, j),
  LATERAL testkit.try(format('rectify.load_calendar(%L, %L::jsonb)', 'cn', j)) AS r;
SELECT * FROM testkit.try($$load_calendar('mars', '{"year": 2027, "days": []}')$$);
SELECT * FROM testkit.try($$load_calendar('cn', NULL)$$);
SELECT calendar_version('cn') = :v0 AS nothing_loaded,
       (SELECT count(*) FROM calendar_loads WHERE year = 2027) AS loads_2027;

-- ------------------------------------------------------------------
-- The ledger: items counted in working days store their resolved due
-- date and the calendar version used.
-- ------------------------------------------------------------------
SELECT register_item('WD-1', '130600', '信访件办理', '15个工作日', '2025-12-10', 'other', 'complaint') AS wd1,
       register_item('WD-2', '130600', '信访件办理', '15 workdays', '2025-12-10', 'other', 'complaint') AS wd2,
       register_item('WD-3', '130600', '整改', '2025-12-31, rollover', '2025-06-01') AS wd3,
       register_item('WD-4', '130600', '整改', '30日', '2025-12-10') AS wd4,
       register_item('WD-5', '130600', '整改', '2025-12-31', '2025-06-01') AS wd5;
SELECT code, deadline, calendar, due_date, original_due_date,
       calendar_version = :v0 AS version_is_current, calendar_version IS NULL AS no_calendar_needed
  FROM items WHERE code LIKE 'WD-%' ORDER BY code;
SELECT advance(item_id, 'completed', '2025-12-20') FROM items WHERE code = 'WD-2';
SELECT code, state, due_date, days_overdue, expected_progress, extended
  FROM ledger('2025-12-22') WHERE code LIKE 'WD-%' ORDER BY code;
-- the calendar columns change only through rectify's functions: no role
-- is granted them, not even an administrator
SELECT setup_roles('rt_c_admin', 'rt_c_officer', 'rt_c_verifier', NULL);
CREATE ROLE rt_c_adam IN ROLE rt_c_admin;
SET ROLE rt_c_adam;
UPDATE items SET calendar_version = 1 WHERE code = 'WD-1';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP OWNED BY rt_c_adam, rt_c_admin, rt_c_officer, rt_c_verifier;
DROP ROLE rt_c_adam, rt_c_admin, rt_c_officer, rt_c_verifier;
UPDATE items SET calendar = 'cn' WHERE code = 'WD-1';  -- no change: allowed
-- measures have no stored due date: working-day deadlines are refused there
SELECT * FROM testkit.try($$rectify.add_measure((SELECT item_id FROM rectify.items WHERE code = 'WD-1'), '回复', '5 workdays')$$);
SELECT add_measure(item_id, '回复', '10 days') IS NOT NULL AS calendar_days_ok FROM items WHERE code = 'WD-1';

-- ------------------------------------------------------------------
-- Reloading a year replaces it atomically and re-resolves open items.
-- Suppose a corrected 2025 notice adds 12-15 .. 12-19 and 12-31 as days
-- off: WD-1 (open) moves, WD-2 (completed on 12-20) keeps the due date and
-- version it was judged against, the rollover date WD-3 rolls into 2026.
-- ------------------------------------------------------------------
SELECT jsonb_build_object('year', 2025, 'papers', '["https://example.org/corrected-2025"]'::jsonb,
         'days', jsonb_agg(jsonb_build_object('name', name, 'date', day, 'isOffDay', is_off) ORDER BY day))
         AS orig_2025
  FROM calendar_exceptions WHERE calendar = 'cn' AND year = 2025 \gset
SELECT load_calendar('cn', jsonb_set(:'orig_2025'::jsonb, '{days}', (:'orig_2025'::jsonb -> 'days') ||
         '[{"name": "测试", "date": "2025-12-15", "isOffDay": true}, {"name": "测试", "date": "2025-12-16", "isOffDay": true},
           {"name": "测试", "date": "2025-12-17", "isOffDay": true}, {"name": "测试", "date": "2025-12-18", "isOffDay": true},
           {"name": "测试", "date": "2025-12-19", "isOffDay": true}, {"name": "测试", "date": "2025-12-31", "isOffDay": true}]'))
       > :v0 AS new_version;
SELECT calendar_version('cn') AS v1 \gset
SELECT is_workday('2025-12-15') AS dec_15, is_workday('2025-12-31') AS dec_31,
       calendar_cache_version('cn') = :v1 AS cache_follows,
       (SELECT count(*) FROM calendar_loads WHERE year = 2025) AS loads_of_2025_kept;
SELECT code, due_date, original_due_date, calendar_version = :v1 AS at_new_version,
       calendar_version = :v0 AS at_old_version
  FROM items WHERE code LIKE 'WD-%' ORDER BY code;
SELECT code, state, due_date, extended FROM ledger('2025-12-22') WHERE code LIKE 'WD-%' ORDER BY code;
-- loading the original again restores the old due dates under a new version
SELECT load_calendar('cn', :'orig_2025') > :v1 AS newer;
SELECT code, due_date, calendar_version > :v1 AS at_newest FROM items WHERE code IN ('WD-1', 'WD-3') ORDER BY code;
-- a load that fails half-way changes nothing, cache included
SELECT * FROM testkit.try($$rectify.load_calendar('cn', '{"year": 2025, "days": [{"name": "x", "date": "2025-03-03", "isOffDay": true}, {"name": "x", "date": "2025-02-30", "isOffDay": true}]}')$$);
SELECT is_workday('2025-03-03') AS march_3_still_working, calendar_cache_version('cn') = calendar_version('cn') AS cache_current;
-- a transaction rolled back takes its calendar with it
BEGIN;
SELECT load_calendar('cn', '{"year": 2025, "days": [{"name": "x", "date": "2025-03-03", "isOffDay": true}]}') IS NOT NULL AS loaded;
SELECT is_workday('2025-03-03') AS inside, is_workday('2025-01-28') AS spring_festival_gone;
ROLLBACK;
SELECT is_workday('2025-03-03') AS after_rollback, is_workday('2025-01-28') AS spring_festival_back;
-- plain DML on the calendar tables invalidates the cache too
INSERT INTO calendar_days (version, day, is_off, name)
  SELECT max(version), '2025-03-04', true, '直接插入' FROM calendar_loads WHERE calendar = 'cn' AND year = 2025;
SELECT is_workday('2025-03-04') AS after_insert;
DELETE FROM calendar_days WHERE name = '直接插入';
SELECT is_workday('2025-03-04') AS after_delete;

-- extend_deadline accepts a working-day deadline and records the version
SELECT extend_deadline(item_id, '40 workdays', '主任', '材料补充', '2025-12-22') AS new_due
  FROM items WHERE code = 'WD-1';
SELECT code, deadline, original_deadline, due_date, original_due_date, calendar_version = calendar_version('cn') AS current
  FROM items WHERE code = 'WD-1';
SELECT * FROM testkit.try($$rectify.extend_deadline((SELECT item_id FROM rectify.items WHERE code = 'WD-1'), '10 workdays', '主任', '缩短', '2025-12-22')$$);
-- a refresh re-resolves the extension from the day it was approved, not
-- from the assignment: nothing changes
SELECT refresh_due_dates('cn') > 0 AS refreshed;
SELECT code, due_date, due_date = add_workdays('2025-12-22', 40) AS from_approval
  FROM items WHERE code = 'WD-1';

-- ------------------------------------------------------------------
-- Layering: a regional calendar over cn.  Baoding (130600) gets a local
-- day off and works on a day cn has off; everything else is cn's.
-- ------------------------------------------------------------------
SELECT create_calendar('cn-130600', 'cn', '130600', '保定市');
SELECT load_calendar('cn-130600', '{"year": 2025, "papers": ["保定市通知"], "days": [
         {"name": "地方假日", "date": "2025-03-03", "isOffDay": true},
         {"name": "地方调休", "date": "2025-05-05", "isOffDay": false}]}') IS NOT NULL AS loaded;
SELECT d, is_workday(d, 'cn') AS cn, is_workday(d, 'cn-130600') AS baoding
  FROM unnest('{2025-03-03,2025-05-05,2025-01-28,2025-01-26,2025-03-04}'::date[]) d;
SELECT workdays_between('2025-02-28', '2025-03-07', 'cn') AS cn_week,
       workdays_between('2025-02-28', '2025-03-07', 'cn-130600') AS baoding_week,
       add_workdays('2025-02-28', 1, 'cn-130600') AS next_in_baoding;
SELECT day, is_off, name, from_calendar FROM calendar_effective('cn-130600')
 WHERE day BETWEEN '2025-03-01' AND '2025-05-06' ORDER BY day;
-- its years are cn's: a region's data does not make a year usable
SELECT (SELECT array_agg(y) FROM calendar_years('cn-130600') y) = (SELECT array_agg(y) FROM calendar_years('cn') y) AS same_years;
-- a base calendar's load reaches the layered one
SELECT calendar_version('cn-130600') > calendar_version('cn') AS own_load_is_newer;
-- a region may clear its year with an empty list; a base calendar may not
SELECT load_calendar('cn-130600', '{"year": 2024, "days": []}') IS NOT NULL AS empty_regional_year;
-- items registered in the region or below it take its calendar
SELECT register_item('BD-1', '130602', '信访件办理', '3 workdays', '2025-02-28') AS bd1,
       register_item('BD-2', '340000', '信访件办理', '3 workdays', '2025-02-28') AS bd2;
SELECT code, region, calendar, due_date FROM items WHERE code LIKE 'BD-%' ORDER BY code;
-- mistakes
SELECT * FROM testkit.try($$create_calendar('cn-130600', 'cn')$$);
SELECT * FROM testkit.try($$create_calendar('Baoding City')$$);
SELECT * FROM testkit.try($$create_calendar('cn-131000', 'nowhere')$$);
SELECT * FROM testkit.try($$create_calendar('cn-bd2', 'cn', '130600')$$);
UPDATE calendars SET base = 'cn-130600' WHERE name = 'cn';
\echo :LAST_ERROR_SQLSTATE

DROP TABLE ref_day;

-- Escalation judges working-day deadlines by their resolved due dates.
SELECT e.code, i.deadline, i.due_date, e.from_level, e.to_level, e.days_overdue
  FROM escalate('2026-02-15') e JOIN items i USING (item_id)
 WHERE e.code LIKE 'WD-%' ORDER BY e.code;

-- Scores judge working-day items by their resolved due dates too.
SELECT code, state, days_overdue, score FROM item_scores('2026-02-15')
 WHERE code LIKE 'WD-%' ORDER BY code;

-- A reload corrects due dates from the day they were set (recorded now):
-- the kept versions of rectify.item_versions are written again, so the
-- state on every day a fact took effect, and the day before, is the one
-- rebuilt from the events.
SELECT * FROM testkit.states_disagree();
