-- ---------------------------------------------------------------------
-- Reduction accounting (主要污染物总量减排核算) and environmental-quality
-- indicators.
--
-- Projects claim reductions per pollutant; verification (核查) sets the
-- verified amounts, and only those count.  Base-year emissions, new
-- increments (新增量) and targets are recorded per region, year and
-- pollutant.  rectify.reduction_progress() rolls all of it up the region
-- hierarchy.  Every user-data table is registered for pg_dump; nothing
-- here is seeded.
-- ---------------------------------------------------------------------

CREATE TYPE rectify.reduction_kind AS ENUM ('structural', 'engineering', 'management');
COMMENT ON TYPE rectify.reduction_kind IS
  'how a project reduces emissions: structural (结构减排: closing or replacing capacity), engineering (工程减排: treatment works), management (管理减排)';

CREATE TYPE rectify.project_status AS ENUM ('planned', 'in_progress', 'completed', 'verified');
COMMENT ON TYPE rectify.project_status IS
  'reduction project lifecycle: planned → in_progress → completed → verified (核查); verified is final';

CREATE TABLE rectify.reduction_projects (
  project_id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
  name text NOT NULL CHECK (btrim(name) <> ''),
  region rectify.region NOT NULL,
  year integer NOT NULL CHECK (year BETWEEN 1949 AND 9999),
  kind rectify.reduction_kind NOT NULL,
  item_id bigint REFERENCES rectify.items ON DELETE SET NULL,
  status rectify.project_status NOT NULL DEFAULT 'planned',
  completed_on date,
  verified_on date,
  verified_by text,
  CHECK ((status IN ('completed', 'verified')) = (completed_on IS NOT NULL)),
  CHECK ((status = 'verified') = (verified_on IS NOT NULL)),
  CHECK (verified_on >= completed_on)
);
COMMENT ON TABLE rectify.reduction_projects IS
  'emission-reduction projects (减排项目); status and verification change only through rectify.set_project_status() and rectify.verify_project()';
COMMENT ON COLUMN rectify.reduction_projects.code IS 'the office''s own reference, unique';
COMMENT ON COLUMN rectify.reduction_projects.region IS 'GB/T 2260 code of the region the reduction is accounted to';
COMMENT ON COLUMN rectify.reduction_projects.year IS 'the accounting year the reduction counts for';
COMMENT ON COLUMN rectify.reduction_projects.kind IS 'structural, engineering or management reduction';
COMMENT ON COLUMN rectify.reduction_projects.item_id IS 'the rectification item this project carries out, if any';
COMMENT ON COLUMN rectify.reduction_projects.completed_on IS 'the date the project was completed';
COMMENT ON COLUMN rectify.reduction_projects.verified_on IS 'the date of verification (核查); set by rectify.verify_project()';
COMMENT ON COLUMN rectify.reduction_projects.verified_by IS 'who verified, e.g. the provincial department';
COMMENT ON SEQUENCE rectify.reduction_projects_project_id_seq IS 'ids of rectify.reduction_projects';
CREATE INDEX reduction_projects_year_idx ON rectify.reduction_projects (year, region);

CREATE TABLE rectify.project_amounts (
  project_id bigint NOT NULL REFERENCES rectify.reduction_projects ON DELETE CASCADE,
  pollutant text GENERATED ALWAYS AS (rectify.pollutant(claimed)) STORED,
  claimed rectify.emission NOT NULL CHECK (rectify.grams(claimed) >= 0),
  verified rectify.emission,
  PRIMARY KEY (project_id, pollutant),
  CHECK (verified IS NULL OR (rectify.pollutant(verified) = pollutant
                              AND rectify.grams(verified) BETWEEN 0 AND rectify.grams(claimed)))
);
COMMENT ON TABLE rectify.project_amounts IS
  'one claimed reduction per project and pollutant, and the verified amount once verified (at most the claim)';
