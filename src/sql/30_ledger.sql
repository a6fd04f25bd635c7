-- ------------------------------------------------------------------
-- The ledger (整改台账): items with their four lists (问题/措施/责任/效果
-- 清单), units, and the append-only event history.
--
-- Every user-data table and its sequence is registered with
-- pg_extension_config_dump, or pg_dump would silently drop the ledger.
-- Nothing here is seeded, so a restore never collides with install rows.
-- ------------------------------------------------------------------

CREATE TYPE rectify.item_status AS ENUM (
  'registered',          -- 登记
  'in_progress',         -- 整改中
  'completed',           -- 整改完成
  'preliminary_review',  -- 初审
  'public_notice',       -- 公示
  'applied',             -- 申请销号
  'verified',            -- 核查
  'closed',              -- 备案 / 销号
  'reopened'             -- 回头看发现反弹
);
COMMENT ON TYPE rectify.item_status IS
  'lifecycle of a rectification item: registered → in_progress → completed → preliminary_review (初审) → public_notice (公示) → applied (申请) → verified (核查) → closed (备案/销号); reopened after a rebound (反弹)';

-- The legal moves, one row each.  Fixed by the extension: not user data.
CREATE TABLE rectify.transitions (
  from_status rectify.item_status NOT NULL,
  to_status rectify.item_status NOT NULL,
  action text NOT NULL,
  PRIMARY KEY (from_status, to_status)
);
COMMENT ON TABLE rectify.transitions IS
  'the legal status changes of an item and what each is called; read-only reference';
INSERT INTO rectify.transitions VALUES
  ('registered', 'in_progress', 'start'),
  ('registered', 'completed', 'complete'),
  ('in_progress', 'completed', 'complete'),
  ('reopened', 'in_progress', 'start'),
  ('reopened', 'completed', 'complete'),
  ('completed', 'preliminary_review', 'submit for preliminary review (初审)'),
  ('preliminary_review', 'public_notice', 'publish notice (公示)'),
  ('public_notice', 'applied', 'apply for sign-off (申请销号)'),
  ('applied', 'verified', 'verify (核查)'),
  ('verified', 'closed', 'file and close (备案销号)'),
  ('completed', 'in_progress', 'send back (退回)'),
  ('preliminary_review', 'in_progress', 'send back (退回)'),
  ('public_notice', 'in_progress', 'send back (退回)'),
  ('applied', 'in_progress', 'send back (退回)'),
  ('verified', 'in_progress', 'send back (退回)'),
  ('closed', 'reopened', 'reopen after a rebound (回头看反弹)');

CREATE TABLE rectify.units (
  unit_id serial PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
  region rectify.region
);
COMMENT ON TABLE rectify.units IS 'units that carry or supervise rectification (责任单位, 督导单位)';
COMMENT ON COLUMN rectify.units.name IS 'the unit''s name as the plans write it';
COMMENT ON COLUMN rectify.units.region IS 'the administrative division the unit belongs to, if known';

