-- ------------------------------------------------------------------
-- Scoring and assessment (考核) and proposal handling (人大建议/政协提案).
--
--  * weights: rectify.score_settings (one optional row, NULL = default)
--    and rectify.score_weights (the effective values);
--  * rectify.item_score (C, IMMUTABLE): the deduction model;
--  * scoring as of a date, as known at a moment: internal functions
--    scored_items, scored_units and scored_regions (asof, known_at), read
--    by item_scores, unit_scorecard, region_scorecard and the BI views, so
--    the logic exists once;
--  * proposal handling: rectify.proposals, record_proposal(),
--    proposal_summary(year).
-- ------------------------------------------------------------------

-- ------------------------------------------------------------------
-- Weights.  Like rectify.settings: at most one row, not seeded, so a
-- dump and restore never duplicates it; NULL means the default, and the
-- defaults live in the view rectify.score_weights.
-- ------------------------------------------------------------------

CREATE TABLE rectify.score_settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  late_per_day double precision CHECK (late_per_day BETWEEN 0 AND 100),
  late_floor double precision CHECK (late_floor BETWEEN 0 AND 100),
  lag_weight double precision CHECK (lag_weight BETWEEN 0 AND 100),
  overdue_base double precision CHECK (overdue_base BETWEEN 0 AND 100),
  overdue_per_day double precision CHECK (overdue_per_day BETWEEN 0 AND 100),
  overdue_floor double precision CHECK (overdue_floor BETWEEN 0 AND 100),
  per_level double precision CHECK (per_level BETWEEN 0 AND 100),
  per_reopening double precision CHECK (per_reopening BETWEEN 0 AND 100)
);
COMMENT ON TABLE rectify.score_settings IS
  'the office''s scoring weights (考核扣分标准), at most one row; NULL means the default shown by rectify.score_weights';
COMMENT ON COLUMN rectify.score_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN rectify.score_settings.late_per_day IS 'closed late: points deducted per day late (default 2)';
COMMENT ON COLUMN rectify.score_settings.late_floor IS 'closed late: the score before level and reopening deductions never falls below this (default 40)';
COMMENT ON COLUMN rectify.score_settings.lag_weight IS 'open, not overdue: points deducted per unit of lag behind 序时进度 (default 50: a lag of 0.2 costs 10)';
COMMENT ON COLUMN rectify.score_settings.overdue_base IS 'open and overdue: the starting score (default 60)';
COMMENT ON COLUMN rectify.score_settings.overdue_per_day IS 'open and overdue: points deducted per day overdue (default 1)';
COMMENT ON COLUMN rectify.score_settings.overdue_floor IS 'open and overdue: the score before level and reopening deductions never falls below this (default 0)';
COMMENT ON COLUMN rectify.score_settings.per_level IS 'points deducted per escalation level reached above none (default 5)';
COMMENT ON COLUMN rectify.score_settings.per_reopening IS 'points deducted per reopening after a rebound (反弹, default 20)';
SELECT pg_catalog.pg_extension_config_dump('rectify.score_settings', '');

CREATE VIEW rectify.score_weights AS
  SELECT coalesce(s.late_per_day, 2) AS late_per_day,
         coalesce(s.late_floor, 40) AS late_floor,
         coalesce(s.lag_weight, 50) AS lag_weight,
         coalesce(s.overdue_base, 60) AS overdue_base,
         coalesce(s.overdue_per_day, 1) AS overdue_per_day,
         coalesce(s.overdue_floor, 0) AS overdue_floor,
         coalesce(s.per_level, 5) AS per_level,
         coalesce(s.per_reopening, 20) AS per_reopening
    FROM (SELECT) AS one LEFT JOIN rectify.score_settings s ON true;
COMMENT ON VIEW rectify.score_weights IS
  'the effective scoring weights: rectify.score_settings with the defaults filled in (the one place the defaults live; item_score''s parameter defaults mirror them)';