COMMENT ON COLUMN rectify.project_amounts.pollutant IS 'the pollutant of the claim (generated)';
COMMENT ON COLUMN rectify.project_amounts.claimed IS 'the reduction the project claims (申报削减量)';
COMMENT ON COLUMN rectify.project_amounts.verified IS 'the reduction verification confirmed (核定削减量); only this counts';

-- Region-level figures: one table each, the same shape.
CREATE TABLE rectify.base_emissions (
  region rectify.region NOT NULL,
  year integer NOT NULL CHECK (year BETWEEN 1949 AND 9999),
  pollutant text GENERATED ALWAYS AS (rectify.pollutant(amount)) STORED,
  amount rectify.emission NOT NULL CHECK (rectify.grams(amount) > 0),
  base_year integer CHECK (base_year BETWEEN 1949 AND 9999),
  note text,
  PRIMARY KEY (region, year, pollutant)
);
COMMENT ON TABLE rectify.base_emissions IS
  'base-year emissions (基数) a region''s net reduction rate is measured against, per accounting year and pollutant';
COMMENT ON COLUMN rectify.base_emissions.year IS 'the accounting year this base applies to';
COMMENT ON COLUMN rectify.base_emissions.base_year IS 'the inventory year the figure comes from, e.g. 2020';

CREATE TABLE rectify.emission_increments (
  region rectify.region NOT NULL,
  year integer NOT NULL CHECK (year BETWEEN 1949 AND 9999),
  pollutant text GENERATED ALWAYS AS (rectify.pollutant(amount)) STORED,
  amount rectify.emission NOT NULL CHECK (rectify.grams(amount) >= 0),
  note text,
  PRIMARY KEY (region, year, pollutant)
);
COMMENT ON TABLE rectify.emission_increments IS
  'new emission increments (新增量) from growth in a region and year, which offset verified reductions';

-- Targets have the very shape of increments: the same columns, checks and
-- key.  LIKE copies the checks under the increments' names; they get this
-- table's own names, as a table defined on its own would have.
CREATE TABLE rectify.reduction_targets (LIKE rectify.emission_increments INCLUDING ALL);
ALTER TABLE rectify.reduction_targets RENAME CONSTRAINT emission_increments_year_check TO reduction_targets_year_check;
ALTER TABLE rectify.reduction_targets RENAME CONSTRAINT emission_increments_amount_check TO reduction_targets_amount_check;
COMMENT ON TABLE rectify.reduction_targets IS
  'net reduction targets (减排目标) per region, year and pollutant';

SELECT pg_catalog.pg_extension_config_dump('rectify.reduction_projects', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.reduction_projects_project_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.project_amounts', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.base_emissions', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.emission_increments', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.reduction_targets', '');

-- A verified project is final: its row and its amounts never change again,
-- or a verified result could change without verification.  Which columns a
-- role may write at all is decided by its grants (no role may write status,
-- dates or verified amounts directly: they change only through the
-- functions below).  INSERT stays open for importing records (and for
-- pg_restore), as long as an amount agrees with its project: verified iff
-- the project is.
CREATE FUNCTION rectify.reduction_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  p rectify.reduction_projects;
  lifecycle_changed boolean;
