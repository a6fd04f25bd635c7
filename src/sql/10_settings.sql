-- ------------------------------------------------------------------
-- Office settings: one optional row.  A NULL column (or no row at all)
-- means the default; the defaults live in one place, rectify.office.
-- The table is not seeded, so pg_dump/restore never duplicates a row.
-- ------------------------------------------------------------------

CREATE TABLE rectify.settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  time_zone text CHECK (btrim(time_zone) <> ''),
  warning_days integer CHECK (warning_days BETWEEN 0 AND 3660),
  immediate_days integer CHECK (immediate_days BETWEEN 0 AND 3660),
  lag_threshold numeric CHECK (lag_threshold > 0 AND lag_threshold <= 1),
  cron_history_days integer CHECK (cron_history_days BETWEEN 0 AND 36500),
  reminder_days integer[] CHECK (cardinality(reminder_days) BETWEEN 1 AND 10 AND array_position(reminder_days, NULL) IS NULL
                                 AND 0 <= ALL (reminder_days) AND 3660 >= ALL (reminder_days)),
  progress_report_day integer CHECK (progress_report_day BETWEEN 1 AND 28),
  notification_keep_days integer CHECK (notification_keep_days BETWEEN 1 AND 36500),
  outbox_alert_days integer CHECK (outbox_alert_days BETWEEN 1 AND 365)
);
COMMENT ON TABLE rectify.settings IS
  'the office''s settings, at most one row; NULL means the default shown by rectify.office';
COMMENT ON COLUMN rectify.settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN rectify.settings.time_zone IS 'the office''s time zone, which decides rectify.today() (default Asia/Shanghai)';
COMMENT ON COLUMN rectify.settings.warning_days IS 'days before the due date an item counts as due_soon (预警, default 15)';
COMMENT ON COLUMN rectify.settings.immediate_days IS 'days after assignment an immediate (立行立改) item falls due (default 30)';
COMMENT ON COLUMN rectify.settings.lag_threshold IS
  'an open item whose progress lags 序时进度 by at least this much is at least at notice (default 0.20)';
COMMENT ON COLUMN rectify.settings.cron_history_days IS
  'days of rectify''s own pg_cron run records (cron.job_run_details) to keep (default 30)';
COMMENT ON COLUMN rectify.settings.reminder_days IS 'days before a due date rectify.remind() reminds (default {15,7,1})';
COMMENT ON COLUMN rectify.settings.progress_report_day IS 'day of the month by which an open item reports progress, else rectify.remind() reminds (default 25)';
COMMENT ON COLUMN rectify.settings.notification_keep_days IS 'days rectify.notifications rows are kept before rectify.purge_notifications() removes them (default 90)';
COMMENT ON COLUMN rectify.settings.outbox_alert_days IS 'rectify.health() warns about notifications no consumer has acknowledged this many days after their date (default 2)';
SELECT pg_catalog.pg_extension_config_dump('rectify.settings', '');

-- A time zone the server does not know would break rectify.today() later;
-- refuse it now, with the server's own message (22023).  A POSIX zone
-- string may name any offset ('<+167>-167' is a week ahead): the office's
-- date must stay within the offsets of the world's zones, -12 to +14 hours.
CREATE FUNCTION rectify.settings_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  offset_from_utc interval;
BEGIN
  IF NEW.time_zone IS NOT NULL THEN
    offset_from_utc := (now() AT TIME ZONE NEW.time_zone) - (now() AT TIME ZONE 'UTC');
    IF offset_from_utc NOT BETWEEN interval '-12 hours' AND interval '14 hours' THEN
      RAISE EXCEPTION 'time zone "%" is % hours from UTC', NEW.time_zone,
                      trim_scale(round(extract(epoch FROM offset_from_utc) / 3600, 2))
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'Use a zone name such as Asia/Shanghai, or an offset from -12 to +14 hours.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.settings_check() IS 'trigger: validates the time zone of rectify.settings';
CREATE TRIGGER settings_check BEFORE INSERT OR UPDATE ON rectify.settings
  FOR EACH ROW EXECUTE FUNCTION rectify.settings_check();

CREATE VIEW rectify.office AS
  SELECT coalesce(s.time_zone, 'Asia/Shanghai') AS time_zone,
         coalesce(s.warning_days, 15) AS warning_days,
         coalesce(s.immediate_days, 30) AS immediate_days,
         coalesce(s.lag_threshold, 0.20) AS lag_threshold,
         coalesce(s.cron_history_days, 30) AS cron_history_days,
         coalesce(s.reminder_days, '{15,7,1}') AS reminder_days,
         coalesce(s.progress_report_day, 25) AS progress_report_day,
         coalesce(s.notification_keep_days, 90) AS notification_keep_days,
         coalesce(s.outbox_alert_days, 2) AS outbox_alert_days
    FROM (SELECT) AS one LEFT JOIN rectify.settings s ON true;
COMMENT ON VIEW rectify.office IS 'the office''s effective settings: rectify.settings with defaults filled in';

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

-- set_setting knows every column of rectify.settings by reading the
-- catalog, so a new setting needs no change here.  It runs as the owner so
-- that an administrator can use it; the admin_only trigger on the table
-- (32_access.sql) checks the caller.
CREATE FUNCTION rectify.set_setting(name text, value text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  typ regtype;
  known text;
BEGIN
  PERFORM rectify.require_primary('rectify.set_setting()');
  SELECT a.atttypid::regtype INTO typ
    FROM pg_attribute a
   WHERE a.attrelid = 'rectify.settings'::regclass AND a.attnum > 0 AND NOT a.attisdropped
     AND a.attname <> 'singleton' AND a.attname = set_setting.name;
  IF typ IS NULL THEN
    SELECT regexp_replace(string_agg(a.attname, ', ' ORDER BY a.attnum), ', ([^,]*)$', ' and \1')
      INTO known
      FROM pg_attribute a
     WHERE a.attrelid = 'rectify.settings'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname <> 'singleton';
    RAISE EXCEPTION 'unknown rectify setting "%"', coalesce(name, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('Settings are %s.', known);
  END IF;
  IF value IS NOT NULL AND typ = 'integer'::regtype AND value !~ '^\s*-?\d{1,9}\s*$' THEN
    RAISE EXCEPTION 'invalid value for rectify setting "%": "%"', name, value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a whole number of days, such as 15.';
  END IF;
  IF value IS NOT NULL AND typ = 'numeric'::regtype AND value !~ '^\s*-?(\d{1,9}(\.\d*)?|\.\d+)\s*$' THEN
    RAISE EXCEPTION 'invalid value for rectify setting "%": "%"', name, value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a decimal fraction, such as 0.2.';
  END IF;
  INSERT INTO rectify.settings DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING;
  BEGIN
    EXECUTE format('UPDATE rectify.settings SET %I = $1::%s', name, typ) USING value;
  EXCEPTION WHEN check_violation THEN
    -- name the value and the allowed range, not just the constraint
    GET STACKED DIAGNOSTICS known = CONSTRAINT_NAME;
    RAISE EXCEPTION 'invalid value for rectify setting "%": "%"', name, value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('The value must satisfy %s.',
                          (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                            WHERE c.conrelid = 'rectify.settings'::regclass AND c.conname = known));
  END;
END $$;
COMMENT ON FUNCTION rectify.set_setting(text, text) IS
  'set one office setting (any column of rectify.settings, e.g. time_zone, warning_days, lag_threshold); NULL restores the default';

-- ------------------------------------------------------------------
-- Items: the level, and the date on which the level can next change.