CREATE TABLE rectify.items (
  item_id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
  source text NOT NULL DEFAULT 'central' CHECK (source IN
    ('central', 'provincial', 'lookback', 'warning_film', 'complaint', 'proposal', 'other')),
  batch text,
  region rectify.region NOT NULL,
  category text NOT NULL DEFAULT 'other' CHECK (category IN
    ('governance', 'industry', 'energy', 'air', 'water', 'soil', 'solid_waste', 'ecology', 'other')),
  problem text NOT NULL CHECK (btrim(problem) <> ''),
  target text,
  leader text,
  deadline rectify.deadline NOT NULL,
  deadline_text text,
  assigned date NOT NULL CHECK (assigned BETWEEN '1949-10-01' AND '9999-12-31'),
  due_date date,
  original_deadline rectify.deadline NOT NULL,
  original_due_date date,
  status rectify.item_status NOT NULL DEFAULT 'registered',
  progress numeric(5,4) NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  completed_on date CHECK (completed_on >= assigned),
  closed_on date CHECK (closed_on >= completed_on),
  reopened_count integer NOT NULL DEFAULT 0 CHECK (reopened_count >= 0),
  -- the status and the dates must tell the same story
  CONSTRAINT items_completed_on_matches_status
    CHECK ((status IN ('registered', 'in_progress', 'reopened')) = (completed_on IS NULL)),
  CONSTRAINT items_closed_on_matches_status
    CHECK ((status = 'closed') = (closed_on IS NOT NULL))
);
COMMENT ON TABLE rectify.items IS 'rectification items (整改任务): one row per problem, with its deadline and lifecycle';
COMMENT ON COLUMN rectify.items.code IS 'the office''s own reference, unique';
COMMENT ON COLUMN rectify.items.source IS 'central, provincial, lookback (回头看), warning_film (警示片), complaint (信访), proposal (建议提案), other';
COMMENT ON COLUMN rectify.items.batch IS 'inspection round or batch, free text';
COMMENT ON COLUMN rectify.items.region IS 'GB/T 2260 code of the region the item belongs to';
COMMENT ON COLUMN rectify.items.category IS 'governance, industry, energy, air, water, soil, solid_waste, ecology, other';
COMMENT ON COLUMN rectify.items.problem IS '问题清单: the finding';
COMMENT ON COLUMN rectify.items.target IS '整改目标: what done looks like';
COMMENT ON COLUMN rectify.items.leader IS '牵头督导领导: the supervising leader';
COMMENT ON COLUMN rectify.items.deadline IS '整改时限, current (after any approved extension)';
COMMENT ON COLUMN rectify.items.deadline_text IS 'the deadline as written in the plan';
COMMENT ON COLUMN rectify.items.assigned IS 'the date the item was assigned (plan issued)';
COMMENT ON COLUMN rectify.items.due_date IS 'the current deadline resolved to a date; NULL for ongoing';
COMMENT ON COLUMN rectify.items.original_deadline IS 'the deadline at registration, before any extension';
COMMENT ON COLUMN rectify.items.original_due_date IS 'the due date at registration';
COMMENT ON COLUMN rectify.items.status IS 'lifecycle status; changed only through rectify functions';
COMMENT ON COLUMN rectify.items.progress IS 'reported progress, 0 to 1';
COMMENT ON COLUMN rectify.items.completed_on IS '整改完成: the date judged against the deadline';
COMMENT ON COLUMN rectify.items.closed_on IS '销号: the date the item was filed and closed';
COMMENT ON COLUMN rectify.items.reopened_count IS 'how many times a look-back reopened the item';
CREATE INDEX items_region_idx ON rectify.items (region);
CREATE INDEX items_open_due_idx ON rectify.items (due_date) WHERE completed_on IS NULL;
-- overdue(asof) within a region reads only the items overdue as of asof:
-- region range, then "still open at asof" and "due before asof" checked
-- inside the index (see rectify.overdue).
CREATE INDEX items_region_open_due_idx ON rectify.items
  (region, (coalesce(completed_on, 'infinity'::date)), due_date);

CREATE TABLE rectify.measures (
  measure_id bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  description text NOT NULL CHECK (btrim(description) <> ''),
  deadline rectify.deadline,
  completed_on date,
  UNIQUE (item_id, seq)
);
COMMENT ON TABLE rectify.measures IS '措施清单: numbered measures of an item, each may carry its own deadline';
COMMENT ON COLUMN rectify.measures.deadline IS 'the measure''s own deadline; NULL means the item''s';
COMMENT ON COLUMN rectify.measures.completed_on IS 'the date the measure was done';

CREATE TABLE rectify.responsibilities (
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  unit_id integer NOT NULL REFERENCES rectify.units,
  role text NOT NULL CHECK (role IN ('primary', 'lead_supervisor', 'co_supervisor')),
  seq integer NOT NULL DEFAULT 1 CHECK (seq > 0),
  PRIMARY KEY (item_id, unit_id, role)
);
COMMENT ON TABLE rectify.responsibilities IS
  '责任清单: primary (主体责任单位), lead_supervisor (牵头督导单位; seq 1 organises sign-off), co_supervisor (配合督导单位)';
CREATE INDEX responsibilities_unit_idx ON rectify.responsibilities (unit_id, role);

CREATE TABLE rectify.effects (
  effect_id bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  description text NOT NULL CHECK (btrim(description) <> ''),
  target_value numeric,
  achieved_value numeric,
  measure_unit text
);
COMMENT ON TABLE rectify.effects IS '效果清单: measurable results, e.g. 城市污水处理率达到96%';