BEGIN
  lifecycle_changed := false;
  IF TG_TABLE_NAME = 'reduction_projects' THEN
    p := OLD;
  ELSIF TG_OP = 'INSERT' THEN
    -- an imported (or restored) amount must agree with its project:
    -- verified amounts exactly for verified projects
    SELECT * INTO p FROM rectify.reduction_projects r WHERE r.project_id = NEW.project_id;
    lifecycle_changed := (p.status = 'verified') <> (NEW.verified IS NOT NULL);
    IF NOT lifecycle_changed THEN
      RETURN NEW;
    END IF;
  ELSE
    -- the project as it is now (gone when a project delete cascades here);
    -- an update moving an amount to another project checks both
    SELECT * INTO p FROM rectify.reduction_projects r
     WHERE r.project_id = OLD.project_id;
    IF TG_OP = 'UPDATE' THEN
      IF p.status IS DISTINCT FROM 'verified' AND NEW.project_id <> OLD.project_id THEN
        SELECT * INTO p FROM rectify.reduction_projects r WHERE r.project_id = NEW.project_id;
      END IF;
    END IF;
  END IF;
  IF p.status = 'verified' OR lifecycle_changed THEN
    RAISE EXCEPTION '% refused on reduction project "%"', TG_OP, p.code
      USING ERRCODE = 'check_violation',
            DETAIL = CASE WHEN p.status = 'verified'
                          THEN format('The project was verified on %s; verified projects are final.', p.verified_on)
                          ELSE 'Status, dates and verified amounts change only through rectify functions.' END,
            HINT = 'Use rectify.set_project_status() and rectify.verify_project().';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION rectify.reduction_guard() IS
  'trigger: verified projects are final, and an inserted amount agrees with its project (verified iff the project is)';
CREATE TRIGGER reduction_guard BEFORE UPDATE OR DELETE ON rectify.reduction_projects
  FOR EACH ROW EXECUTE FUNCTION rectify.reduction_guard();
CREATE TRIGGER reduction_guard BEFORE INSERT OR UPDATE OR DELETE ON rectify.project_amounts
  FOR EACH ROW EXECUTE FUNCTION rectify.reduction_guard();

-- Lock a project for change, or raise P0002 naming the missing id.
CREATE FUNCTION rectify.lock_project(project bigint) RETURNS rectify.reduction_projects
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  p rectify.reduction_projects;
BEGIN
  PERFORM rectify.require_primary('a change to a reduction project');
  SELECT * INTO p FROM rectify.reduction_projects WHERE project_id = project FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'reduction project % does not exist', coalesce(project::text, 'NULL')
      USING ERRCODE = 'no_data_found';
  END IF;
  RETURN p;
END $$;
COMMENT ON FUNCTION rectify.lock_project(bigint) IS
  'locks a reduction project for a change; P0002 if it does not exist';

-- Check a list of amounts: no NULLs, one per pollutant, none negative.
-- `what` names the list in messages.
CREATE FUNCTION rectify.check_amounts(amounts rectify.emission[], what text) RETURNS void
  LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  dup text;
BEGIN
  IF amounts IS NULL OR cardinality(amounts) = 0 THEN
    RAISE EXCEPTION '% amounts are required', what
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give an array such as ARRAY[''12.5 t COD'', ''1.2 t NH3-N'']::rectify.emission[].';
  END IF;
  IF array_position(amounts, NULL) IS NOT NULL THEN
    RAISE EXCEPTION '% amounts must not contain NULL', what USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT rectify.pollutant(a) INTO dup FROM unnest(amounts) a
   GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '% amounts give % twice', what, dup
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Give one amount per pollutant.';
  END IF;
  SELECT a::text INTO dup FROM unnest(amounts) a WHERE rectify.grams(a) < 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '% amount "%" is negative', what, dup
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A reduction is recorded as a positive amount; new increments go in rectify.emission_increments.';
  END IF;
END $$;
COMMENT ON FUNCTION rectify.check_amounts(rectify.emission[], text) IS
  'raises 22023/22004 unless an amount list is non-empty, NULL-free, one per pollutant and non-negative';

-- add_reduction_project(...): a planned project with its claims.
CREATE FUNCTION rectify.add_reduction_project(
    code text, name text, region rectify.region, year integer,
    kind rectify.reduction_kind, claimed rectify.emission[], item bigint DEFAULT NULL)
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  id bigint;
BEGIN
  PERFORM rectify.require_primary('rectify.add_reduction_project()');
  PERFORM rectify.check_amounts(add_reduction_project.claimed, 'claimed');
  INSERT INTO rectify.reduction_projects (code, name, region, year, kind, item_id)
    VALUES (btrim(add_reduction_project.code), add_reduction_project.name,
            add_reduction_project.region, add_reduction_project.year,
            add_reduction_project.kind, item)
    RETURNING project_id INTO id;
  INSERT INTO rectify.project_amounts (project_id, claimed)
    SELECT id, c FROM unnest(add_reduction_project.claimed) c;
  RETURN id;
