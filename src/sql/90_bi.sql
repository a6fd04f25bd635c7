-- ------------------------------------------------------------------
-- Views for BI: flat, plain column types (text, date, numeric,
-- integer, bigint, boolean), one row per thing.  Owner's rights
-- (security_invoker = false, stated): a reader granted SELECT on these
-- views reads them without any right on the tables behind them.  They show
-- the ledger as of rectify.today(); SET rectify.asof = '2022-06-20' in a
-- session shows another day.
-- ------------------------------------------------------------------

-- The scorecards read as the caller (rectify.item_states applies
-- row-level security), and a reader may read no table: the BI views read
-- them through these functions, which run as the owner, for the asof and
-- known_at of the session's settings (rectify.scoring_context, passed in
-- by the views).  Only the parts that see every item may execute them.
CREATE FUNCTION rectify.bi_scored_items(asof date, known_at timestamptz) RETURNS SETOF rectify.scored_item
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp
  AS $$ SELECT * FROM rectify.scored_items(asof, known_at) $$;
COMMENT ON FUNCTION rectify.bi_scored_items(date, timestamptz) IS
  'internal: rectify.scored_items read as the owner, for the BI views';
CREATE FUNCTION rectify.bi_scored_units(asof date, known_at timestamptz) RETURNS SETOF rectify.scored_unit
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp
  AS $$ SELECT * FROM rectify.scored_units(asof, known_at) $$;
COMMENT ON FUNCTION rectify.bi_scored_units(date, timestamptz) IS
  'internal: rectify.scored_units read as the owner, for the BI views';
CREATE FUNCTION rectify.bi_scored_regions(asof date, known_at timestamptz) RETURNS SETOF rectify.scored_region
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp
  AS $$ SELECT * FROM rectify.scored_regions(asof, known_at) $$;
COMMENT ON FUNCTION rectify.bi_scored_regions(date, timestamptz) IS
  'internal: rectify.scored_regions read as the owner, for the BI views';
