-- ------------------------------------------------------------------
-- rectify.deadline: 整改时限, parsed from the plans' own words.
-- ------------------------------------------------------------------

-- Declared by rectify.create_base_type (19_base_types.sql): the I/O
-- functions deadline_in/_out/_recv/_send, deadline_lt ... deadline_ne,
-- deadline_cmp, deadline_hash(_extended), the operators < <= = >= > <>
-- and the btree and hash classes deadline_ops.  Order: fixed dates in
-- calendar order, then immediate, then ongoing (deadline.c); equal
-- deadlines have equal bits, so the int8 hash functions fit exactly.
CALL rectify.create_base_type('rectify.deadline',
  'INTERNALLENGTH = 8, PASSEDBYVALUE, ALIGNMENT = double, STORAGE = plain',
  compared_by => 'C', hashed_by => 'int8',
  order_name => 'fixed dates in calendar order, then immediate, then ongoing');
COMMENT ON TYPE rectify.deadline IS
  'rectification deadline (整改时限): a date, a date to be sustained, immediate, immediate then ongoing, or ongoing';

CREATE CAST (text AS rectify.deadline) WITH INOUT AS ASSIGNMENT;
CREATE CAST (rectify.deadline AS text) WITH INOUT;

-- ------------------------------------------------------------------
-- Deadline states and arithmetic.  IMMUTABLE: they depend only on their
-- arguments; the office's settings reach them as parameters (the ledger
-- passes rectify.office's values).
-- ------------------------------------------------------------------

CREATE TYPE rectify.deadline_state AS ENUM
  ('not_due', 'due_soon', 'due_today', 'overdue', 'closed_on_time', 'closed_late', 'ongoing');
COMMENT ON TYPE rectify.deadline_state IS
  'where an item stands against its deadline: not_due, due_soon (预警), due_today, overdue (逾期), closed_on_time (按期完成), closed_late (逾期完成), ongoing (持续推进)';

CREATE FUNCTION rectify.due_date(deadline rectify.deadline, assigned date,
                                 immediate_days integer DEFAULT 30)
  RETURNS date AS 'MODULE_PATHNAME', 'deadline_due_date'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.due_date(rectify.deadline, date, integer) IS
  'the due date: the deadline''s date, assigned + immediate_days for immediate, NULL for ongoing';

CREATE FUNCTION rectify.deadline_state(deadline rectify.deadline, assigned date, closed date,
                                       asof date DEFAULT rectify.today(),
                                       warning_days integer DEFAULT 15,
                                       immediate_days integer DEFAULT 30)
  RETURNS rectify.deadline_state AS 'MODULE_PATHNAME', 'deadline_state'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.deadline_state(rectify.deadline, date, date, date, integer, integer) IS
  'the deadline state as of asof; closed is the completion date (NULL while open)';

CREATE FUNCTION rectify.days_overdue(deadline rectify.deadline, assigned date, closed date,
                                     asof date DEFAULT rectify.today(),
                                     immediate_days integer DEFAULT 30)
  RETURNS integer AS 'MODULE_PATHNAME', 'deadline_days_overdue'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.days_overdue(rectify.deadline, date, date, date, integer) IS
  'days past the due date as of asof (or at closing for a closed item); 0 when on time or ongoing';

CREATE FUNCTION rectify.expected_progress(deadline rectify.deadline, assigned date, asof date,
                                          immediate_days integer DEFAULT 30)
  RETURNS numeric AS 'MODULE_PATHNAME', 'deadline_expected_progress'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.expected_progress(rectify.deadline, date, date, integer) IS
  'time-proportional progress (序时进度): elapsed share from assigned to due, in [0,1]; NULL for ongoing';

CREATE FUNCTION rectify.is_ongoing(rectify.deadline) RETURNS boolean AS 'MODULE_PATHNAME', 'deadline_is_ongoing' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.is_ongoing(rectify.deadline) IS
  'true for ongoing and immediate, ongoing: no due date, never overdue';

CREATE FUNCTION rectify.sustains(rectify.deadline) RETURNS boolean AS 'MODULE_PATHNAME', 'deadline_sustains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.sustains(rectify.deadline) IS
  'true when the work must be kept up after closing (sustain, ongoing): a look-back may reopen it';

CREATE FUNCTION rectify.deadline_kind(rectify.deadline) RETURNS text AS 'MODULE_PATHNAME', 'deadline_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.deadline_kind(rectify.deadline) IS
  'date, immediate or ongoing';

CREATE FUNCTION rectify.due_state(due date, closed date, asof date DEFAULT rectify.today(),
                                  warning_days integer DEFAULT 15)
  RETURNS rectify.deadline_state AS 'MODULE_PATHNAME', 'deadline_due_state'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.due_state(date, date, date, integer) IS
  'the deadline state for a due date already resolved (NULL due = ongoing), as the ledger stores it';

-- Days overdue for a due date already resolved (NULL due = ongoing): the
-- one rule the ledger, the scorecards and the escalation all use.
CREATE FUNCTION rectify.due_days_overdue(due date, closed date, asof date)
  RETURNS integer AS 'MODULE_PATHNAME', 'deadline_due_days_overdue'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.due_days_overdue(date, date, date) IS
  'days past an already resolved due date: to the completion date if completed by asof, else to asof; 0 when not past due or ongoing (NULL due)';

-- 序时进度 from the item's stored due date, so that every form of deadline
-- (including those resolved against a working-day calendar) is judged the
-- same way.
CREATE FUNCTION rectify.due_progress(due date, assigned date, asof date) RETURNS numeric AS 'MODULE_PATHNAME', 'deadline_due_progress' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rectify.due_progress(date, date, date) IS
  'time-proportional progress (序时进度) for a due date already resolved: elapsed share from assigned to due, in [0,1]; NULL for ongoing';

COMMENT ON CAST (text AS rectify.deadline) IS 'parses a deadline as written in a plan';
COMMENT ON CAST (rectify.deadline AS text) IS 'the canonical English form';

-- A fixed-date deadline from a due date already resolved: lets IMMUTABLE
-- code judge working-day items by their stored due date.
CREATE FUNCTION rectify.deadline(date) RETURNS rectify.deadline AS 'MODULE_PATHNAME', 'deadline_from_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rectify.deadline(date) IS 'the fixed-date deadline of a date (years 1000 to 9999)';
CREATE CAST (date AS rectify.deadline) WITH FUNCTION rectify.deadline(date);
COMMENT ON CAST (date AS rectify.deadline) IS 'a fixed-date deadline';