END $$;
COMMENT ON FUNCTION rectify.add_reduction_project(text, text, rectify.region, integer, rectify.reduction_kind, rectify.emission[], bigint) IS
  'registers a planned reduction project with one claimed amount per pollutant; returns its id';

-- set_project_status(project, to_status, on_date): planned → in_progress
-- → completed, or back from completed to in_progress before verification.
CREATE FUNCTION rectify.set_project_status(project bigint, to_status rectify.project_status,
                                           on_date date DEFAULT rectify.today())
  RETURNS rectify.project_status
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  p rectify.reduction_projects;
BEGIN
  -- the caller first: nothing about the project is read for a caller who
  -- may not change it
  PERFORM rectify.require_admin('rectify.set_project_status()', 'change the status of reduction projects');
  p := rectify.lock_project(project);
  IF to_status IS NULL OR on_date IS NULL OR NOT isfinite(on_date) THEN
    RAISE EXCEPTION 'target status and a finite date are required'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p.status = 'verified' THEN
    RAISE EXCEPTION 'reduction project "%" was verified on %: its status is final', p.code, p.verified_on
      USING ERRCODE = 'check_violation';
  END IF;
  IF to_status = 'verified' THEN
    RAISE EXCEPTION 'reduction project "%" cannot be set to verified directly', p.code
      USING ERRCODE = 'check_violation',
            HINT = 'Use rectify.verify_project() with the verified amounts.';
  END IF;
  IF (p.status, to_status) NOT IN (('planned', 'in_progress'), ('planned', 'completed'),
                                   ('in_progress', 'completed'), ('completed', 'in_progress')) THEN
    RAISE EXCEPTION 'illegal status change for reduction project "%": % → %', p.code, p.status, to_status
      USING ERRCODE = 'check_violation',
            HINT = 'Projects go planned → in_progress → completed → verified; a completed project may be sent back to in_progress.';
  END IF;
  UPDATE rectify.reduction_projects SET
    status = to_status,
    completed_on = CASE WHEN to_status = 'completed' THEN on_date END
  WHERE project_id = p.project_id;
  RETURN to_status;
END $$;
COMMENT ON FUNCTION rectify.set_project_status(bigint, rectify.project_status, date) IS
  'moves a reduction project planned → in_progress → completed (or completed back to in_progress); refuses anything else with 23514';

-- verify_project(project, verified, on_date, verified_by): 核查.  Every
-- claimed pollutant gets exactly one verified amount (0 if none was
-- confirmed), no more than claimed.  All checks come before any change.
CREATE FUNCTION rectify.verify_project(project bigint, verified rectify.emission[],
                                       on_date date DEFAULT rectify.today(),
                                       verified_by text DEFAULT NULL)
  RETURNS rectify.project_status
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  p rectify.reduction_projects;
  bad text;