-- each item's primary units and lead supervisors on the scoring asof
CREATE FUNCTION rectify.bi_item_units()
  RETURNS TABLE (item_id bigint, primary_units text, lead_supervisors text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp
  AS $$
  SELECT r.item_id,
         string_agg(u.name, '; ' ORDER BY r.seq) FILTER (WHERE r.role = 'primary'),
         string_agg(u.name, '; ' ORDER BY r.seq) FILTER (WHERE r.role = 'lead_supervisor')
    FROM rectify.scoring_context c
   CROSS JOIN LATERAL rectify.responsibilities_at(c.asof, c.known_at) r
    JOIN rectify.units u USING (unit_id)
   GROUP BY r.item_id
$$;
COMMENT ON FUNCTION rectify.bi_item_units() IS
  'internal: each item''s primary units and lead supervisors on the scoring asof, read as the owner, for rectify.bi_items';
REVOKE EXECUTE ON FUNCTION rectify.bi_scored_items(date, timestamptz), rectify.bi_scored_units(date, timestamptz),
                           rectify.bi_scored_regions(date, timestamptz), rectify.bi_item_units() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.bi_scored_items(date, timestamptz), rectify.bi_scored_units(date, timestamptz),
                          rectify.bi_scored_regions(date, timestamptz), rectify.bi_item_units()
  TO rectify_reader, rectify_admin, rectify_verifier;

CREATE VIEW rectify.bi_items WITH (security_invoker = false) AS
  SELECT s.item_id, s.code, s.source, s.category, s.asof,
         s.region::text AS region_code,
         (SELECT n.name FROM rectify.regions n
           WHERE n.code IN (s.region, rectify.prefecture(s.region), rectify.province(s.region))
           ORDER BY n.code DESC LIMIT 1) AS region_name,
         rectify.province(s.region)::text AS province_code,
         (SELECT n.name FROM rectify.regions n WHERE n.code = rectify.province(s.region)) AS province_name,
         rectify.prefecture(s.region)::text AS prefecture_code,
         (SELECT n.name FROM rectify.regions n WHERE n.code = rectify.prefecture(s.region)) AS prefecture_name,
         s.status::text AS status, s.deadline::text AS deadline, s.assigned, s.due_date,
         s.state::text AS state, s.days_overdue, s.level::text AS escalation_level,
         s.peak_level::text AS peak_level, s.reopened, s.progress, s.expected_progress, s.score,
         s.completed_on, s.closed_on, u.primary_units, u.lead_supervisors, s.light::text AS light
    FROM rectify.bi_scored_items((SELECT c.asof FROM rectify.scoring_context c),
                                 (SELECT c.known_at FROM rectify.scoring_context c)) s
    LEFT JOIN rectify.bi_item_units() u USING (item_id);
COMMENT ON VIEW rectify.bi_items IS
  'BI: one row per item assigned by asof (rectify.today(), or the session setting rectify.asof; as known at rectify.known_at, default now), as it stood then: region and unit names, status, deadline, due date, deadline state, days overdue, escalation level then and highest reached, reopenings, progress, 序时进度, score, traffic light (red, yellow, green, blue, closed)';

CREATE VIEW rectify.bi_unit_scorecard WITH (security_invoker = false) AS
  SELECT (SELECT c.asof FROM rectify.scoring_context c) AS asof,
         s.unit_id, s.unit, s.unit_region::text AS unit_region, s.items, s.closed, s.closed_on_time,
         s.open_overdue, s.on_time_rate, s.mean_score, s.max_level::text AS max_level,
         s.reopened, s.rank, s.bottom, s.red, s.yellow, s.green, s.blue
    FROM rectify.bi_scored_units((SELECT c.asof FROM rectify.scoring_context c),
                                 (SELECT c.known_at FROM rectify.scoring_context c)) s;
COMMENT ON VIEW rectify.bi_unit_scorecard IS
  'BI: rectify.unit_scorecard as of rectify.today() (or the session setting rectify.asof; as known at rectify.known_at, default now), one row per primary responsible unit';

CREATE VIEW rectify.bi_region_scorecard WITH (security_invoker = false) AS
  SELECT (SELECT c.asof FROM rectify.scoring_context c) AS asof,
         s.level, s.region::text AS region_code, s.region_name, s.items, s.closed,
         s.closed_on_time, s.open_overdue, s.on_time_rate, s.mean_score, s.max_level::text AS max_level,
         s.reopened, s.rank, s.bottom, s.red, s.yellow, s.green, s.blue
    FROM rectify.bi_scored_regions((SELECT c.asof FROM rectify.scoring_context c),
                                   (SELECT c.known_at FROM rectify.scoring_context c)) s;
COMMENT ON VIEW rectify.bi_region_scorecard IS
  'BI: rectify.region_scorecard at every level (province, prefecture, county) as of rectify.today() (or the session setting rectify.asof; as known at rectify.known_at, default now), one row per level and region';

CREATE VIEW rectify.bi_dispatch_monthly WITH (security_invoker = false) AS
  SELECT s.month,
         (SELECT max(p.month) FROM rectify.dispatch_snapshots p
           WHERE p.month = (s.month - interval '1 month')::date) AS compared_with,
         count(*)::integer AS open_items,
         count(*) FILTER (WHERE p.item_id IS NULL)::integer AS new_open_items,
         count(*) FILTER (WHERE s.state = 'overdue' AND p.state IS DISTINCT FROM 'overdue')::integer
           AS newly_overdue,
         (SELECT count(*) FROM rectify.dispatch_snapshots q
           WHERE q.month = (s.month - interval '1 month')::date
             AND NOT EXISTS (SELECT FROM rectify.dispatch_snapshots t
                              WHERE t.month = s.month AND t.item_id = q.item_id))::integer
           AS newly_closed,
         count(*) FILTER (WHERE s.escalation_level > coalesce(p.escalation_level, 'none'))::integer
           AS escalated,
         count(*) FILTER (WHERE s.state = 'overdue')::integer AS overdue
    FROM rectify.dispatch_snapshots s
    LEFT JOIN rectify.dispatch_snapshots p
      ON p.item_id = s.item_id AND p.month = (s.month - interval '1 month')::date
   GROUP BY s.month;
COMMENT ON VIEW rectify.bi_dispatch_monthly IS
  'BI: one row per monthly dispatch (一月一调度) against the previous month''s: open items, new open items, newly overdue, newly closed (open last month, not this month), escalated (level above last month''s), overdue; compared_with is NULL when the previous month was not dispatched';

CREATE VIEW rectify.bi_proposal_summary WITH (security_invoker = false) AS
  WITH y AS (
    SELECT extract(year FROM i.assigned)::integer AS year,
           count(*)::integer AS handled,
           count(*) FILTER (WHERE p.role = 'lead')::integer AS lead,
           count(*) FILTER (WHERE p.role = 'split')::integer AS split,
           count(*) FILTER (WHERE p.role = 'co_handling')::integer AS co_handling,
           count(*) FILTER (WHERE p.role = 'reference')::integer AS reference,
           count(*) FILTER (WHERE p.grade = 'A')::integer AS grade_a,
           count(*) FILTER (WHERE p.grade = 'B')::integer AS grade_b,
           count(*) FILTER (WHERE p.grade = 'C')::integer AS grade_c,
           count(*) FILTER (WHERE p.role = 'lead' AND p.visited)::integer AS lead_visited,
           count(*) FILTER (WHERE p.satisfied)::integer AS satisfied,
           count(*) FILTER (WHERE p.satisfied IS NOT NULL)::integer AS satisfaction_answers
      FROM rectify.proposals p JOIN rectify.items i USING (item_id)
     GROUP BY 1)
  SELECT y.year, y.handled, y.lead, y.split, y.co_handling, y.reference,
         y.grade_a, y.grade_b, y.grade_c, y.lead_visited,
         round(100.0 * y.lead_visited / nullif(y.lead, 0), 1) AS visited_pct,
         y.satisfied, y.satisfaction_answers,
         round(100.0 * y.satisfied / nullif(y.satisfaction_answers, 0), 1) AS satisfied_pct
    FROM y;
COMMENT ON VIEW rectify.bi_proposal_summary IS
  'BI: proposal handling per year of assignment: items handled, by role (lead 主办, split 分办, co_handling 会办, reference 参阅), by grade (A, B, C), lead items visited and visited_pct (of lead items), satisfied and satisfied_pct (of recorded answers)';

CREATE FUNCTION rectify.proposal_summary(year integer)
  RETURNS SETOF rectify.bi_proposal_summary
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT * FROM rectify.bi_proposal_summary s WHERE s.year = proposal_summary.year;
  END;
COMMENT ON FUNCTION rectify.proposal_summary(integer) IS
  'proposal handling (建议提案办理) of one year: counts by role and grade, visited rate of lead items, satisfaction rate';

-- The views a BI reader may read, and nothing else.
CREATE FUNCTION rectify.bi_views() RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  VALUES ('rectify.bi_items'), ('rectify.bi_unit_scorecard'), ('rectify.bi_region_scorecard'),
         ('rectify.bi_dispatch_monthly'), ('rectify.bi_proposal_summary')
$$;
COMMENT ON FUNCTION rectify.bi_views() IS 'the views for BI tools, which create_reader_role grants';

CREATE FUNCTION rectify.create_reader_role(name text DEFAULT 'rectify_reader')
  RETURNS SETOF text
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM rectify.require_text(name, 'a role name');
  IF EXISTS (SELECT FROM pg_roles r WHERE r.rolname = create_reader_role.name) THEN
    RAISE NOTICE 'role "%" exists: it becomes a reader of the BI views', name;
  END IF;
  PERFORM rectify.play_part(name, 'reader');
  RETURN QUERY SELECT * FROM rectify.bi_views();
END $$;
COMMENT ON FUNCTION rectify.create_reader_role(text) IS
  'makes a NOLOGIN role (default rectify_reader), or takes an existing one, a member of rectify_reader, which may read exactly the BI views (rectify.bi_views()) and nothing else; returns the views. GRANT the role to login roles';
