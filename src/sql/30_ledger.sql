-- ------------------------------------------------------------------
-- The ledger (整改台账): items with their four lists (问题/措施/责任/效果
-- 清单) and units.  The event history is in 33_events.sql.
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

-- The escalation ladder's levels (跟踪督办); the thresholds are in
-- 55_escalation.sql.
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


CREATE TABLE rectify.units (
  unit_id serial PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
  region rectify.region
);
COMMENT ON TABLE rectify.units IS 'units that carry or supervise rectification (责任单位, 督导单位)';
COMMENT ON COLUMN rectify.units.name IS 'the unit''s name as the plans write it';
COMMENT ON COLUMN rectify.units.region IS 'the administrative division the unit belongs to, if known';

-- Where an item comes from and what it is about: one list each, used by
-- the tables' CHECK constraints, register_item(), import_items() and the
-- escalation policy, and shown in their hints.
CREATE FUNCTION rectify.item_sources() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['central', 'provincial', 'lookback', 'warning_film', 'complaint', 'proposal', 'other'];
COMMENT ON FUNCTION rectify.item_sources() IS
  'the sources of an item: central, provincial, lookback (回头看), warning_film (警示片), complaint (信访), proposal (建议提案), other';
CREATE FUNCTION rectify.item_categories() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['governance', 'industry', 'energy', 'air', 'water', 'soil', 'solid_waste', 'ecology', 'other'];
COMMENT ON FUNCTION rectify.item_categories() IS
  'the categories of an item: governance, industry, energy, air, water, soil, solid_waste, ecology, other';