BEGIN
  PERFORM rectify.require_primary('rectify.verify_project()');
  -- the caller first: nothing about the project is read for a caller who
  -- may not verify it
  IF NOT (rectify.caller_is('admin') OR rectify.caller_is('verifier')) THEN
    PERFORM rectify.deny('only an administrator or a verifier may verify reduction projects (核查)');
  END IF;
  p := rectify.lock_project(project);
  PERFORM rectify.require_date(on_date, 'the verification date', 'Give the day the amount was verified, such as 2022-06-20.');
  IF p.status = 'verified' THEN
    RAISE EXCEPTION 'reduction project "%" was already verified on %', p.code, p.verified_on
      USING ERRCODE = 'check_violation';
  END IF;
  IF p.status <> 'completed' THEN
    RAISE EXCEPTION 'reduction project "%" is %: only completed projects can be verified', p.code, p.status
      USING ERRCODE = 'check_violation',
            HINT = 'Complete it first with rectify.set_project_status(project, ''completed'').';
  END IF;
  IF on_date < p.completed_on THEN
    RAISE EXCEPTION 'verification date % is before reduction project "%" was completed (%)',
                    on_date, p.code, p.completed_on
      USING ERRCODE = 'check_violation';
  END IF;
  PERFORM rectify.check_amounts(verify_project.verified, 'verified');
  SELECT rectify.pollutant(v) INTO bad FROM unnest(verify_project.verified) v
   WHERE rectify.pollutant(v) NOT IN (SELECT a.pollutant FROM rectify.project_amounts a
                                       WHERE a.project_id = p.project_id)
   ORDER BY 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'reduction project "%" claimed no % reduction', p.code, bad
      USING ERRCODE = 'check_violation', HINT = 'Verify only the pollutants the project claimed.';
  END IF;
  SELECT a.pollutant INTO bad FROM rectify.project_amounts a
   WHERE a.project_id = p.project_id
     AND a.pollutant NOT IN (SELECT rectify.pollutant(v) FROM unnest(verify_project.verified) v)
   ORDER BY 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'no verified amount for the % claim of reduction project "%"', bad, p.code
      USING ERRCODE = 'check_violation',
            HINT = format('Give every claimed pollutant a verified amount, ''0 t %s'' if none was confirmed.', bad);
  END IF;
  SELECT format('verified %s exceeds claimed %s', v, a.claimed) INTO bad
    FROM rectify.project_amounts a JOIN unnest(verify_project.verified) v ON rectify.pollutant(v) = a.pollutant
   WHERE a.project_id = p.project_id AND rectify.grams(v) > rectify.grams(a.claimed)
   ORDER BY a.pollutant LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'reduction project "%": %', p.code, bad
      USING ERRCODE = 'check_violation', HINT = 'Verification can confirm at most the claimed reduction.';
  END IF;

  UPDATE rectify.project_amounts a SET verified = v
    FROM unnest(verify_project.verified) v
   WHERE a.project_id = p.project_id AND a.pollutant = rectify.pollutant(v);
  UPDATE rectify.reduction_projects SET status = 'verified', verified_on = on_date,
         verified_by = verify_project.verified_by
   WHERE project_id = p.project_id;
  RETURN 'verified';
END $$;
COMMENT ON FUNCTION rectify.verify_project(bigint, rectify.emission[], date, text) IS
  'verifies (核查) a completed reduction project: one verified amount per claimed pollutant, at most the claim; refuses anything else with 23514 and changes nothing';

