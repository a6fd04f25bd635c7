-- ------------------------------------------------------------------
-- Office settings: one optional row.  A NULL column (or no row at all)
-- means the default; the defaults live in one place, rectify.office.
-- The table is not seeded, so pg_dump/restore never duplicates a row.
-- ------------------------------------------------------------------

CREATE TABLE rectify.settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  time_zone text CHECK (btrim(time_zone) <> ''),
  warning_days integer CHECK (warning_days BETWEEN 0 AND 3660),
  immediate_days integer CHECK (immediate_days BETWEEN 0 AND 3660)
);
COMMENT ON TABLE rectify.settings IS
  'the office''s settings, at most one row; NULL means the default shown by rectify.office';
COMMENT ON COLUMN rectify.settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN rectify.settings.time_zone IS 'the office''s time zone, which decides rectify.today() (default Asia/Shanghai)';
COMMENT ON COLUMN rectify.settings.warning_days IS 'days before the due date an item counts as due_soon (预警, default 15)';
COMMENT ON COLUMN rectify.settings.immediate_days IS 'days after assignment an immediate (立行立改) item falls due (default 30)';
SELECT pg_catalog.pg_extension_config_dump('rectify.settings', '');

-- A time zone the server does not know would break rectify.today() later;
-- refuse it now, with the server's own message (22023).
CREATE FUNCTION rectify.settings_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.time_zone IS NOT NULL THEN
    PERFORM now() AT TIME ZONE NEW.time_zone;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.settings_check() IS 'trigger: validates the time zone of rectify.settings';
CREATE TRIGGER settings_check BEFORE INSERT OR UPDATE ON rectify.settings
  FOR EACH ROW EXECUTE FUNCTION rectify.settings_check();

CREATE VIEW rectify.office AS
  SELECT coalesce(s.time_zone, 'Asia/Shanghai') AS time_zone,
         coalesce(s.warning_days, 15) AS warning_days,
         coalesce(s.immediate_days, 30) AS immediate_days
    FROM (SELECT) AS one LEFT JOIN rectify.settings s ON true;
COMMENT ON VIEW rectify.office IS 'the office''s effective settings: rectify.settings with defaults filled in';

-- set_setting(name, value): change one setting; NULL restores the default.
CREATE FUNCTION rectify.set_setting(name text, value text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF name IS NULL OR name NOT IN ('time_zone', 'warning_days', 'immediate_days') THEN
    RAISE EXCEPTION 'unknown rectify setting "%"', name
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Settings are time_zone, warning_days and immediate_days.';
  END IF;
  IF name <> 'time_zone' AND value IS NOT NULL AND
     (value !~ '^\s*\d{1,4}\s*$' OR value::integer > 3660) THEN
    RAISE EXCEPTION 'invalid value for rectify setting "%": "%"', name, value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a whole number of days from 0 to 3660, such as 15.';
  END IF;
  INSERT INTO rectify.settings DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING;
  EXECUTE format('UPDATE rectify.settings SET %I = $1::%s', name,
                 CASE name WHEN 'time_zone' THEN 'text' ELSE 'integer' END)
    USING value;
END $$;
COMMENT ON FUNCTION rectify.set_setting(text, text) IS
  'set one office setting (time_zone, warning_days, immediate_days); NULL restores the default';

CREATE FUNCTION rectify.office_time_zone() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC SELECT time_zone FROM rectify.office; END;
COMMENT ON FUNCTION rectify.office_time_zone() IS 'the office''s time zone (default Asia/Shanghai)';

-- "Today" is the office's date, not the server's: a server on UTC still
-- sees Beijing's date from 00:00 to 08:00 Beijing time.
CREATE FUNCTION rectify.today() RETURNS date
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (pg_catalog.now() AT TIME ZONE rectify.office_time_zone())::date;
COMMENT ON FUNCTION rectify.today() IS
  'the current date in the office''s time zone; the default asof of every rectify function';
