-- ------------------------------------------------------------------
-- Traffic lights (红黄绿灯): the colour an office gives an item on a date.
--
--   red     overdue (逾期): open and past its due date
--   yellow  due within the warning window (warning_days, due today
--           included), or lagging behind 序时进度 by lag_threshold or more
--   green   open and on track
--   blue    ongoing (持续推进): open with no due date
--   closed  completed (整改完成) by the date, whether or not signed off
--
-- IMMUTABLE: everything comes in as an argument, so a past date's light
-- is computed from that date's row (rectify.item_states) and the caller's
-- settings, never from now().  The ledger, the scoring functions and the
-- BI views pass rectify.office's warning_days and lag_threshold.
-- ------------------------------------------------------------------

CREATE TYPE rectify.light AS ENUM ('red', 'yellow', 'green', 'blue', 'closed');
COMMENT ON TYPE rectify.light IS
  'traffic light (红黄绿灯) of an item on a date, most urgent first: red (红灯, overdue), yellow (黄灯, due within the warning window or lagging 序时进度), green (绿灯, on track), blue (蓝灯, ongoing: no due date), closed (completed)';

-- A SQL expression the planner inlines into the reports; due_state (C)
-- decides overdue, due soon, ongoing and completed with the ledger's own
-- rule, and raises 22008 for an infinite date.
CREATE FUNCTION rectify.light(due date, completed date, asof date,
                              progress numeric DEFAULT NULL,
                              expected_progress numeric DEFAULT NULL,
                              warning_days integer DEFAULT 15,
                              lag_threshold numeric DEFAULT 0.20)
  RETURNS rectify.light
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE rectify.due_state(due, completed, asof, warning_days)
           WHEN 'closed_on_time' THEN 'closed'::rectify.light
           WHEN 'closed_late' THEN 'closed'::rectify.light
           WHEN 'overdue' THEN 'red'::rectify.light
           WHEN 'ongoing' THEN 'blue'::rectify.light
           WHEN 'due_today' THEN 'yellow'::rectify.light
           WHEN 'due_soon' THEN 'yellow'::rectify.light
           WHEN 'not_due' THEN
             CASE WHEN expected_progress - progress >= lag_threshold
                  THEN 'yellow'::rectify.light ELSE 'green'::rectify.light END
         END;
COMMENT ON FUNCTION rectify.light(date, date, date, numeric, numeric, integer, numeric) IS
  'the traffic light on asof of an item with this due date (NULL: ongoing) and completion date (NULL while open): closed if completed by asof, red if past due, blue if ongoing, yellow if due within warning_days or if expected_progress (序时进度) - progress >= lag_threshold, else green; NULL when asof is NULL';