-- reduction_progress(year, region): the accounting report.
--
-- Rollup without double counting: a project counts in its own region and
-- in every region above it, once.  A recorded base, increment or target
-- counts toward a region unless a figure recorded nearer that region (at
-- a level in between) already covers it: a prefecture's own figure
-- overrides the sum of its counties, and a province's the sum of its
-- prefectures.
CREATE FUNCTION rectify.reduction_progress(year integer, region rectify.region DEFAULT NULL)
  RETURNS TABLE (region rectify.region, region_name text, level text, pollutant text,
                 projects integer, verified_projects integer,
                 claimed rectify.emission, verified rectify.emission,
                 increment rectify.emission, net_reduction rectify.emission,
                 base_emissions rectify.emission, net_rate_pct numeric,
                 target rectify.emission, attainment_pct numeric, met boolean)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  WITH amounts AS (
    SELECT p.region AS at, p.status, a.pollutant, a.claimed, a.verified
      FROM rectify.reduction_projects p JOIN rectify.project_amounts a USING (project_id)
     WHERE p.year = reduction_progress.year
  ), figures AS (
    SELECT 'base' AS what, b.region AS at, b.pollutant, b.amount
      FROM rectify.base_emissions b WHERE b.year = reduction_progress.year
    UNION ALL
    SELECT 'increment', i.region, i.pollutant, i.amount
      FROM rectify.emission_increments i WHERE i.year = reduction_progress.year
    UNION ALL
    SELECT 'target', t.region, t.pollutant, t.amount
      FROM rectify.reduction_targets t WHERE t.year = reduction_progress.year
  ), places AS (
    SELECT DISTINCT up.r
      FROM (SELECT at FROM amounts UNION SELECT at FROM figures) d,
           LATERAL (VALUES (d.at), (rectify.prefecture(d.at)), (rectify.province(d.at))) up(r)
     WHERE up.r IS NOT NULL
       AND (reduction_progress.region IS NULL OR up.r OPERATOR(rectify.<@) reduction_progress.region)
  ), project_totals AS (
    SELECT pl.r, a.pollutant, count(*) AS projects,
           count(*) FILTER (WHERE a.status = 'verified') AS verified_projects,
           rectify.sum(a.claimed) AS claimed,
           rectify.sum(a.verified) FILTER (WHERE a.status = 'verified') AS verified
      FROM places pl JOIN amounts a ON a.at OPERATOR(rectify.<@) pl.r
     GROUP BY pl.r, a.pollutant
  ), figure_totals AS (
    SELECT pl.r, f.pollutant,
           rectify.sum(f.amount) FILTER (WHERE f.what = 'base') AS base,
           rectify.sum(f.amount) FILTER (WHERE f.what = 'increment') AS increment,
           rectify.sum(f.amount) FILTER (WHERE f.what = 'target') AS target
      FROM places pl JOIN figures f ON f.at OPERATOR(rectify.<@) pl.r
     WHERE NOT EXISTS (SELECT 1 FROM figures g
                        WHERE g.what = f.what AND g.pollutant = f.pollutant
                          AND g.at OPERATOR(rectify.<>) f.at
                          AND f.at OPERATOR(rectify.<@) g.at AND g.at OPERATOR(rectify.<@) pl.r)
     GROUP BY pl.r, f.pollutant
  ), joined AS (
    SELECT coalesce(pt.r, ft.r) AS r, coalesce(pt.pollutant, ft.pollutant) AS pollutant,
           coalesce(pt.projects, 0)::integer AS projects,
           coalesce(pt.verified_projects, 0)::integer AS verified_projects,
           pt.claimed, pt.verified, ft.increment, ft.base, ft.target,
           rectify.emission(0, 't', coalesce(pt.pollutant, ft.pollutant)) AS zero
      FROM project_totals pt FULL JOIN figure_totals ft ON pt.r OPERATOR(rectify.=) ft.r AND pt.pollutant = ft.pollutant
  ), net AS (
    SELECT j.*, coalesce(j.verified, j.zero) OPERATOR(rectify.-) coalesce(j.increment, j.zero) AS net
      FROM joined j
  )
  SELECT n.r, rectify.region_name(n.r), rectify.region_level(n.r), n.pollutant,
         n.projects, n.verified_projects,
         coalesce(n.claimed, n.zero), coalesce(n.verified, n.zero), n.increment, n.net, n.base,
         round(100 * rectify.tonnes(n.net) / nullif(rectify.tonnes(n.base), 0), 2),
         n.target,
         round(100 * rectify.tonnes(n.net) / nullif(rectify.tonnes(n.target), 0), 1),
         n.net OPERATOR(rectify.>=) n.target
    FROM net n
   ORDER BY n.r, n.pollutant;
END;
COMMENT ON FUNCTION rectify.reduction_progress(integer, rectify.region) IS
  'per region (rolled up the hierarchy, nothing counted twice) and pollutant: claimed and verified reductions, new increment, net reduction = verified − increment, base emissions, net reduction rate, target, attainment and whether it is met; only verified projects count';