CREATE TABLE rectify.items (
  item_id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
  source text NOT NULL DEFAULT 'central' CHECK (source = ANY (rectify.item_sources())),
  batch text,
  region rectify.region NOT NULL,
  category text NOT NULL DEFAULT 'other' CHECK (category = ANY (rectify.item_categories())),
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
  last_reopened date,
  escalation_level rectify.escalation_level NOT NULL DEFAULT 'none',
  escalated_on date,
  peak_level rectify.escalation_level NOT NULL DEFAULT 'none',
  escalation_next date,
  calendar text NOT NULL REFERENCES rectify.calendars,
  calendar_version bigint,
  source_ref text,
  note text,
  -- the row is the item's state from valid_from on, as recorded at
  -- recorded_at: a report for an earlier date, or as known before then,
  -- rebuilds the state from rectify.events (rectify.item_states)
  valid_from date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
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
COMMENT ON COLUMN rectify.items.last_reopened IS 'the day of the last reopening (NULL if never): 序时进度 counts from it';
COMMENT ON COLUMN rectify.items.peak_level IS 'the highest escalation level the item ever reached (kept after completion)';
COMMENT ON COLUMN rectify.items.valid_from IS
  'valid time: the date of the latest fact in this row (the row is the item''s state on every date from it on)';
COMMENT ON COLUMN rectify.items.recorded_at IS 'recorded time: when the latest fact in this row was recorded';
COMMENT ON COLUMN rectify.items.escalation_level IS
  'current escalation level (跟踪督办); never lowered while the item is open, back to none when it is completed';
COMMENT ON COLUMN rectify.items.escalated_on IS 'the asof of the last escalation step';
COMMENT ON COLUMN rectify.items.escalation_next IS
  'the first date on which the level can rise (a ladder threshold or the lag threshold is crossed); NULL when it cannot: completed, ongoing, or at the top. Maintained by trigger';
COMMENT ON COLUMN rectify.items.source_ref IS 'the document the item comes from (督察反馈意见, 整改方案), as the list cites it';
COMMENT ON COLUMN rectify.items.note IS 'free text the office keeps with the item';
COMMENT ON COLUMN rectify.items.calendar IS
  'the working-day calendar of the item: the calendar of its region (most specific) at registration, else cn';
COMMENT ON COLUMN rectify.items.calendar_version IS
  'the calendar version the due date was resolved with (NULL if no calendar was needed); frozen once the item is completed';

CREATE INDEX items_region_idx ON rectify.items (region);
CREATE INDEX items_open_due_idx ON rectify.items (due_date) WHERE completed_on IS NULL;
-- overdue(asof) within a region reads only the items overdue as of asof:
-- region range, then "still open at asof" and "due before asof" checked
-- inside the index (see rectify.overdue).
CREATE INDEX items_region_open_due_idx ON rectify.items
  (region, (coalesce(completed_on, 'infinity'::date)), due_date);
-- the same without a region: overdue(asof) for any date reads the items
-- still open at asof (completed later or not at all), due before it
CREATE INDEX items_open_at_idx ON rectify.items
  ((coalesce(completed_on, 'infinity'::date)), due_date);
-- rectify.item_states reads an earlier version for the items that
-- changed after the report's date, and rebuilds those recorded after its
-- known_at: found through these two, not by reading every item
CREATE INDEX items_valid_from_idx ON rectify.items (valid_from);
CREATE INDEX items_recorded_at_idx ON rectify.items (recorded_at);
CREATE INDEX items_escalation_next_idx ON rectify.items (escalation_next)
  WHERE escalation_next IS NOT NULL;
COMMENT ON INDEX rectify.items_escalation_next_idx IS
  'rectify.escalate(asof) reads only items whose escalation_next has come';

CREATE TABLE rectify.measures (
  measure_id bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  description text NOT NULL CHECK (btrim(description) <> ''),
  deadline rectify.deadline,
  completed_on date,
  added_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  completed_recorded_at timestamptz,
  UNIQUE (item_id, seq),
  -- measure_states() resolves a measure's due date with the IMMUTABLE
  -- functions: refuse a deadline that needs a calendar rather than fail
  -- later in every report
  CONSTRAINT measures_deadline_needs_no_calendar
    CHECK (deadline IS NULL OR NOT rectify.needs_calendar(deadline))
);
COMMENT ON TABLE rectify.measures IS '措施清单: numbered measures of an item, each may carry its own deadline';
COMMENT ON COLUMN rectify.measures.deadline IS 'the measure''s own deadline; NULL means the item''s';
COMMENT ON COLUMN rectify.measures.completed_on IS 'the date the measure was done';
COMMENT ON COLUMN rectify.measures.added_on IS 'valid time: the day the measure was added to the plan';
COMMENT ON COLUMN rectify.measures.recorded_at IS 'recorded time: when the measure was added';
COMMENT ON COLUMN rectify.measures.completed_recorded_at IS 'recorded time: when its completion was recorded';

CREATE TABLE rectify.responsibilities (
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  unit_id integer NOT NULL REFERENCES rectify.units,
  role text NOT NULL CHECK (role IN ('primary', 'lead_supervisor', 'co_supervisor')),
  seq integer NOT NULL DEFAULT 1 CHECK (seq > 0),
  since date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (item_id, unit_id, role)
);
COMMENT ON TABLE rectify.responsibilities IS
  '责任清单: primary (主体责任单位), lead_supervisor (牵头督导单位; seq 1 organises sign-off), co_supervisor (配合督导单位)';
COMMENT ON COLUMN rectify.responsibilities.since IS 'valid time: the day the unit became responsible';
COMMENT ON COLUMN rectify.responsibilities.recorded_at IS 'recorded time: when the assignment was recorded';
CREATE INDEX responsibilities_unit_idx ON rectify.responsibilities (unit_id, role);

-- Responsibilities that ended (rectify.unassign_unit): the row as it was,
-- with the day it ended and when that was recorded, so that "who was
-- responsible on D, as known at K" keeps its answer (rectify.responsibilities_at).
CREATE TABLE rectify.responsibilities_ended (
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  unit_id integer NOT NULL REFERENCES rectify.units,
  role text NOT NULL,
  seq integer NOT NULL,
  since date NOT NULL,
  recorded_at timestamptz NOT NULL,
  ended_on date NOT NULL CHECK (ended_on >= since),
  ended_recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE rectify.responsibilities_ended IS
  'responsibilities that ended: the unit was responsible from since to the day before ended_on (recorded at ended_recorded_at)';
CREATE INDEX responsibilities_ended_item_idx ON rectify.responsibilities_ended (item_id);

CREATE TABLE rectify.effects (
  effect_id bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  description text NOT NULL CHECK (btrim(description) <> ''),
  target_value numeric,
  achieved_value numeric,
  measure_unit text
);
COMMENT ON TABLE rectify.effects IS '效果清单: measurable results, e.g. 城市污水处理率达到96%';

COMMENT ON SEQUENCE rectify.units_unit_id_seq IS 'ids of rectify.units';
COMMENT ON SEQUENCE rectify.items_item_id_seq IS 'ids of rectify.items';
COMMENT ON SEQUENCE rectify.measures_measure_id_seq IS 'ids of rectify.measures';
COMMENT ON SEQUENCE rectify.effects_effect_id_seq IS 'ids of rectify.effects';

SELECT pg_catalog.pg_extension_config_dump('rectify.units', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.units_unit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.items', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.items_item_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.measures', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.measures_measure_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.responsibilities', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.responsibilities_ended', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.effects', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.effects_effect_id_seq', '');
