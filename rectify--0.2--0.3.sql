\echo Use "ALTER EXTENSION rectify UPDATE TO '0.3'" to load this file. \quit
-- ------------------------------------------------------------------
-- rectify 0.2 → 0.3: the escalation ladder (跟踪督办), run daily.
--
-- Every open item stores the date on which it can next change level
-- (items.escalation_next); rectify.escalate(asof) reads only the items
-- whose date has come, through a partial index, raises them to the level
-- their days overdue (or their lag behind 序时进度) require, records each
-- step in rectify.events and tells listeners with NOTIFY.  The monthly
-- dispatch (一月一调度) snapshots every open item.  pg_cron is optional:
-- rectify.schedule_jobs() creates the jobs on request, never on install.
--
-- Depends only on 0.1 objects.
-- ------------------------------------------------------------------

-- ------------------------------------------------------------------
-- The ladder.
-- ------------------------------------------------------------------

CREATE TYPE rectify.escalation_level AS ENUM (
  'none',                 -- 未处置
  'notice',               -- 函告
  'warning',              -- 警示
  'circular',             -- 通报
  'supervision',          -- 督办
  'listed_supervision',   -- 挂牌督办
  'summons',              -- 约谈
  'approval_freeze',      -- 区域限批
  'accountability'        -- 移交问责
);
COMMENT ON TYPE rectify.escalation_level IS
  'escalation ladder, mildest first: none < notice (函告) < warning (警示) < circular (通报) < supervision (督办) < listed_supervision (挂牌督办) < summons (约谈) < approval_freeze (区域限批) < accountability (移交问责)';

-- The built-in thresholds.  Fixed by the extension (like rectify.transitions),
-- so not dumped: an office changes them with rows in rectify.escalation_policy.
CREATE TABLE rectify.escalation_ladder (
  level rectify.escalation_level PRIMARY KEY,
  min_days_overdue integer CHECK (min_days_overdue >= 1),
  name_zh text NOT NULL,
  CHECK ((level = 'none') = (min_days_overdue IS NULL))
);
COMMENT ON TABLE rectify.escalation_ladder IS
  'the built-in escalation thresholds (days overdue from which an item is at least at a level); read-only reference, override with rectify.escalation_policy';
COMMENT ON COLUMN rectify.escalation_ladder.level IS 'the level';
COMMENT ON COLUMN rectify.escalation_ladder.min_days_overdue IS 'built-in threshold: an open item this many days overdue is at least at this level';
COMMENT ON COLUMN rectify.escalation_ladder.name_zh IS 'the measure''s Chinese name as the plans write it';
INSERT INTO rectify.escalation_ladder VALUES
  ('none', NULL, '未处置'),
  ('notice', 1, '函告'),
  ('warning', 7, '警示'),
  ('circular', 15, '通报'),
  ('supervision', 30, '督办'),
  ('listed_supervision', 45, '挂牌督办'),
  ('summons', 60, '约谈'),
  ('approval_freeze', 90, '区域限批'),
  ('accountability', 120, '移交问责');

-- The office's own thresholds.  Empty on install (so a dump and restore
-- never duplicates a row); every row is the office's data and is dumped.
CREATE TABLE rectify.escalation_policy (
  category text CHECK (category IN
    ('governance', 'industry', 'energy', 'air', 'water', 'soil', 'solid_waste', 'ecology', 'other')),
  source text CHECK (source IN
    ('central', 'provincial', 'lookback', 'warning_film', 'complaint', 'proposal', 'other')),
  level rectify.escalation_level NOT NULL CHECK (level > 'none'),
  min_days_overdue integer CHECK (min_days_overdue BETWEEN 1 AND 36500),
  note text,
  CONSTRAINT escalation_policy_scope_level_key UNIQUE NULLS NOT DISTINCT (category, source, level)
);
COMMENT ON TABLE rectify.escalation_policy IS
  'the office''s escalation thresholds, overriding rectify.escalation_ladder per level. A row applies to items of its category and source (NULL = any). For each level the most specific matching row wins: category and source, then source only, then category only, then office-wide (both NULL), then the built-in ladder';
COMMENT ON COLUMN rectify.escalation_policy.category IS 'items of this category only; NULL for any category';
COMMENT ON COLUMN rectify.escalation_policy.source IS 'items of this source only (central, provincial, ...); NULL for any source';
COMMENT ON COLUMN rectify.escalation_policy.level IS 'the level this row sets the threshold of';
COMMENT ON COLUMN rectify.escalation_policy.min_days_overdue IS 'days overdue from which the level applies; NULL: never reached automatically in this scope';
COMMENT ON COLUMN rectify.escalation_policy.note IS 'why the office set it (the document that says so)';
COMMENT ON CONSTRAINT escalation_policy_scope_level_key ON rectify.escalation_policy IS
  'one threshold per scope (category, source; NULL counts as a value) and level';
SELECT pg_catalog.pg_extension_config_dump('rectify.escalation_policy', '');

-- ------------------------------------------------------------------
-- Settings: lag threshold and run-history retention.
-- ------------------------------------------------------------------

ALTER TABLE rectify.settings
  ADD COLUMN lag_threshold numeric CHECK (lag_threshold > 0 AND lag_threshold <= 1),
  ADD COLUMN cron_history_days integer CHECK (cron_history_days BETWEEN 0 AND 36500);