-- ---------------------------------------------------------------------
-- Part 3: environmental-quality indicators (环境质量目标)
--
-- A catalogue says which way is better; values come per region, year
-- and period (the year, a half, a quarter or a month) with the
-- year-on-year change the source reported; targets per region and year
-- carry the comparison the plan wrote (以下 <=, 高于 >, 以上 >=, 保持为 =).
-- ---------------------------------------------------------------------

CREATE TABLE rectify.indicators (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name text NOT NULL CHECK (btrim(name) <> ''),
  name_en text NOT NULL CHECK (btrim(name_en) <> ''),
  unit text NOT NULL,
  better text NOT NULL CHECK (better IN ('lower', 'higher')),
  seeded boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rectify.indicators IS
  'catalogue of environmental-quality indicators; the rows the extension ships are seeded, add your own';
COMMENT ON COLUMN rectify.indicators.code IS 'short code used by values and targets, e.g. pm25';
COMMENT ON COLUMN rectify.indicators.better IS 'lower (PM2.5, heavy-pollution days) or higher (good-air days, water quality)';
COMMENT ON COLUMN rectify.indicators.seeded IS
  'true for rows installed by the extension; only the others are dumped by pg_dump';
INSERT INTO rectify.indicators (code, name, name_en, unit, better, seeded) VALUES
  ('aqi_composite', '空气质量综合指数', 'air quality composite index', '', 'lower', true),
  ('pm25', '细颗粒物(PM2.5)平均浓度', 'PM2.5 mean concentration', 'μg/m³', 'lower', true),
  ('pm10', '可吸入颗粒物(PM10)平均浓度', 'PM10 mean concentration', 'μg/m³', 'lower', true),
  ('o3', '臭氧(O3)浓度', 'ozone concentration (90th percentile of daily 8-hour maximum)', 'μg/m³', 'lower', true),
  ('good_days', '优良天数', 'good-air days', 'days', 'higher', true),
  ('good_days_ratio', '空气质量优良天数比率', 'good-air days ratio', '%', 'higher', true),
  ('heavy_days', '重污染天数', 'heavy-pollution days', 'days', 'lower', true),
  ('heavy_days_ratio', '重污染天数比率', 'heavy-pollution days ratio', '%', 'lower', true),
  ('water_good_ratio', '地表水水质优良(Ⅰ—Ⅲ类)比例', 'surface water good (class I–III) ratio', '%', 'higher', true),
  ('water_inferior_v_ratio', '地表水劣V类比例', 'surface water worse than class V ratio', '%', 'lower', true),
  ('drinking_water_ratio', '集中式饮用水水源水质达标率', 'drinking-water sources meeting standards', '%', 'higher', true),
  ('rural_sewage_rate', '农村生活污水治理率', 'rural domestic sewage treatment rate', '%', 'higher', true);
SELECT pg_catalog.pg_extension_config_dump('rectify.indicators', 'WHERE NOT seeded');

CREATE TABLE rectify.indicator_values (
  region rectify.region NOT NULL,
  indicator text NOT NULL REFERENCES rectify.indicators ON UPDATE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 1949 AND 9999),
  period text NOT NULL DEFAULT 'year' CHECK (period ~ '^(year|H[12]|Q[1-4]|M(0[1-9]|1[0-2]))$'),
  value numeric NOT NULL,
  reported_change numeric,
  reported_change_pct numeric,
  source text,
  PRIMARY KEY (region, indicator, year, period)
);
COMMENT ON TABLE rectify.indicator_values IS
  'measured indicator values per region, year and period, with the year-on-year change the source reported';
COMMENT ON COLUMN rectify.indicator_values.period IS 'year, H1/H2, Q1..Q4 or M01..M12';
COMMENT ON COLUMN rectify.indicator_values.reported_change IS
  'year-on-year change as reported, in the indicator''s unit (同比增加/减少); used when last year''s value is not recorded';