CREATE TABLE rectify.events (
  event_id bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES rectify.items,
  happened_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  actor text NOT NULL DEFAULT CURRENT_USER,
  kind text NOT NULL CHECK (kind IN
    ('registered', 'status', 'sent_back', 'reopened', 'deadline_extended', 'progress')),
  from_value text,
  to_value text,
  reason text,
  approved_by text
);
COMMENT ON TABLE rectify.events IS
  'append-only history of every item: registration, status changes, send-backs, reopenings, deadline extensions (延期), progress reports';
COMMENT ON COLUMN rectify.events.happened_on IS 'the office date the change took effect (asof)';
COMMENT ON COLUMN rectify.events.recorded_at IS 'when it was written';
COMMENT ON COLUMN rectify.events.actor IS 'the database role that made the change';
COMMENT ON COLUMN rectify.events.approved_by IS 'who approved a deadline extension';
CREATE INDEX events_item_idx ON rectify.events (item_id, event_id);

COMMENT ON SEQUENCE rectify.units_unit_id_seq IS 'ids of rectify.units';
COMMENT ON SEQUENCE rectify.items_item_id_seq IS 'ids of rectify.items';
COMMENT ON SEQUENCE rectify.measures_measure_id_seq IS 'ids of rectify.measures';
COMMENT ON SEQUENCE rectify.effects_effect_id_seq IS 'ids of rectify.effects';
COMMENT ON SEQUENCE rectify.events_event_id_seq IS 'ids of rectify.events, in recording order';

SELECT pg_catalog.pg_extension_config_dump('rectify.units', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.units_unit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.items', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.items_item_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.measures', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.measures_measure_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.responsibilities', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.effects', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.effects_effect_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.events', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.events_event_id_seq', '');

-- ------------------------------------------------------------------
-- Triggers: resolved due dates, and the guard that keeps the lifecycle
-- columns in the hands of the functions that record history.
-- ------------------------------------------------------------------

-- Fill the resolved due date and the original deadline on insert; a
-- restore brings its own values and keeps them.
CREATE FUNCTION rectify.items_fill() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  NEW.original_deadline := coalesce(NEW.original_deadline, NEW.deadline);
  IF NEW.due_date IS NULL THEN
    NEW.due_date := rectify.due_date(NEW.deadline, NEW.assigned,
                                     (SELECT immediate_days FROM rectify.office));
  END IF;
  IF NEW.original_due_date IS NULL AND NEW.original_deadline = NEW.deadline THEN
    NEW.original_due_date := NEW.due_date;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_fill() IS 'trigger: resolves due dates of a new item';
CREATE TRIGGER items_fill BEFORE INSERT ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_fill();

-- Lifecycle columns change only inside rectify's functions, which record
-- the change in rectify.events; anything else would leave no history.
CREATE FUNCTION rectify.items_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF coalesce(current_setting('rectify.in_api', true), '') <> 'on' AND
     (NEW.status, NEW.deadline, NEW.due_date, NEW.assigned, NEW.progress,
      NEW.completed_on, NEW.closed_on, NEW.reopened_count,
      NEW.original_deadline, NEW.original_due_date)
     IS DISTINCT FROM
     (OLD.status, OLD.deadline, OLD.due_date, OLD.assigned, OLD.progress,
      OLD.completed_on, OLD.closed_on, OLD.reopened_count,
      OLD.original_deadline, OLD.original_due_date) THEN
    RAISE EXCEPTION 'lifecycle fields of rectification item "%" can only be changed through rectify functions', OLD.code
      USING ERRCODE = 'check_violation',
            DETAIL = 'status, deadline, dates, progress and reopenings are recorded in rectify.events.',
            HINT = 'Use rectify.advance(), rectify.report_progress(), rectify.extend_deadline() or rectify.reopen().';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION rectify.items_guard() IS 'trigger: lifecycle columns change only through rectify functions';
CREATE TRIGGER items_guard BEFORE UPDATE ON rectify.items
  FOR EACH ROW EXECUTE FUNCTION rectify.items_guard();

-- The history is evidence: rows are added, never changed or removed.
CREATE FUNCTION rectify.events_append_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'rectify.events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a correction as a new event instead.';
END $$;
COMMENT ON FUNCTION rectify.events_append_only() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE on rectify.events';
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON rectify.events
  FOR EACH ROW EXECUTE FUNCTION rectify.events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON rectify.events
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.events_append_only();