-- set_score_weight(name, value): change one weight; NULL restores the default.
CREATE FUNCTION rectify.set_score_weight(name text, value double precision) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  known text;
BEGIN
  PERFORM rectify.require_primary('rectify.set_score_weight()');
  SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) INTO known
    FROM pg_attribute a
   WHERE a.attrelid = 'rectify.score_settings'::regclass AND a.attnum > 0
     AND NOT a.attisdropped AND a.attname <> 'singleton';
  IF name IS NULL OR NOT EXISTS (
       SELECT FROM pg_attribute a
        WHERE a.attrelid = 'rectify.score_settings'::regclass AND a.attnum > 0
          AND NOT a.attisdropped AND a.attname <> 'singleton' AND a.attname = set_score_weight.name) THEN
    RAISE EXCEPTION 'unknown score weight "%"', coalesce(name, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('Weights are %s.', known);
  END IF;
  IF value IS NOT NULL AND (value = 'NaN' OR value < 0 OR value > 100) THEN
    RAISE EXCEPTION 'invalid value for score weight "%": %', name, value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a number of points from 0 to 100.';
  END IF;
  INSERT INTO rectify.score_settings DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING;
  EXECUTE format('UPDATE rectify.score_settings SET %I = $1', name) USING value;
END $$;
COMMENT ON FUNCTION rectify.set_score_weight(text, double precision) IS
  'set one scoring weight (a column of rectify.score_settings, e.g. per_level); NULL restores the default';
-- set_score_weight() runs as the owner so that an administrator can use it;
-- the table checks the caller.
CREATE TRIGGER admin_only BEFORE INSERT OR UPDATE OR DELETE ON rectify.score_settings
  FOR EACH ROW EXECUTE FUNCTION rectify.admin_only();

-- ------------------------------------------------------------------
-- item_score (src/score.c).
-- ------------------------------------------------------------------
-- The weights come as one value of the row type of rectify.score_weights
-- (NULL, or a NULL field, means the default); a call site checks their
-- shape once.
CREATE FUNCTION rectify.item_score(deadline rectify.deadline, assigned date, closed date, asof date,
                                   level rectify.escalation_level, progress numeric,
                                   reopened_count integer,
                                   weights rectify.score_weights DEFAULT NULL,
                                   immediate_days integer DEFAULT 30)
  RETURNS numeric AS 'MODULE_PATHNAME', 'item_score'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.item_score(rectify.deadline, date, date, date, rectify.escalation_level, numeric, integer, rectify.score_weights, integer) IS
  'the score of one item (扣分制), 0 to 100 with two decimals: closed on time 100; closed late 100 - late_per_day per day, not below late_floor; open 100 - lag_weight x lag behind 序时进度; overdue overdue_base - overdue_per_day per day, not below overdue_floor; then - per_level per escalation level and - per_reopening per reopening, clamped to [0, 100]. closed is the completion date; progress a fraction in [0, 1]';

-- ---------------------------------------------------------------------------
-- Scoring as of a date.  The context is built from scalar subqueries: one row, which
--    the planner knows (the settings tables are never analysed, and a join
--    with them was estimated at hundreds of rows, which made it probe
--    rectify.items once per responsibility).  The escalation history is
--    aggregated per item in one pass; a lookup of one item still pushes
--    its id into the aggregate and reads only that item's events.
-- ---------------------------------------------------------------------------

CREATE VIEW rectify.scoring_context WITH (security_invoker = false) AS
  SELECT (SELECT coalesce(nullif(pg_catalog.current_setting('rectify.asof', true), '')::date,
                          (pg_catalog.now() AT TIME ZONE o.time_zone)::date)
            FROM rectify.office o) AS asof,
         (SELECT coalesce(nullif(pg_catalog.current_setting('rectify.known_at', true), '')::timestamptz,
                          pg_catalog.now())) AS known_at,
         (SELECT o.warning_days FROM rectify.office o) AS warning_days,
         (SELECT o.immediate_days FROM rectify.office o) AS immediate_days,
         (SELECT w.late_per_day FROM rectify.score_weights w) AS late_per_day,
         (SELECT w.late_floor FROM rectify.score_weights w) AS late_floor,
         (SELECT w.lag_weight FROM rectify.score_weights w) AS lag_weight,
         (SELECT w.overdue_base FROM rectify.score_weights w) AS overdue_base,
         (SELECT w.overdue_per_day FROM rectify.score_weights w) AS overdue_per_day,
         (SELECT w.overdue_floor FROM rectify.score_weights w) AS overdue_floor,
         (SELECT w.per_level FROM rectify.score_weights w) AS per_level,
         (SELECT w.per_reopening FROM rectify.score_weights w) AS per_reopening,
         (SELECT o.lag_threshold FROM rectify.office o) AS lag_threshold;
COMMENT ON VIEW rectify.scoring_context IS
  'internal: the asof and known_at of the scoring views (settings rectify.asof and rectify.known_at, else the office''s today and now), the office''s settings and the scoring weights';

-- The scorecards as functions of (asof, known_at), not views reading a
-- setting: the planner inlines them with the date as a constant, so that
-- rectify.item_states is inlined too (a setting read in a view reaches it
-- as a parameter of a lateral join, which keeps it a function scan), and
-- estimates what passes the date.  They read as the caller: the
-- scorecards are for administrators and verifiers, who read every item;
-- the BI views call them as the owner (rectify.bi_scored_items, ...).
CREATE TYPE rectify.scored_item AS (
  item_id bigint, code text, source text, category text, region rectify.region,
  status rectify.item_status, deadline rectify.deadline, assigned date, due_date date,
  completed_on date, closed_on date, asof date, state rectify.deadline_state,
  days_overdue integer, level rectify.escalation_level, peak_level rectify.escalation_level,
  reopened integer, progress numeric, expected_progress numeric, score numeric,
  light rectify.light);
COMMENT ON TYPE rectify.scored_item IS 'a row of rectify.scored_items: an item as it stood on asof, with its score';
CREATE TYPE rectify.scored_unit AS (
  unit_id integer, unit text, unit_region rectify.region, items integer, closed integer,
  closed_on_time integer, open_overdue integer, on_time_rate numeric, mean_score numeric,
  max_level rectify.escalation_level, reopened integer, rank integer, bottom boolean,
  red integer, yellow integer, green integer, blue integer);
COMMENT ON TYPE rectify.scored_unit IS 'a row of rectify.scored_units: a unit''s scorecard line';
CREATE TYPE rectify.scored_region AS (
  level text, region rectify.region, region_name text, items integer, closed integer,
  closed_on_time integer, open_overdue integer, on_time_rate numeric, mean_score numeric,
  max_level rectify.escalation_level, reopened integer, rank integer, bottom boolean,
  red integer, yellow integer, green integer, blue integer);
COMMENT ON TYPE rectify.scored_region IS 'a row of rectify.scored_regions: a region''s scorecard line at one level';

CREATE FUNCTION rectify.scored_items(asof date, known_at timestamptz)
  RETURNS SETOF rectify.scored_item
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT i.item_id, i.code, i.source, i.category, i.region, i.status, i.deadline,
         i.assigned, i.due_date, i.completed_on, i.closed_on, scored_items.asof,
         rectify.due_state(i.due_date, i.completed_on, scored_items.asof, c.warning_days),
         rectify.due_days_overdue(i.due_date, i.completed_on, scored_items.asof),
         i.escalation_level, i.peak_level, i.reopened_count, i.progress,
         -- 序时进度 counts from the last reopening by asof
         x.expected_progress,
         -- immediate_days: the stored due date's, so the score judges the
         -- same due date as the state even if the setting changed since;
         -- a deadline resolved against a calendar, or renewed by a
         -- reopening (序时进度 from the reopening), is judged by its due date
         rectify.item_score(CASE WHEN rectify.needs_calendar(i.deadline)
                                   OR (i.last_reopened IS NOT NULL AND i.due_date IS NOT NULL)
                                 THEN rectify.deadline(i.due_date) ELSE i.deadline END,
                            coalesce(i.last_reopened, i.assigned), i.completed_on, scored_items.asof,
                            i.peak_level, i.progress, i.reopened_count,
                            ROW(c.late_per_day, c.late_floor, c.lag_weight, c.overdue_base, c.overdue_per_day, c.overdue_floor, c.per_level, c.per_reopening)::rectify.score_weights,
                            coalesce(i.due_date - i.assigned, c.immediate_days)),
         rectify.light(i.due_date, i.completed_on, scored_items.asof, i.progress, x.expected_progress,
                       c.warning_days, c.lag_threshold)
    FROM rectify.item_states(scored_items.asof, scored_items.known_at) i
   CROSS JOIN rectify.scoring_context c
   CROSS JOIN LATERAL (
     SELECT rectify.due_progress(i.due_date, coalesce(i.last_reopened, i.assigned), scored_items.asof)
              AS expected_progress) x;
END;
COMMENT ON FUNCTION rectify.scored_items(date, timestamptz) IS
  'internal: every item assigned by asof as it stood then (as known at known_at) with its deadline state, days overdue, the highest escalation level it reached and its reopenings, its score and its traffic light';

-- score_lines(asof, known_at, by_unit): the lines of a scorecard, counted
-- once for both: by unit (each item under each of its primary units on
-- asof) or by region (each item under its province, prefecture and
-- county).  A unit's lines are aggregated by unit_id and named after (5
-- thousand rows, not a million).  Ranks within each level, best mean score
-- first; bottom flags the last rank when there are two ranks or more.
CREATE FUNCTION rectify.score_lines(asof date, known_at timestamptz, by_unit boolean)
  RETURNS TABLE (level text, code text, items integer, closed integer, closed_on_time integer,
                 open_overdue integer, on_time_rate numeric, mean_score numeric,
                 max_level rectify.escalation_level, reopened integer, rank integer, bottom boolean,
                 red integer, yellow integer, green integer, blue integer)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  WITH members AS (
    SELECT 'unit' AS level, r.unit_id::text AS code, s.item_id, s.state, s.score, s.peak_level,
           s.reopened, s.light
      FROM rectify.responsibilities_at(score_lines.asof, score_lines.known_at) r
      LEFT JOIN rectify.scored_items(score_lines.asof, score_lines.known_at) s ON s.item_id = r.item_id
     WHERE score_lines.by_unit AND r.role = 'primary'
    UNION ALL
    SELECT lv.level, lv.code::text, s.item_id, s.state, s.score, s.peak_level, s.reopened, s.light
      FROM rectify.scored_items(score_lines.asof, score_lines.known_at) s
     CROSS JOIN LATERAL (VALUES
             ('province', rectify.province(s.region)),
             ('prefecture', rectify.prefecture(s.region)),
             ('county', CASE WHEN rectify.region_level(s.region) = 'county' THEN s.region END))
           AS lv(level, code)
     WHERE NOT score_lines.by_unit AND lv.code IS NOT NULL),
  per_group AS (
    SELECT m.level, m.code,
           count(m.item_id)::integer AS items,
           count(*) FILTER (WHERE m.state IN ('closed_on_time', 'closed_late'))::integer AS closed,
           count(*) FILTER (WHERE m.state = 'closed_on_time')::integer AS closed_on_time,
           count(*) FILTER (WHERE m.state = 'overdue')::integer AS open_overdue,
           round(avg(m.score), 2) AS mean_score,
           max(m.peak_level) AS max_level,
           coalesce(sum(m.reopened), 0)::integer AS reopened,
           count(*) FILTER (WHERE m.light = 'red')::integer AS red,
           count(*) FILTER (WHERE m.light = 'yellow')::integer AS yellow,
           count(*) FILTER (WHERE m.light = 'green')::integer AS green,
           count(*) FILTER (WHERE m.light = 'blue')::integer AS blue
      FROM members m
     GROUP BY m.level, m.code),
  ranked AS (
    SELECT p.*,
           round(p.closed_on_time::numeric / nullif(p.closed + p.open_overdue, 0), 4) AS on_time_rate,
           CASE WHEN p.items > 0
                THEN rank() OVER (PARTITION BY p.level, p.items > 0 ORDER BY p.mean_score DESC) END::integer AS rank
      FROM per_group p)
  SELECT r.level, r.code, r.items, r.closed, r.closed_on_time, r.open_overdue, r.on_time_rate,
         r.mean_score, r.max_level, r.reopened, r.rank,
         coalesce(r.rank = max(r.rank) OVER (PARTITION BY r.level)
                  AND max(r.rank) OVER (PARTITION BY r.level) > 1, false),
         r.red, r.yellow, r.green, r.blue
    FROM ranked r;
