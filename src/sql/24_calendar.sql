-- ===========================================================================
-- Working-day calendars (工作日) with Chinese public holidays and make-up
-- working days (调休), for deadlines counted in working days (15个工作日)
-- and the rollover rule of 民法典 Art. 203 (遇节假日顺延).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Calendars.  A calendar is Monday to Friday working, Saturday and Sunday
-- off, plus exceptions loaded a year at a time from the State Council's
-- notice (or a region's).  A calendar may be based on another: its own
-- exceptions win, the base's fill in (a city's extra day off over 'cn').
-- ---------------------------------------------------------------------------

CREATE TABLE rectify.calendars (
  name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  base text REFERENCES rectify.calendars CHECK (base <> name),
  region rectify.region UNIQUE,
  description text,
  seeded boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rectify.calendars IS
  'working-day calendars: cn (national, installed with the extension) and regional ones layered on a base';
COMMENT ON COLUMN rectify.calendars.name IS 'lower-case name: cn, cn-130600, ...';
COMMENT ON COLUMN rectify.calendars.base IS 'the calendar this one adds to; its own exceptions win over the base''s';
COMMENT ON COLUMN rectify.calendars.region IS
  'items registered in this region (or below it) count their working days in this calendar; the most specific region wins, else cn';
COMMENT ON COLUMN rectify.calendars.description IS 'free text';
COMMENT ON COLUMN rectify.calendars.seeded IS 'installed with the extension (not dumped: CREATE EXTENSION recreates it)';

CREATE SEQUENCE rectify.calendar_version_seq;
COMMENT ON SEQUENCE rectify.calendar_version_seq IS 'versions of calendar loads, increasing';

-- Every load of a (calendar, year) is kept; the latest one is in force.
CREATE TABLE rectify.calendar_loads (
  version bigint PRIMARY KEY DEFAULT nextval('rectify.calendar_version_seq'),
  calendar text NOT NULL REFERENCES rectify.calendars,
  year integer NOT NULL CHECK (year BETWEEN 1949 AND 9999),
  source text[] NOT NULL DEFAULT '{}',
  days integer NOT NULL CHECK (days >= 0),
  loaded_at timestamptz DEFAULT pg_catalog.now(),
  loaded_by text DEFAULT CURRENT_USER,
  seeded boolean NOT NULL DEFAULT false
);
ALTER SEQUENCE rectify.calendar_version_seq OWNED BY rectify.calendar_loads.version;
CREATE INDEX calendar_loads_year_idx ON rectify.calendar_loads (calendar, year, version DESC);
COMMENT ON TABLE rectify.calendar_loads IS
  'each load of one year of one calendar (rectify.load_calendar); the latest load of a (calendar, year) is in force, earlier ones stay as history';
COMMENT ON COLUMN rectify.calendar_loads.version IS
  'the load''s number, from rectify.calendar_version_seq; a calendar''s version is its latest load''s (rectify.calendar_version)';
COMMENT ON COLUMN rectify.calendar_loads.year IS 'the year of the notice; its days may include the end of December before it';
COMMENT ON COLUMN rectify.calendar_loads.source IS 'the notice(s) the days come from: addresses of the State Council''s (or a region''s) documents';
COMMENT ON COLUMN rectify.calendar_loads.days IS 'how many days the load lists';
COMMENT ON COLUMN rectify.calendar_loads.loaded_at IS 'when it was loaded; NULL for the data installed with the extension';
COMMENT ON COLUMN rectify.calendar_loads.loaded_by IS 'the role that loaded it; NULL for the data installed with the extension';
COMMENT ON COLUMN rectify.calendar_loads.seeded IS 'installed with the extension (not dumped: CREATE EXTENSION recreates it)';

CREATE TABLE rectify.calendar_days (
  version bigint NOT NULL REFERENCES rectify.calendar_loads ON DELETE CASCADE,
  day date NOT NULL,
  is_off boolean NOT NULL,
  name text NOT NULL CHECK (btrim(name) <> ''),
  PRIMARY KEY (version, day)
);
COMMENT ON TABLE rectify.calendar_days IS
  'the exceptions of each load: days off (holidays) and working days (调休 weekends), as the notice lists them';
COMMENT ON COLUMN rectify.calendar_days.is_off IS
  'true: no work that day (a holiday, even on a weekend); false: a working day (even a Saturday or Sunday)';
COMMENT ON COLUMN rectify.calendar_days.name IS 'the holiday the day belongs to: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节 ...';

SELECT pg_catalog.pg_extension_config_dump('rectify.calendars', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('rectify.calendar_loads', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('rectify.calendar_days',
  'WHERE version IN (SELECT l.version FROM rectify.calendar_loads l WHERE NOT l.seeded)');
SELECT pg_catalog.pg_extension_config_dump('rectify.calendar_version_seq', '');

-- No calendar may be its own base, however far down.
CREATE FUNCTION rectify.calendars_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NEW.base IS NOT NULL AND EXISTS (
       WITH RECURSIVE chain(name, base, depth) AS (
         SELECT c.name, c.base, 1 FROM rectify.calendars c WHERE c.name = NEW.base
         UNION ALL
         SELECT c.name, c.base, ch.depth + 1 FROM chain ch JOIN rectify.calendars c ON c.name = ch.base
          WHERE ch.depth < 64)
       SELECT 1 FROM chain WHERE chain.name = NEW.name) THEN
    RAISE EXCEPTION 'calendar "%" cannot be based on "%": "%" is already based on "%"',
                    NEW.name, NEW.base, NEW.base, NEW.name
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.calendars_check() IS 'trigger: refuses a cycle of base calendars';
CREATE TRIGGER calendars_check BEFORE INSERT OR UPDATE OF name, base ON rectify.calendars
  FOR EACH ROW EXECUTE FUNCTION rectify.calendars_check();

-- Plain INSERT/UPDATE/DELETE send no cache invalidation: these triggers do,
-- so every backend rebuilds its compiled calendars (src/calendar.c).
CREATE FUNCTION rectify.calendar_invalidate() RETURNS trigger
  AS 'MODULE_PATHNAME', 'calendar_invalidate' LANGUAGE C;
COMMENT ON FUNCTION rectify.calendar_invalidate() IS
  'trigger: tells every backend to rebuild its cached calendars after a change to the calendar tables';
CREATE TRIGGER calendars_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rectify.calendars
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.calendar_invalidate();
CREATE TRIGGER calendar_loads_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rectify.calendar_loads
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.calendar_invalidate();
CREATE TRIGGER calendar_days_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rectify.calendar_days
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.calendar_invalidate();

-- ---------------------------------------------------------------------------
-- Reading calendars (the C cache is built from these).
-- ---------------------------------------------------------------------------

-- The calendar, its base, the base's base ... (depth 0 = the calendar).
CREATE FUNCTION rectify.calendar_chain(calendar text)
  RETURNS TABLE (name text, depth integer)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  WITH RECURSIVE chain(name, base, depth) AS (
    SELECT c.name, c.base, 0 FROM rectify.calendars c WHERE c.name = calendar_chain.calendar
    UNION ALL
    SELECT c.name, c.base, ch.depth + 1 FROM chain ch JOIN rectify.calendars c ON c.name = ch.base
     WHERE ch.depth < 64)
  SELECT chain.name, chain.depth FROM chain;
END;
COMMENT ON FUNCTION rectify.calendar_chain(text) IS 'a calendar and the calendars it is based on, nearest first (depth 0 = itself)';

CREATE VIEW rectify.calendar_exceptions AS
  SELECT l.calendar, l.year, d.day, d.is_off, d.name, l.source, l.version
    FROM (SELECT DISTINCT ON (l.calendar, l.year) l.*
            FROM rectify.calendar_loads l
           ORDER BY l.calendar, l.year, l.version DESC) l
    JOIN rectify.calendar_days d USING (version);
COMMENT ON VIEW rectify.calendar_exceptions IS
  'the days in force in each calendar''s own latest load of each year: holidays (is_off) and make-up working days, with the notice';

-- Per day, the exception in force: the nearest calendar of the chain that
-- lists it, and within one calendar the latest load.
CREATE FUNCTION rectify.calendar_effective(calendar text)
  RETURNS TABLE (day date, is_off boolean, name text, from_calendar text, version bigint)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT DISTINCT ON (e.day) e.day, e.is_off, e.name, e.calendar, e.version
    FROM rectify.calendar_chain(calendar_effective.calendar) ch
    JOIN rectify.calendar_exceptions e ON e.calendar = ch.name
   ORDER BY e.day, ch.depth, e.version DESC;
END;
COMMENT ON FUNCTION rectify.calendar_effective(text) IS
  'the exceptions in force in a calendar, its base''s included: each listed day, off or working, with the calendar and load it comes from';

-- The years a calendar has data for are those of the calendar at the
-- bottom of its chain (the national one): a region's extra day off does
-- not make a year without the national holidays usable.
CREATE FUNCTION rectify.calendar_years(calendar text) RETURNS SETOF integer
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT DISTINCT l.year FROM rectify.calendar_loads l
   WHERE l.calendar = (SELECT ch.name FROM rectify.calendar_chain(calendar_years.calendar) ch
                        ORDER BY ch.depth DESC LIMIT 1)
   ORDER BY l.year;
END;
COMMENT ON FUNCTION rectify.calendar_years(text) IS
  'the years with data in a calendar: those loaded into the base-most calendar of its chain';

CREATE FUNCTION rectify.calendar_version(calendar text) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(max(l.version), 0) FROM rectify.calendar_loads l
   WHERE l.calendar IN (SELECT ch.name FROM rectify.calendar_chain(calendar_version.calendar) ch);
END;
COMMENT ON FUNCTION rectify.calendar_version(text) IS
  'a calendar''s version: the latest load of it or of a calendar it is based on (0 if none)';

CREATE FUNCTION rectify.calendar_cache_version(calendar text) RETURNS bigint
  AS 'MODULE_PATHNAME', 'calendar_cache_version' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.calendar_cache_version(text) IS
  'the version this backend''s cached copy of the calendar was built from (for checking the cache)';

-- ---------------------------------------------------------------------------
-- Working days (C, cached per backend; O(log holidays) per call).
-- A year with no data warns once per transaction and counts Monday to
-- Friday, or raises 22008 with SET rectify.missing_calendar_year = 'error'.
-- ---------------------------------------------------------------------------

CREATE FUNCTION rectify.is_workday(day date, calendar text DEFAULT 'cn') RETURNS boolean
  AS 'MODULE_PATHNAME', 'calendar_is_workday_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.is_workday(date, text) IS
  'true if the day is a working day in the calendar: Monday to Friday unless a holiday, or a make-up working day (调休)';

CREATE FUNCTION rectify.add_workdays(day date, n integer, calendar text DEFAULT 'cn') RETURNS date
  AS 'MODULE_PATHNAME', 'calendar_add_workdays_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.add_workdays(date, integer, text) IS
  'the n-th working day after day (day itself not counted, 民法典 Art. 201); negative n counts back; n = 0 is day itself';

CREATE FUNCTION rectify.workdays_between(from_day date, to_day date, calendar text DEFAULT 'cn') RETURNS integer
  AS 'MODULE_PATHNAME', 'calendar_workdays_between_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.workdays_between(date, date, text) IS
  'the working days in (from_day, to_day]; negative when to_day is earlier';

-- ---------------------------------------------------------------------------
-- Deadlines counted in days or working days.
-- ---------------------------------------------------------------------------

CREATE FUNCTION rectify.needs_calendar(rectify.deadline) RETURNS boolean
  AS 'MODULE_PATHNAME', 'deadline_needs_calendar' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.needs_calendar(rectify.deadline) IS
  'true for deadlines only rectify.resolve_due can resolve: working-day counts and rollover (遇节假日顺延)';

CREATE FUNCTION rectify.resolve_due(deadline rectify.deadline, assigned date,
                                    calendar text DEFAULT 'cn', immediate_days integer DEFAULT 30)
  RETURNS date AS 'MODULE_PATHNAME', 'deadline_resolve_due'
  LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.resolve_due(rectify.deadline, date, text, integer) IS
  'the due date of any deadline: working days counted in the calendar, a rollover date moved off days off (民法典 Art. 203); NULL for ongoing';

-- ---------------------------------------------------------------------------
-- Managing calendars.
-- ---------------------------------------------------------------------------

CREATE FUNCTION rectify.create_calendar(name text, base text DEFAULT NULL,
                                        region rectify.region DEFAULT NULL,
                                        description text DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF name IS NULL OR name !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
    RAISE EXCEPTION 'invalid calendar name "%"', coalesce(name, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A calendar name is lower-case letters, digits, "_", "." or "-", such as cn-130600.';
  END IF;
  IF EXISTS (SELECT 1 FROM rectify.calendars c WHERE c.name = create_calendar.name) THEN
    RAISE EXCEPTION 'calendar "%" already exists', name USING ERRCODE = 'duplicate_object';
  END IF;
  IF base IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rectify.calendars c WHERE c.name = create_calendar.base) THEN
    RAISE EXCEPTION 'base calendar "%" does not exist', base USING ERRCODE = 'undefined_object';
  END IF;
  IF region IS NOT NULL AND EXISTS (SELECT 1 FROM rectify.calendars c WHERE c.region = create_calendar.region) THEN
    RAISE EXCEPTION 'region % already has a calendar', region
      USING ERRCODE = 'unique_violation',
            DETAIL = format('Calendar "%s" is used for region %s.',
                            (SELECT c.name FROM rectify.calendars c WHERE c.region = create_calendar.region), region);
  END IF;
  INSERT INTO rectify.calendars (name, base, region, description)
    VALUES (create_calendar.name, create_calendar.base, create_calendar.region, create_calendar.description);
END $$;
COMMENT ON FUNCTION rectify.create_calendar(text, text, rectify.region, text) IS
  'creates a calendar, optionally based on another (its exceptions layered over the base''s) and used for the items of a region';

-- refresh_due_dates(calendar): re-resolve the due dates of open items whose
-- deadline (or original deadline) needs a calendar, in that calendar or one
-- based on it (all calendars if NULL).  Closed items — completed_on set —
-- keep the due date and calendar_version they were judged against.
CREATE FUNCTION rectify.refresh_due_dates(calendar text DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  UPDATE rectify.items i SET
    -- an extension counts from the day it was approved, as extend_deadline counted it
    due_date = CASE WHEN rectify.needs_calendar(i.deadline)
                    THEN rectify.resolve_due(i.deadline, coalesce(locked.extended_on, i.assigned), i.calendar)
                    ELSE i.due_date END,
    original_due_date = CASE WHEN rectify.needs_calendar(i.original_deadline)
                             THEN rectify.resolve_due(i.original_deadline, i.assigned, i.calendar)
                             ELSE i.original_due_date END,
    calendar_version = rectify.calendar_version(i.calendar)
  -- rows are locked in item order, as escalate() locks them, so that the
  -- two cannot deadlock
  FROM (SELECT j.item_id,
               (SELECT max(e.happened_on) FROM rectify.events e
                 WHERE e.item_id = j.item_id AND e.kind = 'deadline_extended') AS extended_on
          FROM rectify.items j
         WHERE j.completed_on IS NULL
           AND (rectify.needs_calendar(j.deadline) OR rectify.needs_calendar(j.original_deadline))
           AND (refresh_due_dates.calendar IS NULL OR
                refresh_due_dates.calendar IN (SELECT ch.name FROM rectify.calendar_chain(j.calendar) ch))
         ORDER BY j.item_id FOR UPDATE) AS locked
  WHERE i.item_id = locked.item_id AND i.completed_on IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.refresh_due_dates(text) IS
  're-resolves the due dates of open items counted in working days (in that calendar or one based on it; all if NULL), an extension from the day it was approved; returns how many; closed items are never changed';

-- load_calendar(calendar, days): load one year, in the shape the State
-- Council's arrangements are published in (holiday-cn JSON):
--   {"year": 2025, "papers": ["https://www.gov.cn/..."],
--    "days": [{"name": "春节", "date": "2025-01-28", "isOffDay": true}, ...]}
-- The whole year is replaced atomically (a new load; the old one stays as
-- history), then open items counted in working days are re-resolved.
-- Returns the new version.
CREATE FUNCTION rectify.load_calendar(calendar text, days jsonb) RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  cal rectify.calendars;
  yj jsonb;
  y integer;
  src text[] := '{}';
  ver bigint;
  e jsonb;
  pos bigint;
  dt date;
  seen date[] := '{}';
BEGIN
  IF calendar IS NULL OR days IS NULL THEN
    RAISE EXCEPTION 'calendar and days must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO cal FROM rectify.calendars c WHERE c.name = load_calendar.calendar FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'calendar "%" does not exist', calendar
      USING ERRCODE = 'undefined_object',
            HINT = 'Create it first with rectify.create_calendar(name, base).';
  END IF;
  IF jsonb_typeof(days) <> 'object' THEN
    RAISE EXCEPTION 'calendar data must be a JSON object, not %: %', jsonb_typeof(days), left(days::text, 60)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give {"year": 2025, "papers": [...], "days": [{"name": "春节", "date": "2025-01-28", "isOffDay": true}, ...]}.';
  END IF;
  yj := days -> 'year';
  IF yj IS NULL OR jsonb_typeof(yj) <> 'number' OR yj::text !~ '^[0-9]{4}$'
     OR yj::text::integer NOT BETWEEN 1949 AND 9999 THEN
    RAISE EXCEPTION 'invalid calendar year: %', coalesce(yj::text, 'none given')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = '"year" is a number from 1949 to 9999, such as 2025.';
  END IF;
  y := yj::text::integer;
  IF jsonb_typeof(days -> 'days') IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'calendar data for % must have a "days" array, not %', y,
                    coalesce(jsonb_typeof(days -> 'days'), 'none')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF days ? 'papers' THEN
    IF jsonb_typeof(days -> 'papers') <> 'array' OR EXISTS (
         SELECT 1 FROM jsonb_array_elements(days -> 'papers') p WHERE jsonb_typeof(p) <> 'string') THEN
      RAISE EXCEPTION 'invalid "papers" in calendar data for %: %', y, days -> 'papers'
        USING ERRCODE = 'invalid_parameter_value',
              HINT = '"papers" is an array of the notices'' addresses.';
    END IF;
    src := ARRAY(SELECT jsonb_array_elements_text(days -> 'papers'));
  END IF;
  IF jsonb_array_length(days -> 'days') = 0 AND cal.base IS NULL THEN
    RAISE EXCEPTION 'calendar data for % of "%" lists no days', y, calendar
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A year without holidays is not a year of a national calendar; it is probably not published yet.';
  END IF;

  INSERT INTO rectify.calendar_loads (calendar, year, source, days)
    VALUES (load_calendar.calendar, y, src, jsonb_array_length(days -> 'days'))
    RETURNING version INTO ver;

  FOR e, pos IN SELECT a.e, a.pos FROM jsonb_array_elements(days -> 'days') WITH ORDINALITY AS a(e, pos) LOOP
    IF jsonb_typeof(e) <> 'object'
       OR jsonb_typeof(e -> 'name') IS DISTINCT FROM 'string' OR btrim(e ->> 'name') = ''
       OR jsonb_typeof(e -> 'date') IS DISTINCT FROM 'string'
       OR jsonb_typeof(e -> 'isOffDay') IS DISTINCT FROM 'boolean' THEN
      RAISE EXCEPTION 'invalid calendar day % of %: %', pos, y, e
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'Each day is {"name": "春节", "date": "2025-01-28", "isOffDay": true}: a non-empty name, an ISO date, a boolean.';
    END IF;
    BEGIN
      IF e ->> 'date' !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_datetime_format';
      END IF;
      dt := to_date(e ->> 'date', 'YYYY-MM-DD');
      IF to_char(dt, 'YYYY-MM-DD') <> e ->> 'date' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_datetime_format';
      END IF;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
      RAISE EXCEPTION 'invalid date in calendar day % of %: "%"', pos, y, e ->> 'date'
        USING ERRCODE = 'invalid_datetime_format',
              HINT = 'Dates are written YYYY-MM-DD, such as 2025-01-28.';
    END;
    IF dt < make_date(y - 1, 12, 1) OR dt > make_date(y, 12, 31) THEN
      RAISE EXCEPTION 'calendar day % is outside %', dt, y
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = 'A year''s notice covers that year and may include days of the December before it.';
    END IF;
    IF dt = ANY (seen) THEN
      RAISE EXCEPTION 'calendar day % is listed twice for %', dt, y
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    seen := seen || dt;
    INSERT INTO rectify.calendar_days (version, day, is_off, name)
      VALUES (ver, dt, (e ->> 'isOffDay')::boolean, btrim(e ->> 'name'));
  END LOOP;

  PERFORM rectify.refresh_due_dates(load_calendar.calendar);
  RETURN ver;
END $$;
COMMENT ON FUNCTION rectify.load_calendar(text, jsonb) IS
  'loads one year of a calendar from the published JSON ({"year", "papers", "days": [{"name", "date", "isOffDay"}]}), replacing that year atomically, and re-resolves open items counted in working days; returns the new version';

-- ---------------------------------------------------------------------------
-- The default calendar: 全国年节及纪念日放假办法 as arranged each year by the
-- General Office of the State Council (国务院办公厅关于…部分节假日安排的通知).
-- Generated from the published facts by tools/calendar-cn.py; do not edit
-- by hand.
-- ---------------------------------------------------------------------------

INSERT INTO rectify.calendars (name, description, seeded)
  VALUES ('cn', '全国: public holidays and make-up working days (调休) from the State Council''s yearly notices', true);

-- BEGIN cn calendar data (tools/calendar-cn.py)
-- One row a year: the notices and how many days they list.  In year
-- order, so that the loads' versions follow the years.
INSERT INTO rectify.calendar_loads (calendar, year, source, days, loaded_at, loaded_by, seeded)
SELECT 'cn', y.year, y.source, y.days, NULL, NULL, true
  FROM (VALUES
  (2007, ARRAY['http://www.gov.cn/zhengce/zhengceku/2008-03/28/content_1761.htm']::text[], 32),
  (2008, ARRAY['http://www.gov.cn/zhengce/zhengceku/2008-03/28/content_1645.htm']::text[], 35),
  (2009, ARRAY['http://www.gov.cn/zhengce/zhengceku/2008-12/10/content_1572.htm']::text[], 33),
  (2010, ARRAY['http://www.gov.cn/zhengce/zhengceku/2009-12/08/content_1476.htm']::text[], 37),
  (2011, ARRAY['http://www.gov.cn/zhengce/zhengceku/2010-12/10/content_1423.htm']::text[], 34),
  (2012, ARRAY['http://www.gov.cn/zhengce/zhengceku/2011-12/06/content_1411.htm']::text[], 34),
  (2013, ARRAY['http://www.gov.cn/zhengce/zhengceku/2012-12/10/content_1353.htm']::text[], 41),
  (2014, ARRAY['http://www.gov.cn/zhengce/zhengceku/2014-01/02/content_1194.htm']::text[], 27),
  (2015, ARRAY['http://www.gov.cn/zhengce/zhengceku/2014-12/16/content_9302.htm', 'http://www.gov.cn/zhengce/zhengceku/2015-05/13/content_9742.htm']::text[], 31),
  (2016, ARRAY['http://www.gov.cn/zhengce/zhengceku/2015-12/10/content_10394.htm']::text[], 30),
  (2017, ARRAY['http://www.gov.cn/zhengce/zhengceku/2016-12/01/content_5141603.htm']::text[], 29),
  (2018, ARRAY['http://www.gov.cn/zhengce/zhengceku/2017-11/30/content_5243579.htm']::text[], 29),
  (2019, ARRAY['http://www.gov.cn/zhengce/zhengceku/2018-12/06/content_5346276.htm', 'http://www.gov.cn/zhengce/zhengceku/2019-03/22/content_5375877.htm']::text[], 31),
  (2020, ARRAY['http://www.gov.cn/zhengce/zhengceku/2019-11/21/content_5454164.htm', 'http://www.gov.cn/zhengce/zhengceku/2020-01/27/content_5472352.htm']::text[], 37),
  (2021, ARRAY['http://www.gov.cn/zhengce/zhengceku/2020-11/25/content_5564127.htm']::text[], 38),
  (2022, ARRAY['http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm']::text[], 38),
  (2023, ARRAY['http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm']::text[], 34),
  (2024, ARRAY['https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm']::text[], 36),
  (2025, ARRAY['https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm']::text[], 33),
  (2026, ARRAY['https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm']::text[], 39)
  ) AS y(year, source, days)
 ORDER BY y.year;
-- One row a holiday of a year: its days off and its make-up working
-- days (调休).
INSERT INTO rectify.calendar_days (version, day, is_off, name)
SELECT l.version, d.day, d.is_off, h.name
  FROM (VALUES
  (2007, '元旦', '{2007-01-01,2007-01-02,2007-01-03}', '{2006-12-30,2006-12-31}'),
  (2007, '春节', '{2007-02-18,2007-02-19,2007-02-20,2007-02-21,2007-02-22,2007-02-23,2007-02-24}', '{2007-02-17,2007-02-25}'),
  (2007, '劳动节', '{2007-05-01,2007-05-02,2007-05-03,2007-05-04,2007-05-05,2007-05-06,2007-05-07}', '{2007-04-28,2007-04-29}'),
  (2007, '国庆节', '{2007-10-01,2007-10-02,2007-10-03,2007-10-04,2007-10-05,2007-10-06,2007-10-07}', '{2007-09-29,2007-09-30}'),
  (2008, '元旦', '{2007-12-30,2007-12-31,2008-01-01}', '{2007-12-29}'),
  (2008, '春节', '{2008-02-06,2008-02-07,2008-02-08,2008-02-09,2008-02-10,2008-02-11,2008-02-12}', '{2008-02-02,2008-02-03}'),
  (2008, '清明节', '{2008-04-04,2008-04-05,2008-04-06}', '{}'),
  (2008, '劳动节', '{2008-05-01,2008-05-02,2008-05-03}', '{2008-05-04}'),
  (2008, '端午节', '{2008-06-07,2008-06-08,2008-06-09}', '{}'),
  (2008, '中秋节', '{2008-09-13,2008-09-14,2008-09-15}', '{}'),
  (2008, '国庆节', '{2008-09-29,2008-09-30,2008-10-01,2008-10-02,2008-10-03,2008-10-04,2008-10-05}', '{2008-09-27,2008-09-28}'),
  (2009, '元旦', '{2009-01-01,2009-01-02,2009-01-03}', '{2009-01-04}'),
  (2009, '春节', '{2009-01-25,2009-01-26,2009-01-27,2009-01-28,2009-01-29,2009-01-30,2009-01-31}', '{2009-01-24,2009-02-01}'),
  (2009, '清明节', '{2009-04-04,2009-04-05,2009-04-06}', '{}'),
  (2009, '劳动节', '{2009-05-01,2009-05-02,2009-05-03}', '{}'),
  (2009, '端午节', '{2009-05-28,2009-05-29,2009-05-30}', '{2009-05-31}'),
  (2009, '国庆节、中秋节', '{2009-10-01,2009-10-02,2009-10-03,2009-10-04,2009-10-05,2009-10-06,2009-10-07,2009-10-08}', '{2009-09-27,2009-10-10}'),
  (2010, '元旦', '{2010-01-01,2010-01-02,2010-01-03}', '{}'),
  (2010, '春节', '{2010-02-13,2010-02-14,2010-02-15,2010-02-16,2010-02-17,2010-02-18,2010-02-19}', '{2010-02-20,2010-02-21}'),
  (2010, '清明节', '{2010-04-03,2010-04-04,2010-04-05}', '{}'),
  (2010, '劳动节', '{2010-05-01,2010-05-02,2010-05-03}', '{}'),
  (2010, '端午节', '{2010-06-14,2010-06-15,2010-06-16}', '{2010-06-12,2010-06-13}'),
  (2010, '中秋节', '{2010-09-22,2010-09-23,2010-09-24}', '{2010-09-19,2010-09-25}'),
  (2010, '国庆节', '{2010-10-01,2010-10-02,2010-10-03,2010-10-04,2010-10-05,2010-10-06,2010-10-07}', '{2010-09-26,2010-10-09}'),
  (2011, '元旦', '{2011-01-01,2011-01-02,2011-01-03}', '{}'),
  (2011, '春节', '{2011-02-02,2011-02-03,2011-02-04,2011-02-05,2011-02-06,2011-02-07,2011-02-08}', '{2011-01-30,2011-02-12}'),
  (2011, '清明节', '{2011-04-03,2011-04-04,2011-04-05}', '{2011-04-02}'),
  (2011, '劳动节', '{2011-04-30,2011-05-01,2011-05-02}', '{}'),
  (2011, '端午节', '{2011-06-04,2011-06-05,2011-06-06}', '{}'),
  (2011, '中秋节', '{2011-09-10,2011-09-11,2011-09-12}', '{}'),
  (2011, '国庆节', '{2011-10-01,2011-10-02,2011-10-03,2011-10-04,2011-10-05,2011-10-06,2011-10-07}', '{2011-10-08,2011-10-09}'),
  (2012, '元旦', '{2012-01-01,2012-01-02,2012-01-03}', '{2011-12-31}'),
  (2012, '春节', '{2012-01-22,2012-01-23,2012-01-24,2012-01-25,2012-01-26,2012-01-27,2012-01-28}', '{2012-01-21,2012-01-29}'),
  (2012, '清明节', '{2012-04-02,2012-04-03,2012-04-04}', '{2012-03-31,2012-04-01}'),
  (2012, '劳动节', '{2012-04-29,2012-04-30,2012-05-01}', '{2012-04-28}'),
  (2012, '端午节', '{2012-06-22,2012-06-23,2012-06-24}', '{}'),
  (2012, '中秋节、国庆节', '{2012-09-30,2012-10-01,2012-10-02,2012-10-03,2012-10-04,2012-10-05,2012-10-06,2012-10-07}', '{2012-09-29}'),
  (2013, '元旦', '{2013-01-01,2013-01-02,2013-01-03}', '{2013-01-05,2013-01-06}'),
  (2013, '春节', '{2013-02-09,2013-02-10,2013-02-11,2013-02-12,2013-02-13,2013-02-14,2013-02-15}', '{2013-02-16,2013-02-17}'),
  (2013, '清明节', '{2013-04-04,2013-04-05,2013-04-06}', '{2013-04-07}'),
  (2013, '劳动节', '{2013-04-29,2013-04-30,2013-05-01}', '{2013-04-27,2013-04-28}'),
  (2013, '端午节', '{2013-06-10,2013-06-11,2013-06-12}', '{2013-06-08,2013-06-09}'),
  (2013, '中秋节', '{2013-09-19,2013-09-20,2013-09-21}', '{2013-09-22}'),
  (2013, '国庆节', '{2013-10-01,2013-10-02,2013-10-03,2013-10-04,2013-10-05,2013-10-06,2013-10-07}', '{2013-09-29,2013-10-12}'),
  (2014, '元旦', '{2014-01-01}', '{}'),
  (2014, '春节', '{2014-01-31,2014-02-01,2014-02-02,2014-02-03,2014-02-04,2014-02-05,2014-02-06}', '{2014-01-26,2014-02-08}'),
  (2014, '清明节', '{2014-04-05,2014-04-07}', '{}'),
  (2014, '劳动节', '{2014-05-01,2014-05-02,2014-05-03}', '{2014-05-04}'),
  (2014, '端午节', '{2014-06-02}', '{}'),
  (2014, '中秋节', '{2014-09-08}', '{}'),
  (2014, '国庆节', '{2014-10-01,2014-10-02,2014-10-03,2014-10-04,2014-10-05,2014-10-06,2014-10-07}', '{2014-09-28,2014-10-11}'),
  (2015, '元旦', '{2015-01-01,2015-01-02,2015-01-03}', '{2015-01-04}'),
  (2015, '春节', '{2015-02-18,2015-02-19,2015-02-20,2015-02-21,2015-02-22,2015-02-23,2015-02-24}', '{2015-02-15,2015-02-28}'),
  (2015, '清明节', '{2015-04-05,2015-04-06}', '{}'),
  (2015, '劳动节', '{2015-05-01}', '{}'),
  (2015, '端午节', '{2015-06-20,2015-06-22}', '{}'),
  (2015, '抗日战争暨世界反法西斯战争胜利70周年纪念日', '{2015-09-03,2015-09-04,2015-09-05}', '{2015-09-06}'),
  (2015, '中秋节', '{2015-09-27}', '{}'),
  (2015, '国庆节', '{2015-10-01,2015-10-02,2015-10-03,2015-10-04,2015-10-05,2015-10-06,2015-10-07}', '{2015-10-10}'),
  (2016, '元旦', '{2016-01-01}', '{}'),
  (2016, '春节', '{2016-02-07,2016-02-08,2016-02-09,2016-02-10,2016-02-11,2016-02-12,2016-02-13}', '{2016-02-06,2016-02-14}'),
  (2016, '清明节', '{2016-04-04}', '{}'),
  (2016, '劳动节', '{2016-05-01,2016-05-02}', '{}'),
  (2016, '端午节', '{2016-06-09,2016-06-10,2016-06-11}', '{2016-06-12}'),
  (2016, '中秋节', '{2016-09-15,2016-09-16,2016-09-17}', '{2016-09-18}'),
  (2016, '国庆节', '{2016-10-01,2016-10-02,2016-10-03,2016-10-04,2016-10-05,2016-10-06,2016-10-07}', '{2016-10-08,2016-10-09}'),
  (2017, '元旦', '{2017-01-01,2017-01-02}', '{}'),
  (2017, '春节', '{2017-01-27,2017-01-28,2017-01-29,2017-01-30,2017-01-31,2017-02-01,2017-02-02}', '{2017-01-22,2017-02-04}'),
  (2017, '清明节', '{2017-04-02,2017-04-03,2017-04-04}', '{2017-04-01}'),
  (2017, '劳动节', '{2017-05-01}', '{}'),
  (2017, '端午节', '{2017-05-28,2017-05-29,2017-05-30}', '{2017-05-27}'),
  (2017, '中秋节、国庆节', '{2017-10-01,2017-10-02,2017-10-03,2017-10-04,2017-10-05,2017-10-06,2017-10-07,2017-10-08}', '{2017-09-30}'),
  (2018, '元旦', '{2018-01-01}', '{}'),
  (2018, '春节', '{2018-02-15,2018-02-16,2018-02-17,2018-02-18,2018-02-19,2018-02-20,2018-02-21}', '{2018-02-11,2018-02-24}'),
  (2018, '清明节', '{2018-04-05,2018-04-06,2018-04-07}', '{2018-04-08}'),
  (2018, '劳动节', '{2018-04-29,2018-04-30,2018-05-01}', '{2018-04-28}'),
  (2018, '端午节', '{2018-06-18}', '{}'),
  (2018, '中秋节', '{2018-09-24}', '{}'),
  (2018, '国庆节', '{2018-10-01,2018-10-02,2018-10-03,2018-10-04,2018-10-05,2018-10-06,2018-10-07}', '{2018-09-29,2018-09-30}'),
  (2019, '元旦', '{2018-12-30,2018-12-31,2019-01-01}', '{2018-12-29}'),
  (2019, '春节', '{2019-02-04,2019-02-05,2019-02-06,2019-02-07,2019-02-08,2019-02-09,2019-02-10}', '{2019-02-02,2019-02-03}'),
  (2019, '清明节', '{2019-04-05}', '{}'),
  (2019, '劳动节', '{2019-05-01,2019-05-02,2019-05-03,2019-05-04}', '{2019-04-28,2019-05-05}'),
  (2019, '端午节', '{2019-06-07}', '{}'),
  (2019, '中秋节', '{2019-09-13}', '{}'),
  (2019, '国庆节', '{2019-10-01,2019-10-02,2019-10-03,2019-10-04,2019-10-05,2019-10-06,2019-10-07}', '{2019-09-29,2019-10-12}'),
  (2020, '元旦', '{2020-01-01}', '{}'),
  (2020, '春节', '{2020-01-24,2020-01-25,2020-01-26,2020-01-27,2020-01-28,2020-01-29,2020-01-30,2020-01-31,2020-02-01,2020-02-02}', '{2020-01-19,2020-02-03}'),
  (2020, '清明节', '{2020-04-04,2020-04-05,2020-04-06}', '{}'),
  (2020, '劳动节', '{2020-05-01,2020-05-02,2020-05-03,2020-05-04,2020-05-05}', '{2020-04-26,2020-05-09}'),
  (2020, '端午节', '{2020-06-25,2020-06-26,2020-06-27}', '{2020-06-28}'),
  (2020, '国庆节、中秋节', '{2020-10-01,2020-10-02,2020-10-03,2020-10-04,2020-10-05,2020-10-06,2020-10-07,2020-10-08}', '{2020-09-27,2020-10-10}'),
  (2021, '元旦', '{2021-01-01,2021-01-02,2021-01-03}', '{}'),
  (2021, '春节', '{2021-02-11,2021-02-12,2021-02-13,2021-02-14,2021-02-15,2021-02-16,2021-02-17}', '{2021-02-07,2021-02-20}'),
  (2021, '清明节', '{2021-04-03,2021-04-04,2021-04-05}', '{}'),
  (2021, '劳动节', '{2021-05-01,2021-05-02,2021-05-03,2021-05-04,2021-05-05}', '{2021-04-25,2021-05-08}'),
  (2021, '端午节', '{2021-06-12,2021-06-13,2021-06-14}', '{}'),
  (2021, '中秋节', '{2021-09-19,2021-09-20,2021-09-21}', '{2021-09-18}'),
  (2021, '国庆节', '{2021-10-01,2021-10-02,2021-10-03,2021-10-04,2021-10-05,2021-10-06,2021-10-07}', '{2021-09-26,2021-10-09}'),
  (2022, '元旦', '{2022-01-01,2022-01-02,2022-01-03}', '{}'),
  (2022, '春节', '{2022-01-31,2022-02-01,2022-02-02,2022-02-03,2022-02-04,2022-02-05,2022-02-06}', '{2022-01-29,2022-01-30}'),
  (2022, '清明节', '{2022-04-03,2022-04-04,2022-04-05}', '{2022-04-02}'),
  (2022, '劳动节', '{2022-04-30,2022-05-01,2022-05-02,2022-05-03,2022-05-04}', '{2022-04-24,2022-05-07}'),
  (2022, '端午节', '{2022-06-03,2022-06-04,2022-06-05}', '{}'),
  (2022, '中秋节', '{2022-09-10,2022-09-11,2022-09-12}', '{}'),
  (2022, '国庆节', '{2022-10-01,2022-10-02,2022-10-03,2022-10-04,2022-10-05,2022-10-06,2022-10-07}', '{2022-10-08,2022-10-09}'),
  (2023, '元旦', '{2022-12-31,2023-01-01,2023-01-02}', '{}'),
  (2023, '春节', '{2023-01-21,2023-01-22,2023-01-23,2023-01-24,2023-01-25,2023-01-26,2023-01-27}', '{2023-01-28,2023-01-29}'),
  (2023, '清明节', '{2023-04-05}', '{}'),
  (2023, '劳动节', '{2023-04-29,2023-04-30,2023-05-01,2023-05-02,2023-05-03}', '{2023-04-23,2023-05-06}'),
  (2023, '端午节', '{2023-06-22,2023-06-23,2023-06-24}', '{2023-06-25}'),
  (2023, '中秋节、国庆节', '{2023-09-29,2023-09-30,2023-10-01,2023-10-02,2023-10-03,2023-10-04,2023-10-05,2023-10-06}', '{2023-10-07,2023-10-08}'),
  (2024, '元旦', '{2024-01-01}', '{}'),
  (2024, '春节', '{2024-02-10,2024-02-11,2024-02-12,2024-02-13,2024-02-14,2024-02-15,2024-02-16,2024-02-17}', '{2024-02-04,2024-02-18}'),
  (2024, '清明节', '{2024-04-04,2024-04-05,2024-04-06}', '{2024-04-07}'),
  (2024, '劳动节', '{2024-05-01,2024-05-02,2024-05-03,2024-05-04,2024-05-05}', '{2024-04-28,2024-05-11}'),
  (2024, '端午节', '{2024-06-10}', '{}'),
  (2024, '中秋节', '{2024-09-15,2024-09-16,2024-09-17}', '{2024-09-14}'),
  (2024, '国庆节', '{2024-10-01,2024-10-02,2024-10-03,2024-10-04,2024-10-05,2024-10-06,2024-10-07}', '{2024-09-29,2024-10-12}'),
  (2025, '元旦', '{2025-01-01}', '{}'),
  (2025, '春节', '{2025-01-28,2025-01-29,2025-01-30,2025-01-31,2025-02-01,2025-02-02,2025-02-03,2025-02-04}', '{2025-01-26,2025-02-08}'),
  (2025, '清明节', '{2025-04-04,2025-04-05,2025-04-06}', '{}'),
  (2025, '劳动节', '{2025-05-01,2025-05-02,2025-05-03,2025-05-04,2025-05-05}', '{2025-04-27}'),
  (2025, '端午节', '{2025-05-31,2025-06-01,2025-06-02}', '{}'),
  (2025, '国庆节、中秋节', '{2025-10-01,2025-10-02,2025-10-03,2025-10-04,2025-10-05,2025-10-06,2025-10-07,2025-10-08}', '{2025-09-28,2025-10-11}'),
  (2026, '元旦', '{2026-01-01,2026-01-02,2026-01-03}', '{2026-01-04}'),
  (2026, '春节', '{2026-02-15,2026-02-16,2026-02-17,2026-02-18,2026-02-19,2026-02-20,2026-02-21,2026-02-22,2026-02-23}', '{2026-02-14,2026-02-28}'),
  (2026, '清明节', '{2026-04-04,2026-04-05,2026-04-06}', '{}'),
  (2026, '劳动节', '{2026-05-01,2026-05-02,2026-05-03,2026-05-04,2026-05-05}', '{2026-05-09}'),
  (2026, '端午节', '{2026-06-19,2026-06-20,2026-06-21}', '{}'),
  (2026, '国庆节', '{2026-10-01,2026-10-02,2026-10-03,2026-10-04,2026-10-05,2026-10-06,2026-10-07}', '{2026-09-20,2026-10-10}'),
  (2026, '中秋节', '{2026-09-25,2026-09-26,2026-09-27}', '{}')
  ) AS h(year, name, off_days, work_days)
  JOIN rectify.calendar_loads l ON l.calendar = 'cn' AND l.year = h.year
  CROSS JOIN LATERAL (SELECT o, true FROM unnest(h.off_days::date[]) AS o
                      UNION ALL
                      SELECT w, false FROM unnest(h.work_days::date[]) AS w) AS d(day, is_off)
 ORDER BY l.version, d.day;
-- END cn calendar data