COMMENT ON COLUMN rectify.indicator_values.reported_change_pct IS
  'year-on-year change as reported, in percent (同比上升/下降 x%); used when last year''s value is not recorded';

CREATE TABLE rectify.indicator_targets (
  region rectify.region NOT NULL,
  indicator text NOT NULL REFERENCES rectify.indicators ON UPDATE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 1949 AND 9999),
  comparator text CHECK (comparator IN ('<', '<=', '=', '>=', '>')),
  target numeric NOT NULL,
  source text,
  PRIMARY KEY (region, indicator, year)
);
COMMENT ON TABLE rectify.indicator_targets IS 'indicator targets per region and year';
COMMENT ON COLUMN rectify.indicator_targets.comparator IS
  'how the value must compare with the target: 以下 <=, 高于 >, 以上 >=, 保持为 =; NULL means at least as good (<= for lower-better, >= for higher-better)';
SELECT pg_catalog.pg_extension_config_dump('rectify.indicator_values', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.indicator_targets', '');

-- indicator_attainment(year): every value and target of the year, side by
-- side.  Year-on-year change comes from last year's value for the same
-- period when recorded, else from what the source reported.
CREATE FUNCTION rectify.indicator_attainment(year integer)
  RETURNS TABLE (region rectify.region, region_name text, indicator text, indicator_name text,
                 unit text, better text, period text, value numeric,
                 comparator text, target numeric, met boolean, margin numeric,
                 yoy_change numeric, yoy_change_pct numeric, improved boolean)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  WITH v AS (
    SELECT v.*, prev.value AS prev_value
      FROM rectify.indicator_values v
      LEFT JOIN rectify.indicator_values prev
        ON prev.region OPERATOR(rectify.=) v.region AND prev.indicator = v.indicator
       AND prev.period = v.period AND prev.year = v.year - 1
     WHERE v.year = indicator_attainment.year
  ), t AS (
    SELECT t.*, coalesce(t.comparator, CASE i.better WHEN 'lower' THEN '<=' ELSE '>=' END) AS cmp
      FROM rectify.indicator_targets t JOIN rectify.indicators i ON i.code = t.indicator
     WHERE t.year = indicator_attainment.year
  ), both_ AS (
    SELECT coalesce(v.region, t.region) AS region, coalesce(v.indicator, t.indicator) AS indicator,
           v.period, v.value, t.cmp, t.target,
           coalesce(v.value - v.prev_value, v.reported_change) AS yoy_change,
           coalesce(round(100 * (v.value - v.prev_value) / nullif(v.prev_value, 0), 2),
                    v.reported_change_pct) AS yoy_change_pct
      FROM v FULL JOIN t ON t.region OPERATOR(rectify.=) v.region AND t.indicator = v.indicator
  )
  SELECT b.region, rectify.region_name(b.region), b.indicator, i.name, i.unit, i.better,
         b.period, b.value, b.cmp, b.target,
         CASE b.cmp WHEN '<' THEN b.value < b.target WHEN '<=' THEN b.value <= b.target
                    WHEN '=' THEN b.value = b.target WHEN '>=' THEN b.value >= b.target
                    WHEN '>' THEN b.value > b.target END,
         CASE i.better WHEN 'lower' THEN b.target - b.value ELSE b.value - b.target END,
         b.yoy_change, b.yoy_change_pct,
         CASE i.better WHEN 'lower' THEN sign(coalesce(b.yoy_change, b.yoy_change_pct)) < 0
                       ELSE sign(coalesce(b.yoy_change, b.yoy_change_pct)) > 0 END
    FROM both_ b JOIN rectify.indicators i ON i.code = b.indicator
   ORDER BY b.region, b.indicator, b.period;
END;
COMMENT ON FUNCTION rectify.indicator_attainment(integer) IS
  'each indicator value and target of a year: whether the target is met, the margin (positive = better than target), the year-on-year change and whether it improved, honouring lower- vs higher-better';