COMMENT ON COLUMN rectify.settings.lag_threshold IS
  'an open item whose progress lags 序时进度 by at least this much is at least at notice (default 0.20)';
COMMENT ON COLUMN rectify.settings.cron_history_days IS
  'days of rectify''s own pg_cron run records (cron.job_run_details) to keep (default 30)';

CREATE OR REPLACE VIEW rectify.office AS
  SELECT coalesce(s.time_zone, 'Asia/Shanghai') AS time_zone,
         coalesce(s.warning_days, 15) AS warning_days,
         coalesce(s.immediate_days, 30) AS immediate_days,
         coalesce(s.lag_threshold, 0.20) AS lag_threshold,
         coalesce(s.cron_history_days, 30) AS cron_history_days
    FROM (SELECT) AS one LEFT JOIN rectify.settings s ON true;
COMMENT ON VIEW rectify.office IS 'the office''s effective settings: rectify.settings with defaults filled in';

-- set_setting now knows every column of rectify.settings, whichever
-- version added it, so later upgrades need not replace it again.
CREATE OR REPLACE FUNCTION rectify.set_setting(name text, value text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  typ regtype;
  known text;
BEGIN
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
-- ------------------------------------------------------------------

ALTER TABLE rectify.items
  ADD COLUMN escalation_level rectify.escalation_level NOT NULL DEFAULT 'none',
  ADD COLUMN escalated_on date,
  ADD COLUMN escalation_next date;
COMMENT ON COLUMN rectify.items.escalation_level IS
  'current escalation level (跟踪督办); never lowered while the item is open, back to none when it is completed';
COMMENT ON COLUMN rectify.items.escalated_on IS 'the asof of the last escalation step';
COMMENT ON COLUMN rectify.items.escalation_next IS
  'the first date on which the level can rise (a ladder threshold or the lag threshold is crossed); NULL when it cannot: completed, ongoing, or at the top. Maintained by trigger';
CREATE INDEX items_escalation_next_idx ON rectify.items (escalation_next)
  WHERE escalation_next IS NOT NULL;
COMMENT ON INDEX rectify.items_escalation_next_idx IS
  'rectify.escalate(asof) reads only items whose escalation_next has come';

ALTER TABLE rectify.events ADD COLUMN days_overdue integer;
COMMENT ON COLUMN rectify.events.days_overdue IS 'days overdue at an escalation step';
ALTER TABLE rectify.events DROP CONSTRAINT events_kind_check;
ALTER TABLE rectify.events ADD CONSTRAINT events_kind_check CHECK (kind IN
  ('registered', 'status', 'sent_back', 'reopened', 'deadline_extended', 'progress',
   'escalated', 'escalated_manually', 'escalation_ended'));
COMMENT ON CONSTRAINT events_kind_check ON rectify.events IS
  'the kinds of event: lifecycle (registered, status, sent_back, reopened, deadline_extended, progress) and escalation (escalated, escalated_manually, escalation_ended)';

-- ------------------------------------------------------------------
-- Thresholds and next-change dates.
-- ------------------------------------------------------------------

-- The ladder that applies to items of a category and source.
CREATE FUNCTION rectify.escalation_thresholds(category text DEFAULT NULL, source text DEFAULT NULL)
  RETURNS TABLE (level rectify.escalation_level, min_days_overdue integer, scope text)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT l.level,
         CASE WHEN p.level IS NULL THEN l.min_days_overdue ELSE p.min_days_overdue END,
         CASE WHEN p.level IS NULL THEN 'built-in'
              WHEN p.category IS NOT NULL AND p.source IS NOT NULL
                THEN 'category ' || p.category || ', source ' || p.source
              WHEN p.source IS NOT NULL THEN 'source ' || p.source
              WHEN p.category IS NOT NULL THEN 'category ' || p.category
              ELSE 'office' END
    FROM rectify.escalation_ladder l
    LEFT JOIN LATERAL (
      SELECT p.category, p.source, p.level, p.min_days_overdue
        FROM rectify.escalation_policy p
       WHERE p.level = l.level
         AND (p.category IS NULL OR p.category = escalation_thresholds.category)
         AND (p.source IS NULL OR p.source = escalation_thresholds.source)
       ORDER BY p.source IS NOT NULL DESC, p.category IS NOT NULL DESC
       LIMIT 1) p ON true
   WHERE l.level > 'none'
   ORDER BY l.level;
END;
COMMENT ON FUNCTION rectify.escalation_thresholds(text, text) IS
  'the escalation thresholds for items of this category and source, and which policy row (scope) set each; NULL days: never automatically';

-- 序时进度 from the item's stored due date, so that every form of deadline
-- (including those resolved against a working-day calendar) is judged the
-- same way.
CREATE FUNCTION rectify.due_progress(due date, assigned date, asof date) RETURNS numeric
  AS 'MODULE_PATHNAME', 'deadline_due_progress' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.due_progress(date, date, date) IS
  'time-proportional progress (序时进度) for a due date already resolved: elapsed share from assigned to due, in [0,1]; NULL for ongoing';

-- Is the item lagging (进度滞后) as of asof: is its progress behind 序时进度
-- by at least the office's lag threshold?
CREATE FUNCTION rectify.is_lagging(it rectify.items, asof date)
  RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(it.completed_on IS NULL
                  AND rectify.due_progress(it.due_date, it.assigned, asof)
                      - it.progress >= o.lag_threshold, false)
    FROM rectify.office o;
END;
COMMENT ON FUNCTION rectify.is_lagging(rectify.items, date) IS
  'true when an open item''s progress lags its time-proportional progress (序时进度) by at least the office''s lag_threshold as of asof';

-- The first date on which an item becomes lagging, if it ever does with
-- its present progress.  序时进度 grows with the date, so the date is found
-- from the formula and then checked against rectify.expected_progress
-- itself (which rounds to four decimals) by stepping a day either way.
CREATE FUNCTION rectify.lag_date(it rectify.items)
  RETURNS date
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  o rectify.office;
  due date;
  d date;
  steps integer := 0;
BEGIN
  IF it.completed_on IS NOT NULL OR rectify.is_ongoing(it.deadline) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO o FROM rectify.office;
  IF it.progress + o.lag_threshold > 1 THEN
    RETURN NULL;                      -- 序时进度 never exceeds 1
  END IF;
  due := it.due_date;
  d := it.assigned + least(greatest(due - it.assigned, 0),
                           ceil((it.progress + o.lag_threshold) * greatest(due - it.assigned, 0))::integer);
  WHILE d > it.assigned AND rectify.is_lagging(it, d - 1) AND steps < 10 LOOP
    d := d - 1; steps := steps + 1;
  END LOOP;
  WHILE NOT rectify.is_lagging(it, d) AND steps < 20 LOOP
    d := d + 1; steps := steps + 1;
  END LOOP;
  RETURN d;
END $$;
COMMENT ON FUNCTION rectify.lag_date(rectify.items) IS
  'the first date on which an open item lags 序时进度 by the lag threshold, given its present progress; NULL if it never will';

-- The first date on which the item's level can rise.
CREATE FUNCTION rectify.escalation_next_change(it rectify.items)
  RETURNS date
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  nxt date;
BEGIN
  IF it.completed_on IS NOT NULL OR it.due_date IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT it.due_date + min(t.min_days_overdue) INTO nxt
    FROM rectify.escalation_thresholds(it.category, it.source) t
   WHERE t.level > it.escalation_level;
  IF it.escalation_level < 'notice' THEN
    nxt := least(nxt, rectify.lag_date(it));
  END IF;
  RETURN nxt;
END $$;
COMMENT ON FUNCTION rectify.escalation_next_change(rectify.items) IS
  'the first date on which an item''s escalation level can rise: its due date plus the smallest threshold above its level, or the day it starts lagging; NULL if never';

-- Recompute every open item's date (after a policy or setting change).
CREATE FUNCTION rectify.refresh_escalation_dates()
  RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE rectify.items i SET escalation_next = rectify.escalation_next_change(i)
   WHERE i.completed_on IS NULL
     AND i.escalation_next IS DISTINCT FROM rectify.escalation_next_change(i);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.refresh_escalation_dates() IS
  'recomputes escalation_next of every open item; run by trigger when escalation_policy or settings change. Returns how many changed';

-- ------------------------------------------------------------------
-- Triggers.  On UPDATE they fire in name order: items_escalation_guard
-- sees the statement's own values, items_guard (0.1) the lifecycle, and
-- items_track_escalation, last, recomputes the date from the final row.
-- ------------------------------------------------------------------

CREATE FUNCTION rectify.items_escalation_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF coalesce(current_setting('rectify.in_api', true), '') <> 'on' AND
     (NEW.escalation_level, NEW.escalated_on) IS DISTINCT FROM (OLD.escalation_level, OLD.escalated_on) THEN
    RAISE EXCEPTION 'escalation level of rectification item "%" can only be changed through rectify functions', OLD.code
      USING ERRCODE = 'check_violation',
            DETAIL = 'Every escalation step is recorded in rectify.events.',
            HINT = 'Use rectify.escalate(asof) or rectify.escalate_item(item, level, reason).';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_escalation_guard() IS
  'trigger: the escalation level changes only through rectify.escalate() and rectify.escalate_item()';
CREATE TRIGGER items_escalation_guard BEFORE UPDATE ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_escalation_guard();
COMMENT ON TRIGGER items_escalation_guard ON rectify.items IS
  'refuses escalation changes made outside rectify''s functions';

-- Completing an item ends its escalation: the level goes back to none
-- (the history keeps the steps) and the item leaves the index.  Any other
-- change (progress, extension, send-back, level) moves the next date.
CREATE FUNCTION rectify.items_track_escalation() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.completed_on IS NULL AND NEW.completed_on IS NOT NULL
     AND OLD.escalation_level > 'none' THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
      VALUES (NEW.item_id, NEW.completed_on, 'escalation_ended', OLD.escalation_level::text, 'none',
              'completed (整改完成): escalation ends');
    NEW.escalation_level := 'none';
  END IF;
  NEW.escalation_next := rectify.escalation_next_change(NEW);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_track_escalation() IS
  'trigger: keeps escalation_next current and ends escalation when an item is completed';
CREATE TRIGGER items_track_escalation BEFORE INSERT OR UPDATE ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_track_escalation();
COMMENT ON TRIGGER items_track_escalation ON rectify.items IS
  'recomputes escalation_next; ends escalation on completion';

CREATE FUNCTION rectify.escalation_inputs_changed() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.refresh_escalation_dates();
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.escalation_inputs_changed() IS
  'trigger: a policy or setting changed, so every open item''s escalation_next is recomputed';
CREATE TRIGGER escalation_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON rectify.escalation_policy
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.escalation_inputs_changed();
COMMENT ON TRIGGER escalation_policy_changed ON rectify.escalation_policy IS
  'recomputes next escalation dates when thresholds change';
CREATE TRIGGER settings_escalation_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON rectify.settings
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.escalation_inputs_changed();
COMMENT ON TRIGGER settings_escalation_changed ON rectify.settings IS
  'recomputes next escalation dates when the lag threshold or immediate_days change';

-- Items already in the ledger get their dates now.
SELECT rectify.refresh_escalation_dates();

-- ------------------------------------------------------------------
-- Notifications (自动推送).
-- ------------------------------------------------------------------

-- A compact JSON payload, at most 2000 bytes whatever the item holds
-- (PostgreSQL's limit is 8000): the unit list is cut from its end, with
-- units_omitted saying how many were left out, and an overlong code is
-- cut; the item id finds the rest.
CREATE FUNCTION rectify.escalation_payload(item bigint, from_level rectify.escalation_level,
                                           to_level rectify.escalation_level,
                                           days_overdue integer, asof date,
                                           manual boolean DEFAULT false)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  limit_bytes constant integer := 2000;
  it rectify.items;
  units text[];
  n integer;
  payload text;
BEGIN
  SELECT * INTO it FROM rectify.items i WHERE i.item_id = item;
  SELECT coalesce(array_agg(u.name ORDER BY r.seq, u.name), '{}') INTO units
    FROM rectify.responsibilities r JOIN rectify.units u USING (unit_id)
   WHERE r.item_id = item AND r.role = 'primary';
  n := cardinality(units);
  LOOP
    SELECT row_to_json(p)::text INTO payload
      FROM (SELECT item AS item_id,
                   CASE WHEN octet_length(it.code) > 200 THEN left(it.code, 60) || '…' ELSE it.code END AS code,
                   it.region::text AS region,
                   units[1:n] AS units, cardinality(units) - n AS units_omitted,
                   from_level AS "from", to_level AS "to",
                   escalation_payload.days_overdue AS days_overdue,
                   asof AS asof, manual AS manual) AS p;
    EXIT WHEN octet_length(payload) <= limit_bytes OR n = 0;
    n := n - 1;
  END LOOP;
  RETURN payload;
END $$;
COMMENT ON FUNCTION rectify.escalation_payload(bigint, rectify.escalation_level, rectify.escalation_level, integer, date, boolean) IS
  'the JSON sent on channel rectify_escalation for one step: item_id, code, region, primary units (cut to keep the payload under 2000 bytes, with units_omitted), from, to, days_overdue, asof, manual';

-- ------------------------------------------------------------------
-- escalate(asof): one run of the ladder.
-- ------------------------------------------------------------------

CREATE FUNCTION rectify.escalate(asof date DEFAULT rectify.today())
  RETURNS TABLE (item_id bigint, code text, from_level rectify.escalation_level,
                 to_level rectify.escalation_level, days_overdue integer, reason text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp SET rectify.in_api = 'on' AS $$
#variable_conflict use_column
DECLARE
  it rectify.items;
  o rectify.office;
  days integer;
  by_days rectify.escalation_level;
  threshold integer;
  scope text;
  new_level rectify.escalation_level;
  expected numeric;
  why text;
BEGIN
  IF asof IS NULL OR NOT isfinite(asof) THEN
    RAISE EXCEPTION 'escalation date must be a finite date, not %', coalesce(asof::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a date such as 2022-06-20, or omit it for rectify.today().';
  END IF;
  -- Under REPEATABLE READ or SERIALIZABLE the snapshot would predate the
  -- advisory lock below, and the run could act on what a concurrent run
  -- already did.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'rectify.escalate() cannot run at isolation level %', upper(current_setting('transaction_isolation'))
      USING ERRCODE = 'invalid_transaction_state',
            DETAIL = 'Its snapshot would predate the lock that keeps two runs apart.',
            HINT = 'Run it in a READ COMMITTED transaction (the default): BEGIN ISOLATION LEVEL READ COMMITTED.';
  END IF;
  -- One run at a time (a pg_cron job and a DBA's manual run): the second
  -- waits, then sees what the first committed.
  PERFORM pg_advisory_xact_lock(8243104044607240449);
  SELECT * INTO o FROM rectify.office;

  -- Only items whose date has come, through items_escalation_next_idx
  -- (completed items have no date).  Row locks in item order; a row
  -- changed meanwhile is re-read and rechecked against the condition (READ
  -- COMMITTED), so an item just completed drops out and one escalated by
  -- hand is judged on its new level.
  FOR it IN
    SELECT * FROM rectify.items i
     WHERE i.escalation_next <= asof AND i.assigned <= asof
     ORDER BY i.item_id
       FOR UPDATE
  LOOP
    CONTINUE WHEN it.completed_on IS NOT NULL;    -- never: completion clears the date
    days := CASE WHEN it.due_date IS NULL THEN 0 ELSE greatest(asof - it.due_date, 0) END;
    by_days := NULL; threshold := NULL; scope := NULL;
    SELECT t.level, t.min_days_overdue, t.scope INTO by_days, threshold, scope
      FROM rectify.escalation_thresholds(it.category, it.source) t
     WHERE t.min_days_overdue <= days
     ORDER BY t.level DESC LIMIT 1;
    by_days := coalesce(by_days, 'none');
    new_level := by_days;
    IF new_level < 'notice' AND rectify.is_lagging(it, asof) THEN
      new_level := 'notice';
      expected := rectify.due_progress(it.due_date, it.assigned, asof);
      why := format('lagging: progress %s is %s behind 序时进度 %s (threshold %s)',
                    it.progress, expected - it.progress, expected, o.lag_threshold);
    ELSE
      why := format('%s day%s overdue: %s (%s) from %s day%s (%s)',
                    days, CASE WHEN days = 1 THEN '' ELSE 's' END, by_days,
                    (SELECT l.name_zh FROM rectify.escalation_ladder l WHERE l.level = by_days),
                    threshold, CASE WHEN threshold = 1 THEN '' ELSE 's' END, scope);
    END IF;
    CONTINUE WHEN new_level <= it.escalation_level;

    UPDATE rectify.items i SET escalation_level = new_level, escalated_on = asof
     WHERE i.item_id = it.item_id;
    INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, days_overdue)
      VALUES (it.item_id, asof, 'escalated', it.escalation_level::text, new_level::text, why, days);
    PERFORM pg_notify('rectify_escalation',
                      rectify.escalation_payload(it.item_id, it.escalation_level, new_level, days, asof));
    item_id := it.item_id; code := it.code; from_level := it.escalation_level;
    to_level := new_level; days_overdue := days; reason := why;
    RETURN NEXT;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.escalate(date) IS
  'one run of the escalation ladder as of asof: raises every open item whose next-change date has come to the level its days overdue or lag require, records rectify.events, sends NOTIFY rectify_escalation; returns the items it changed. Idempotent; concurrent runs wait for each other; READ COMMITTED only';

-- Manual escalation by an administrator, with a reason.
CREATE FUNCTION rectify.escalate_item(item bigint, to_level rectify.escalation_level, reason text,
                                      on_date date DEFAULT rectify.today())
  RETURNS rectify.escalation_level
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp SET rectify.in_api = 'on' AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
  days integer;
  above text;
BEGIN
  IF to_level IS NULL THEN
    RAISE EXCEPTION 'escalation level must not be NULL' USING ERRCODE = 'null_value_not_allowed',
      HINT = 'Levels: notice, warning, circular, supervision, listed_supervision, summons, approval_freeze, accountability.';
  END IF;
  PERFORM rectify.require_text(reason, 'a reason for a manual escalation');
  IF it.completed_on IS NOT NULL THEN
    RAISE EXCEPTION 'item "%" is % and its escalation has ended', it.code, it.status
      USING ERRCODE = 'check_violation',
            HINT = 'Only open items escalate; send the item back or reopen it first.';
  END IF;
  PERFORM rectify.check_on_date(it, on_date);
  IF to_level <= it.escalation_level THEN
    SELECT string_agg(l::text, ', ' ORDER BY l) INTO above
      FROM unnest(enum_range(it.escalation_level, NULL)) AS l WHERE l > it.escalation_level;
    RAISE EXCEPTION 'item "%" is already at %: a manual escalation to % would not raise it', it.code, it.escalation_level, to_level
      USING ERRCODE = 'check_violation',
            HINT = CASE WHEN above IS NULL THEN 'The item is at the top of the ladder.'
                        ELSE format('Levels above %s: %s.', it.escalation_level, above) END;
  END IF;
  days := CASE WHEN it.due_date IS NULL THEN 0 ELSE greatest(on_date - it.due_date, 0) END;
  UPDATE rectify.items i SET escalation_level = to_level, escalated_on = on_date
   WHERE i.item_id = it.item_id;
  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, days_overdue)
    VALUES (it.item_id, on_date, 'escalated_manually', it.escalation_level::text, to_level::text,
            escalate_item.reason, days);
  PERFORM pg_notify('rectify_escalation',
                    rectify.escalation_payload(it.item_id, it.escalation_level, to_level, days, on_date, true));
  RETURN to_level;
END $$;
COMMENT ON FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) IS
  'escalates an open item by hand to a higher level, with a reason (recorded, notified); EXECUTE is for administrators only';
REVOKE EXECUTE ON FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) FROM PUBLIC;

CREATE FUNCTION rectify.escalation_history(item bigint DEFAULT NULL)
  RETURNS TABLE (event_id bigint, item_id bigint, code text, happened_on date, kind text,
                 from_level rectify.escalation_level, to_level rectify.escalation_level,
                 days_overdue integer, reason text, actor text, recorded_at timestamptz)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT e.event_id, e.item_id, i.code, e.happened_on, e.kind,
         e.from_value::rectify.escalation_level, e.to_value::rectify.escalation_level,
         e.days_overdue, e.reason, e.actor, e.recorded_at
    FROM rectify.events e JOIN rectify.items i USING (item_id)
   WHERE e.kind IN ('escalated', 'escalated_manually', 'escalation_ended')
     AND (escalation_history.item IS NULL OR e.item_id = escalation_history.item)
   ORDER BY e.event_id;
END;
COMMENT ON FUNCTION rectify.escalation_history(bigint) IS
  'the escalation steps of one item (or of all items when NULL), in the order they were recorded';

-- ------------------------------------------------------------------
-- Monthly dispatch (一月一调度).
-- ------------------------------------------------------------------

CREATE TABLE rectify.dispatch_snapshots (
  month date NOT NULL CHECK (month = date_trunc('month', month)::date),
  item_id bigint NOT NULL REFERENCES rectify.items,
  code text NOT NULL,
  region rectify.region NOT NULL,
  status rectify.item_status NOT NULL,
  state rectify.deadline_state,
  due_date date,
  days_overdue integer NOT NULL,
  escalation_level rectify.escalation_level NOT NULL,
  progress numeric(5,4) NOT NULL,
  expected_progress numeric,
  primary_units text,
  taken_on date NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  taken_by text NOT NULL DEFAULT CURRENT_USER,
  PRIMARY KEY (month, item_id)
);
COMMENT ON TABLE rectify.dispatch_snapshots IS
  '一月一调度: each month''s snapshot of every open item (state, days overdue, level, progress), written by rectify.dispatch()';
COMMENT ON COLUMN rectify.dispatch_snapshots.month IS 'first day of the month dispatched';
COMMENT ON COLUMN rectify.dispatch_snapshots.item_id IS 'the item';
COMMENT ON COLUMN rectify.dispatch_snapshots.code IS 'the item''s code when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.region IS 'the item''s region';
COMMENT ON COLUMN rectify.dispatch_snapshots.status IS 'lifecycle status when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.due_date IS 'the due date then in force';
COMMENT ON COLUMN rectify.dispatch_snapshots.progress IS 'reported progress when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.state IS 'deadline state as of taken_on';
COMMENT ON COLUMN rectify.dispatch_snapshots.days_overdue IS 'days overdue as of taken_on';
COMMENT ON COLUMN rectify.dispatch_snapshots.escalation_level IS 'escalation level when the snapshot was taken';
COMMENT ON COLUMN rectify.dispatch_snapshots.expected_progress IS '序时进度 as of taken_on';
COMMENT ON COLUMN rectify.dispatch_snapshots.primary_units IS 'the primary responsible units, in order';
COMMENT ON COLUMN rectify.dispatch_snapshots.taken_on IS 'the asof of the dispatch';
COMMENT ON COLUMN rectify.dispatch_snapshots.taken_at IS 'when the snapshot was written';
COMMENT ON COLUMN rectify.dispatch_snapshots.taken_by IS 'the role that wrote it';
SELECT pg_catalog.pg_extension_config_dump('rectify.dispatch_snapshots', '');

CREATE FUNCTION rectify.dispatch(asof date DEFAULT rectify.today())
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  mon date;
  n bigint;
BEGIN
  IF asof IS NULL OR NOT isfinite(asof) THEN
    RAISE EXCEPTION 'dispatch date must be a finite date, not %', coalesce(asof::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a date such as 2022-06-01, or omit it for rectify.today().';
  END IF;
  mon := date_trunc('month', asof)::date;
  PERFORM pg_advisory_xact_lock(8243104044607240450);
  -- A second dispatch in the same month replaces the first.
  DELETE FROM rectify.dispatch_snapshots s WHERE s.month = mon;
  INSERT INTO rectify.dispatch_snapshots
         (month, item_id, code, region, status, state, due_date, days_overdue, escalation_level,
          progress, expected_progress, primary_units, taken_on)
  SELECT mon, l.item_id, l.code, l.region, l.status, l.state, l.due_date, l.days_overdue,
         i.escalation_level, l.progress, l.expected_progress, l.primary_units, asof
    FROM rectify.ledger(asof) l JOIN rectify.items i USING (item_id)
   WHERE l.completed_on IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.dispatch(date) IS
  '一月一调度: snapshots every open item as of asof into rectify.dispatch_snapshots for asof''s month (replacing an earlier snapshot of that month); returns the number of items';

CREATE VIEW rectify.dispatch_compare AS
  SELECT s.month, s.item_id, s.code, s.region, s.primary_units,
         p.status AS prev_status, s.status,
         p.days_overdue AS prev_days_overdue, s.days_overdue,
         p.escalation_level AS prev_level, s.escalation_level AS level,
         p.progress AS prev_progress, s.progress,
         s.progress - p.progress AS progress_change,
         p.item_id IS NULL AS new_this_month
    FROM rectify.dispatch_snapshots s
    LEFT JOIN rectify.dispatch_snapshots p
      ON p.item_id = s.item_id AND p.month = (s.month - interval '1 month')::date;
COMMENT ON VIEW rectify.dispatch_compare IS
  'each month''s dispatch beside the previous month''s for the same item: status, days overdue, level and progress then and now';

-- ------------------------------------------------------------------
-- pg_cron glue.  Nothing here refers to pg_cron at parse time: every call
-- goes through EXECUTE, after checking that pg_cron is in this database.
-- pg_cron 1.4 reads schedules in UTC (cron.timezone came in 1.5).
-- ------------------------------------------------------------------

CREATE FUNCTION rectify.job_command(job text)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE job
    WHEN 'escalate' THEN 'SELECT count(*) AS escalated FROM rectify.escalate(); SELECT rectify.purge_cron_history()'
    WHEN 'escalate-elsewhere' THEN 'SELECT count(*) AS escalated FROM rectify.escalate()'
    WHEN 'dispatch' THEN 'SELECT rectify.dispatch()' END;
COMMENT ON FUNCTION rectify.job_command(text) IS
  'the SQL a rectify pg_cron job runs (escalate, escalate-elsewhere, dispatch): schema-qualified, as each run starts with the default search_path';

-- Check a pg_cron 1.4 schedule; returns it trimmed.
CREATE FUNCTION rectify.check_cron_schedule(schedule text, what text)
  RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  s text := btrim(regexp_replace(schedule, '\s+', ' ', 'g'));
BEGIN
  IF s IS NULL OR s = '' OR NOT (
       s ~ '^@(yearly|annually|monthly|weekly|daily|hourly)$'
       OR s ~ '^[0-9*,/-]+ [0-9*,/-]+ [0-9*,/-]+ [0-9A-Za-z*,/-]+ [0-9A-Za-z*,/-]+$') THEN
    RAISE EXCEPTION 'invalid pg_cron schedule for %: "%"', what, coalesce(schedule, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'pg_cron 1.4 takes five fields (minute hour day-of-month month day-of-week) read in UTC, or @daily, @weekly, @monthly, @yearly, @hourly; it has no seconds.',
            HINT = 'For 08:00 Beijing time daily give ''0 0 * * *''; for 08:30 on the 1st of each month ''30 0 1 * *''.';
  END IF;
  RETURN s;
END $$;
COMMENT ON FUNCTION rectify.check_cron_schedule(text, text) IS
  'validates a pg_cron 1.4 schedule (five fields in UTC, or @daily and the like) and returns it normalized; 22023 otherwise';

-- When a UTC schedule runs on the office's clock, for people reading it.
CREATE FUNCTION rectify.cron_schedule_note(schedule text)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  f text[] := regexp_split_to_array(btrim(schedule), '\s+');
  tz text := rectify.office_time_zone();
  utc timestamp;
  loc timestamp;
  off interval;
BEGIN
  IF cardinality(f) = 5 AND f[1] ~ '^\d{1,2}$' AND f[2] ~ '^\d{1,2}$'
     AND f[1]::integer < 60 AND f[2]::integer < 24 THEN
    utc := current_date + make_time(f[2]::integer, f[1]::integer, 0);
    loc := (utc AT TIME ZONE 'UTC') AT TIME ZONE tz;
    RETURN format('%s UTC = %s %s%s', to_char(utc, 'HH24:MI'), to_char(loc, 'HH24:MI'), tz,
                  CASE WHEN loc::date > utc::date THEN ' (next day)'
                       WHEN loc::date < utc::date THEN ' (previous day)' ELSE '' END);
  END IF;
  off := pg_catalog.now() AT TIME ZONE tz - pg_catalog.now() AT TIME ZONE 'UTC';
  RETURN format('UTC; %s = UTC%s%s', tz, CASE WHEN off < interval '0' THEN '-' ELSE '+' END,
                to_char(CASE WHEN off < interval '0' THEN -off ELSE off END, 'HH24:MI'));
END $$;
COMMENT ON FUNCTION rectify.cron_schedule_note(text) IS
  'says when a pg_cron schedule (read in UTC by pg_cron 1.4) runs on the office''s clock, e.g. 00:00 UTC = 08:00 Asia/Shanghai';

-- Raise the right error unless pg_cron is usable from this database.
-- action is 'schedule' or 'unschedule'; the other-database message gives
-- the exact calls to run there.
CREATE FUNCTION rectify.require_cron(action text, escalate_at text DEFAULT '0 0 * * *',
                                     dispatch_at text DEFAULT '30 0 1 * *')
  RETURNS void
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  cron_db text := current_setting('cron.database_name', true);
  db text := current_database();
  calls text;
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    RETURN;
  END IF;
  IF cron_db IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not available'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'pg_cron is not in shared_preload_libraries, so jobs cannot be scheduled from the database.',
            HINT = format('Set shared_preload_libraries = ''pg_cron'', cron.database_name = %L and cron.use_background_workers = on, restart, then CREATE EXTENSION pg_cron in database %I. Without pg_cron, have any scheduler run SELECT rectify.escalate() daily and SELECT rectify.dispatch() monthly.', db, db);
  END IF;
  IF cron_db = db THEN
    RAISE EXCEPTION 'pg_cron is loaded but not created in database "%"', db
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Run CREATE EXTENSION pg_cron in this database (cron.database_name names it).';
  END IF;
  IF action = 'unschedule' THEN
    calls := format('SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname IN (%L, %L, %L);',
                    'rectify-escalate-' || db, 'rectify-dispatch-' || db, 'rectify-purge-' || db);
  ELSE
    calls := concat_ws(E'\n',
      format('SELECT cron.schedule_in_database(%L, %L, %L, %L);', 'rectify-escalate-' || db,
             escalate_at, rectify.job_command('escalate-elsewhere'), db),
      format('SELECT cron.schedule_in_database(%L, %L, %L, %L);', 'rectify-dispatch-' || db,
             dispatch_at, rectify.job_command('dispatch'), db),
      format('SELECT cron.schedule(%L, %L, %L);', 'rectify-purge-' || db, '15 0 * * *',
             format('DELETE FROM cron.job_run_details WHERE jobid IN (SELECT jobid FROM cron.job WHERE jobname LIKE %L) AND end_time < now() - interval %L',
                    'rectify-%', (SELECT cron_history_days FROM rectify.office) || ' days')));
  END IF;
  RAISE EXCEPTION 'pg_cron lives in database "%", not in "%"', cron_db, db
    USING ERRCODE = 'object_not_in_prerequisite_state',
          DETAIL = 'pg_cron can only be created in the database named by cron.database_name, and a function here cannot reach it.',
          HINT = format(E'Run in database "%s", as a superuser:\n%s', cron_db, calls)
                 || CASE WHEN action = 'unschedule' THEN ''
                         ELSE E'\npg_cron 1.4 reads schedules in UTC: ' || rectify.cron_schedule_note(escalate_at) || '.' END;
END $$;
COMMENT ON FUNCTION rectify.require_cron(text, text, text) IS
  'returns if pg_cron is created in this database; otherwise raises 55000 saying what to configure, or, when pg_cron is in another database, the exact cron.schedule_in_database calls to run there';

CREATE FUNCTION rectify.schedule_jobs(escalate_at text DEFAULT '0 0 * * *',
                                      dispatch_at text DEFAULT '30 0 1 * *')
  RETURNS TABLE (jobid bigint, jobname text, schedule text, runs_at text, command text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  esc text := rectify.check_cron_schedule(escalate_at, 'escalate_at');
  dis text := rectify.check_cron_schedule(dispatch_at, 'dispatch_at');
  job record;
BEGIN
  PERFORM rectify.require_cron('schedule', esc, dis);
  IF coalesce(current_setting('cron.use_background_workers', true), 'off') <> 'on' THEN
    RAISE NOTICE 'pg_cron will run these jobs over libpq as %: the role needs LOGIN and a pg_hba.conf entry for cron.host', current_user
      USING HINT = 'cron.use_background_workers = on runs them inside the server instead.';
  END IF;
  FOR job IN SELECT * FROM (VALUES ('rectify-escalate', esc, rectify.job_command('escalate')),
                                   ('rectify-dispatch', dis, rectify.job_command('dispatch'))) AS v(name, sched, cmd)
  LOOP
    -- cron.schedule(name, ...) updates this role's job of that name in place.
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO jobid USING job.name, job.sched, job.cmd;
    jobname := job.name; schedule := job.sched; command := job.cmd;
    runs_at := rectify.cron_schedule_note(job.sched);
    RETURN NEXT;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.schedule_jobs(text, text) IS
  'creates or updates the pg_cron jobs rectify-escalate (daily escalate() and run-history housekeeping; default 0 0 * * * UTC = 08:00 Beijing) and rectify-dispatch (monthly dispatch(); default 30 0 1 * * UTC = 08:30 Beijing on the 1st). Opt-in; needs pg_cron in this database';

CREATE FUNCTION rectify.unschedule_jobs()
  RETURNS TABLE (jobid bigint, jobname text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  job record;
BEGIN
  PERFORM rectify.require_cron('unschedule');
  -- By id: cron.unschedule(name) finds only the current role's jobs.
  FOR job IN EXECUTE
    'SELECT j.jobid, j.jobname::text AS jobname FROM cron.job j
      WHERE j.jobname IN (''rectify-escalate'', ''rectify-dispatch'') AND j.database = current_database()
      ORDER BY j.jobid'
  LOOP
    EXECUTE 'SELECT cron.unschedule($1)' USING job.jobid;
    jobid := job.jobid; jobname := job.jobname;
    RETURN NEXT;
  END LOOP;
END $$;
COMMENT ON FUNCTION rectify.unschedule_jobs() IS
  'removes the pg_cron jobs made by rectify.schedule_jobs() (those visible to the current role), by job id; returns what it removed';

CREATE FUNCTION rectify.purge_cron_history(keep_days integer DEFAULT NULL)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  keep integer := coalesce(keep_days, (SELECT cron_history_days FROM rectify.office));
  n bigint;
BEGIN
  IF keep < 0 THEN
    RAISE EXCEPTION 'days of pg_cron history to keep must not be negative, not %', keep
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a number of days such as 30, or NULL for the office''s cron_history_days.';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    RETURN NULL;      -- pg_cron is elsewhere: its database purges (see require_cron)
  END IF;
  EXECUTE $q$
    DELETE FROM cron.job_run_details d
     WHERE d.end_time < pg_catalog.now() - make_interval(days => $1)
       AND (d.jobid IN (SELECT j.jobid FROM cron.job j WHERE j.jobname LIKE 'rectify-%')
            OR d.command LIKE '%rectify.escalate(%' OR d.command LIKE '%rectify.dispatch(%')$q$
    USING keep;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.purge_cron_history(integer) IS
  'deletes rectify''s own pg_cron run records (cron.job_run_details) that ended more than keep_days ago (default: the office''s cron_history_days); NULL when pg_cron is in another database. Run by the daily job';