END;
COMMENT ON FUNCTION rectify.score_lines(date, timestamptz, boolean) IS
  'internal: the scorecard lines on asof as known at known_at, by primary unit (level unit, code the unit id) or by region (levels province, prefecture, county): items, closed, closed on time, open overdue, on-time rate, mean score, highest level, reopenings, rank, bottom and the count of each light';

CREATE FUNCTION rectify.scored_units(asof date, known_at timestamptz)
  RETURNS SETOF rectify.scored_unit
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT u.unit_id, u.name, u.region, l.items, l.closed, l.closed_on_time, l.open_overdue,
         l.on_time_rate, l.mean_score, l.max_level, l.reopened, l.rank, l.bottom,
         l.red, l.yellow, l.green, l.blue
    FROM rectify.score_lines(scored_units.asof, scored_units.known_at, true) l
    JOIN rectify.units u ON u.unit_id = l.code::integer;
END;
COMMENT ON FUNCTION rectify.scored_units(date, timestamptz) IS
  'internal: the unit scorecard on asof as known at known_at (see rectify.unit_scorecard)';

CREATE FUNCTION rectify.scored_regions(asof date, known_at timestamptz)
  RETURNS SETOF rectify.scored_region
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT l.level, l.code::rectify.region,
         (SELECT n.name FROM rectify.regions n
           WHERE n.code IN (l.code::rectify.region, rectify.prefecture(l.code::rectify.region),
                            rectify.province(l.code::rectify.region))
           ORDER BY n.code DESC LIMIT 1),
         l.items, l.closed, l.closed_on_time, l.open_overdue, l.on_time_rate, l.mean_score,
         l.max_level, l.reopened, l.rank, l.bottom, l.red, l.yellow, l.green, l.blue
    FROM rectify.score_lines(scored_regions.asof, scored_regions.known_at, false) l;
END;
COMMENT ON FUNCTION rectify.scored_regions(date, timestamptz) IS
  'internal: the region scorecards of every level (province, prefecture, county) on asof as known at known_at (see rectify.region_scorecard)';

-- 22023 for a NULL or infinite asof, or a NULL known_at.
CREATE FUNCTION rectify.check_scoring_time(asof date, known_at timestamptz) RETURNS void
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM rectify.require_date(asof, 'asof');
  IF known_at IS NULL THEN
    RAISE EXCEPTION 'known_at must not be NULL'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the moment to answer as known at, such as ''2024-04-01 09:00+08'', or omit it for now().';
  END IF;
END $$;
COMMENT ON FUNCTION rectify.check_scoring_time(date, timestamptz) IS
  'internal: 22023 for a NULL or infinite asof or a NULL known_at';

CREATE FUNCTION rectify.item_scores(asof date DEFAULT rectify.today(),
                                    known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (item_id bigint, code text, region rectify.region, status rectify.item_status,
                 state rectify.deadline_state, due_date date, days_overdue integer,
                 level rectify.escalation_level, peak_level rectify.escalation_level,
                 reopened integer, progress numeric, expected_progress numeric, score numeric,
                 light rectify.light)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.check_scoring_time(asof, known_at);
  RETURN QUERY
    SELECT s.item_id, s.code, s.region, s.status, s.state, s.due_date, s.days_overdue,
           s.level, s.peak_level, s.reopened, s.progress, s.expected_progress, s.score, s.light
      FROM rectify.scored_items(asof, known_at) s ORDER BY s.item_id;
END $$;
COMMENT ON FUNCTION rectify.item_scores(date, timestamptz) IS
  'every item assigned by asof with its state, days overdue, current and highest escalation level reached, reopenings by asof, rectify.item_score with the office''s weights and the traffic light (rectify.light)';

CREATE FUNCTION rectify.unit_scorecard(asof date DEFAULT rectify.today(),
                                       known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (unit_id integer, unit text, unit_region rectify.region, items integer,
                 closed integer, closed_on_time integer, open_overdue integer,
                 on_time_rate numeric, mean_score numeric, max_level rectify.escalation_level,
                 reopened integer, rank integer, bottom boolean,
                 red integer, yellow integer, green integer, blue integer)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.check_scoring_time(asof, known_at);
  RETURN QUERY
    SELECT s.unit_id, s.unit, s.unit_region, s.items, s.closed, s.closed_on_time, s.open_overdue,
           s.on_time_rate, s.mean_score, s.max_level, s.reopened, s.rank, s.bottom,
           s.red, s.yellow, s.green, s.blue
      FROM rectify.scored_units(asof, known_at) s ORDER BY s.rank NULLS LAST, s.unit;
END $$;
COMMENT ON FUNCTION rectify.unit_scorecard(date, timestamptz) IS
  '考核: one row per primary responsible unit as of asof: items, closed, closed on time, open overdue, on-time rate = closed_on_time / (closed + open_overdue) (NULL when 0), mean item score, highest level reached, reopenings, rank (1 = best, ties share a rank) and bottom (the last rank, when there are two ranks or more), then the items by traffic light: red, yellow, green, blue (closed is the closed column); units whose items all come later have 0 items and no rank';

CREATE FUNCTION rectify.region_scorecard(asof date DEFAULT rectify.today(), level text DEFAULT 'prefecture',
                                         known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (region rectify.region, region_name text, items integer, closed integer,
                 closed_on_time integer, open_overdue integer, on_time_rate numeric,
                 mean_score numeric, max_level rectify.escalation_level, reopened integer,
                 rank integer, bottom boolean,
                 red integer, yellow integer, green integer, blue integer)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF level IS NULL OR level NOT IN ('province', 'prefecture', 'county') THEN
    RAISE EXCEPTION 'unknown region level "%"', coalesce(level, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Levels are province, prefecture and county.';
  END IF;
  PERFORM rectify.check_scoring_time(asof, known_at);
  RETURN QUERY
    SELECT s.region, s.region_name, s.items, s.closed, s.closed_on_time, s.open_overdue,
           s.on_time_rate, s.mean_score, s.max_level, s.reopened, s.rank, s.bottom,
           s.red, s.yellow, s.green, s.blue
      FROM rectify.scored_regions(asof, known_at) s
     WHERE s.level = region_scorecard.level
     ORDER BY s.rank, s.region;
END $$;
COMMENT ON FUNCTION rectify.region_scorecard(date, text, timestamptz) IS
  '考核 by region as of asof: the unit scorecard''s columns, each item counted once in the region of the given level (province, prefecture or county) that contains it; items registered above that level are left out';

-- ------------------------------------------------------------------
-- Proposal handling (人大代表建议 / 政协提案办理).
-- ------------------------------------------------------------------

CREATE TABLE rectify.proposals (
  item_id bigint PRIMARY KEY REFERENCES rectify.items ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('lead', 'split', 'co_handling', 'reference')),
  grade text CHECK (grade IN ('A', 'B', 'C')),
  visited boolean,
  satisfied boolean
);
COMMENT ON TABLE rectify.proposals IS
  'how a proposal item (source proposal: 人大代表建议, 政协提案) was handled: role, result grade, visit and satisfaction';
COMMENT ON COLUMN rectify.proposals.role IS 'lead (主办), split (分办), co_handling (会办) or reference (参阅)';
COMMENT ON COLUMN rectify.proposals.grade IS 'result grade A, B or C (办理结果分类); NULL while not graded';
COMMENT ON COLUMN rectify.proposals.visited IS 'the deputy or member was visited (走访); NULL when not recorded';
COMMENT ON COLUMN rectify.proposals.satisfied IS 'the deputy or member was satisfied (满意); NULL when not asked';
SELECT pg_catalog.pg_extension_config_dump('rectify.proposals', '');

CREATE FUNCTION rectify.record_proposal(item bigint, role text, grade text DEFAULT NULL,
                                        visited boolean DEFAULT NULL, satisfied boolean DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
BEGIN
  PERFORM rectify.require_primary('rectify.record_proposal()');
  IF it.source <> 'proposal' THEN
    RAISE EXCEPTION 'item "%" is not a proposal: its source is %', it.code, it.source
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Register proposal items with source ''proposal''.';
  END IF;
  IF role IS NULL OR role NOT IN ('lead', 'split', 'co_handling', 'reference') THEN
    RAISE EXCEPTION 'unknown proposal handling role "%"', coalesce(role, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Roles: lead (主办), split (分办), co_handling (会办), reference (参阅).';
  END IF;
  IF grade IS NOT NULL AND grade NOT IN ('A', 'B', 'C') THEN
    RAISE EXCEPTION 'unknown proposal result grade "%"', grade
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Grades are A, B and C; NULL while not graded.';
  END IF;
  INSERT INTO rectify.proposals AS p (item_id, role, grade, visited, satisfied)
    VALUES (it.item_id, record_proposal.role, record_proposal.grade,
            record_proposal.visited, record_proposal.satisfied)
    ON CONFLICT (item_id) DO UPDATE
      SET role = EXCLUDED.role, grade = EXCLUDED.grade,
          visited = EXCLUDED.visited, satisfied = EXCLUDED.satisfied;
END $$;
COMMENT ON FUNCTION rectify.record_proposal(bigint, text, text, boolean, boolean) IS
  'records (or replaces) how a proposal item was handled: role (lead, split, co_handling, reference), grade (A, B, C), visited, satisfied; 22023 for an item whose source is not proposal';