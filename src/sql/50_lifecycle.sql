-- ------------------------------------------------------------------
-- The lifecycle (整改 → 销号): every change of an item goes through one of
-- these functions, which check the date, lock the item, change it and
-- record the change in rectify.events.  The functions that write run as
-- their owner (SECURITY DEFINER, pinned search_path); items_guard and the
-- triggers of 32_access.sql check the caller.
-- ------------------------------------------------------------------

-- item(code): the id of the item with this code, for the functions that
-- take an item id (offices work by code): rectify.advance(rectify.item('YZ-03'), ...).
-- It reads as the caller, so an item the caller may not see is as missing.
CREATE FUNCTION rectify.item(code text) RETURNS bigint
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  id bigint;
BEGIN
  SELECT i.item_id INTO id FROM rectify.items i WHERE i.code = btrim(item.code);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no rectification item has code "%"', coalesce(code, 'NULL')
      USING ERRCODE = 'no_data_found',
            HINT = 'rectify.ledger() lists the items you may see with their codes.';
  END IF;
  RETURN id;
END $$;
COMMENT ON FUNCTION rectify.item(text) IS
  'the id of the item with this code (P0002 if there is none the caller may see), for every function that takes an item id';

-- lock_item: the item, locked for a change.  A caller who may not see the
-- item is refused with 42501 whether or not it exists (no probing for ids).
CREATE FUNCTION rectify.lock_item(item bigint) RETURNS rectify.items
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items;
BEGIN
  PERFORM rectify.require_primary('a change to an item');
  IF item IS NOT NULL AND NOT rectify.may_see_item(item)
     AND NOT (rectify.caller_is('admin') OR rectify.caller_is('verifier')) THEN
    PERFORM rectify.deny(format('rectification item %s is not visible to %s', item, rectify.caller()));
  END IF;
  SELECT * INTO it FROM rectify.items WHERE item_id = item FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rectification item % does not exist', coalesce(item::text, 'NULL')
      USING ERRCODE = 'no_data_found';
  END IF;
  RETURN it;
END $$;
COMMENT ON FUNCTION rectify.lock_item(bigint) IS
  'locks an item row for a lifecycle change; 42501 if the caller may not see it, P0002 if it does not exist';

-- A fact is dated by the day it took effect: a real day, never after the
-- office's today (it is recorded once it has happened) and never before
-- the item was assigned.
CREATE FUNCTION rectify.check_fact_date(it rectify.items, on_date date) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.require_date(on_date, format('the date of a change to item "%s"', it.code), NULL);
  IF on_date > rectify.today() THEN
    RAISE EXCEPTION 'date % of a change to item "%" is after today', on_date, it.code
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Today is %s in the office''s time zone.', rectify.today()),
            HINT = 'Record a change on or after the day it happened, dated that day.';
  END IF;
  IF on_date < it.assigned THEN
    RAISE EXCEPTION 'date % is before item "%" was assigned (%)', on_date, it.code, it.assigned
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Date the change on or after the day the item was assigned.';
  END IF;
END $$;
COMMENT ON FUNCTION rectify.check_fact_date(rectify.items, date) IS
  'refuses a change dated after today or before the item was assigned (22023)';

-- A status change must also not precede the item's last status change:
-- the history reads in order, so a look-back cannot reopen an item on a
-- day before it was closed.
CREATE FUNCTION rectify.check_on_date(it rectify.items, on_date date) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  PERFORM rectify.check_fact_date(it, on_date);
  PERFORM rectify.check_in_order(it, on_date, ARRAY['registered', 'status', 'sent_back', 'reopened'],
                                 'the last status change');
END $$;
COMMENT ON FUNCTION rectify.check_on_date(rectify.items, date) IS
  'refuses a change dated after today, before the item was assigned or before its last status change (22023)';

-- A completion dated on or before a recorded escalation step of the open
-- item contradicts the history: the item was escalated because it was
-- still open on that day.
CREATE FUNCTION rectify.check_not_escalated_after(it rectify.items, on_date date) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  step rectify.events;
BEGIN
  SELECT * INTO step FROM rectify.events e
   WHERE e.item_id = it.item_id AND e.kind IN ('escalated', 'escalated_manually')
     AND e.happened_on >= on_date
     AND e.event_id > coalesce((SELECT max(r.event_id) FROM rectify.events r
                                 WHERE r.item_id = it.item_id AND r.kind = 'reopened'), 0)
   ORDER BY e.happened_on DESC, e.event_id DESC LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'item "%" was escalated to % on % while open: it cannot have been completed on %',
                    it.code, step.to_value, step.happened_on, on_date
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('Date the completion after %s.', step.happened_on);
  END IF;
END $$;
COMMENT ON FUNCTION rectify.check_not_escalated_after(rectify.items, date) IS
  'refuses a completion dated on or before an escalation step recorded while the item was open (22023)';

-- Facts of one kind are recorded in the order they took effect, so that
-- the item's row (the latest of each) and the state rebuilt from the
-- history for any date (rectify.item_states) tell the same story.
CREATE FUNCTION rectify.check_in_order(it rectify.items, on_date date, kinds text[], what text)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  last_on date;
  last_fact text;
BEGIN
  SELECT e.happened_on, CASE WHEN e.kind IN ('registered', 'status', 'sent_back', 'reopened') THEN e.to_value ELSE e.kind END
    INTO last_on, last_fact
    FROM rectify.events e
   WHERE e.item_id = it.item_id AND e.kind = ANY (kinds)
   ORDER BY e.happened_on DESC, e.event_id DESC LIMIT 1;
  IF on_date < last_on THEN
    RAISE EXCEPTION 'date % is before % of item "%" (% on %)', on_date, what, it.code, last_fact, last_on
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Changes are recorded in order; date this one on or after that day.';
  END IF;
END $$;
COMMENT ON FUNCTION rectify.check_in_order(rectify.items, date, text[], text) IS
  'refuses a fact dated before the last recorded fact of the same kinds of the item (22023)';

-- Raise 22023 unless a date argument is a real day (not NULL, not
-- ±infinity), quoting it; every function that takes a date says which.
CREATE FUNCTION rectify.require_date(value date, what text,
                                     hint text DEFAULT 'Give a date such as 2022-06-20, or omit it for rectify.today().')
  RETURNS date
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF value IS NOT NULL AND isfinite(value) THEN
    RETURN value;
  ELSIF hint IS NULL THEN
    RAISE EXCEPTION '% must be a finite date, not %', what, coalesce(value::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  ELSE
    RAISE EXCEPTION '% must be a finite date, not %', what, coalesce(value::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', HINT = hint;
  END IF;
END $$;
COMMENT ON FUNCTION rectify.require_date(date, text, text) IS
  'raises 22023 (quoting the value, with the hint) unless a date argument is a finite date; returns it';

-- Raise 22023 unless a required text argument is present.
CREATE FUNCTION rectify.require_text(value text, what text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF value IS NULL OR btrim(value) = '' THEN
    RAISE EXCEPTION '% is required', what
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN value;
END $$;
COMMENT ON FUNCTION rectify.require_text(text, text) IS 'raises 22023 when a required text argument is NULL or blank';

-- The unit with this name, created if new.
CREATE FUNCTION rectify.unit(name text, region rectify.region DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  id integer;
BEGIN
  -- it runs as the owner so that an administrator can create units; the
  -- caller is checked first
  PERFORM rectify.require_admin('rectify.unit()', 'create units');
  PERFORM rectify.require_text(name, 'unit name');
  INSERT INTO rectify.units AS u (name, region) VALUES (btrim(unit.name), unit.region)
    ON CONFLICT ON CONSTRAINT units_name_key
    DO UPDATE SET region = coalesce(u.region, EXCLUDED.region)
    RETURNING unit_id INTO id;
  RETURN id;
END $$;
COMMENT ON FUNCTION rectify.unit(text, rectify.region) IS 'the id of the unit with this name, created if new';

CREATE FUNCTION rectify.register_item(
    code text, region rectify.region, problem text, deadline_text text, assigned date,
    category text DEFAULT 'other', source text DEFAULT 'central', target text DEFAULT NULL,
    leader text DEFAULT NULL, batch text DEFAULT NULL, source_ref text DEFAULT NULL, note text DEFAULT NULL)
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  id bigint;
  due date;
BEGIN
  PERFORM rectify.require_primary('rectify.register_item()');
  PERFORM rectify.require_text(code, 'item code');
  PERFORM rectify.require_text(problem, 'problem text');
  PERFORM rectify.require_text(deadline_text, 'deadline');
  IF region IS NULL OR assigned IS NULL OR NOT isfinite(assigned) THEN
    RAISE EXCEPTION 'item "%" needs a region and a finite assigned date, not % and %',
          code, coalesce(region::text, 'NULL'), coalesce(assigned::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF category IS NULL OR NOT category = ANY (rectify.item_categories()) THEN
    RAISE EXCEPTION 'unknown category "%" for item "%"', category, code
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Categories: ' || array_to_string(rectify.item_categories(), ', ') || '.';
  END IF;
  IF source IS NULL OR NOT source = ANY (rectify.item_sources()) THEN
    RAISE EXCEPTION 'unknown source "%" for item "%"', source, code
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Sources: ' || array_to_string(rectify.item_sources(), ', ') || '.';
  END IF;
  IF EXISTS (SELECT FROM rectify.items i WHERE i.code = register_item.code) THEN
    RAISE EXCEPTION 'a rectification item with code "%" already exists', code
      USING ERRCODE = 'unique_violation',
            HINT = 'Codes are unique in a ledger: give the item a code of its own.';
  END IF;
  INSERT INTO rectify.items (code, region, problem, deadline, deadline_text, assigned,
                             category, source, target, leader, batch, source_ref, note)
    VALUES (register_item.code, register_item.region, register_item.problem,
            register_item.deadline_text::rectify.deadline, register_item.deadline_text,
            register_item.assigned, register_item.category, register_item.source,
            register_item.target, register_item.leader, register_item.batch,
            register_item.source_ref, register_item.note)
    RETURNING item_id, items.due_date INTO id, due;
  INSERT INTO rectify.events (item_id, happened_on, kind, to_value, due_date)
    VALUES (id, register_item.assigned, 'registered', 'registered', due);
  RETURN id;
END $$;
COMMENT ON FUNCTION rectify.register_item(text, rectify.region, text, text, date, text, text, text, text, text, text, text) IS
  'registers a rectification item; the deadline is given as written in the plan and parsed';

CREATE FUNCTION rectify.assign_unit(item bigint, unit_name text, role text DEFAULT 'primary',
                                    on_date date DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
BEGIN
  -- without a date, the unit is responsible from the assignment (the plan's list)
  on_date := coalesce(on_date, it.assigned);
  PERFORM rectify.check_fact_date(it, on_date);
  IF role IS NULL OR role NOT IN ('primary', 'lead_supervisor', 'co_supervisor') THEN
    RAISE EXCEPTION 'unknown responsibility role "%"', role
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Roles: primary (主体责任单位), lead_supervisor (牵头督导单位), co_supervisor (配合督导单位).';
  END IF;
  INSERT INTO rectify.responsibilities AS r (item_id, unit_id, role, seq, since)
    SELECT it.item_id, rectify.unit(unit_name), assign_unit.role,
           coalesce(max(r2.seq), 0) + 1, on_date
      FROM rectify.responsibilities r2
     WHERE r2.item_id = it.item_id AND r2.role = assign_unit.role
    ON CONFLICT DO NOTHING;
  -- the addition is recorded here, not by the audit trigger, so that rows a
  -- restore copies in add no history
  IF FOUND THEN
    INSERT INTO rectify.events (item_id, happened_on, kind, to_value)
      VALUES (it.item_id, on_date, 'responsibility_added', assign_unit.role || ': ' || btrim(unit_name));
  END IF;
END $$;
COMMENT ON FUNCTION rectify.assign_unit(bigint, text, text, date) IS
  'adds a unit to an item''s responsibility list as primary, lead_supervisor or co_supervisor (in order), responsible from on_date (default: the item''s assigned date)';

CREATE FUNCTION rectify.add_measure(item bigint, description text, deadline_text text DEFAULT NULL,
                                    on_date date DEFAULT NULL)
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
  id bigint;
BEGIN
  PERFORM rectify.require_text(description, 'the text of a measure');
  -- without a date, the measure is part of the plan from the assignment
  on_date := coalesce(on_date, it.assigned);
  PERFORM rectify.check_fact_date(it, on_date);
  INSERT INTO rectify.measures (item_id, seq, description, deadline, added_on)
    SELECT it.item_id, coalesce(max(m.seq), 0) + 1, add_measure.description,
           add_measure.deadline_text::rectify.deadline, on_date
      FROM rectify.measures m WHERE m.item_id = it.item_id
    RETURNING measure_id INTO id;
  RETURN id;
END $$;
COMMENT ON FUNCTION rectify.add_measure(bigint, text, text, date) IS
  'adds the next numbered measure to an item, with its own deadline if given, in the plan from on_date (default: the item''s assigned date)';

-- advance(item, to_status, on_date, reason): the one door for status
-- changes.  Sending back (退回) and reopening need a reason.
CREATE FUNCTION rectify.advance(item bigint, to_status rectify.item_status,
                                on_date date DEFAULT rectify.today(), reason text DEFAULT NULL)
  RETURNS rectify.item_status
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
  act text;
  allowed text;
  event_kind text;
BEGIN
  IF to_status IS NULL THEN
    RAISE EXCEPTION 'target status must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT t.action INTO act FROM rectify.transitions t
   WHERE t.from_status = it.status AND t.to_status = advance.to_status;
  IF NOT FOUND THEN
    SELECT string_agg(t.to_status::text, ', ' ORDER BY t.to_status) INTO allowed
      FROM rectify.transitions t WHERE t.from_status = it.status;
    RAISE EXCEPTION 'illegal status change for item "%": % → %', it.code, it.status, to_status
      USING ERRCODE = 'check_violation',
            HINT = format('From %s the item can go to: %s.', it.status, coalesce(allowed, 'nothing'));
  END IF;
  PERFORM rectify.check_on_date(it, on_date);
  -- an item escalated while open was not complete on that day, and an item
  -- is complete when its measures with an end date are
  IF to_status = 'completed' THEN
    PERFORM rectify.check_not_escalated_after(it, on_date);
    -- a completion sets the progress to 1: not before the last report
    PERFORM rectify.check_in_order(it, on_date, ARRAY['progress'], 'the last progress report');
    SELECT string_agg(format('%s. %s', m.seq, m.description), '; ' ORDER BY m.seq) INTO allowed
      FROM rectify.measures m
     WHERE m.item_id = it.item_id AND m.completed_on IS NULL
       AND NOT rectify.is_ongoing(coalesce(m.deadline, it.deadline));
    IF allowed IS NOT NULL THEN
      RAISE EXCEPTION 'item "%" cannot be completed while measures with an end date are open: %', it.code, allowed
        USING ERRCODE = 'check_violation',
              HINT = 'Record each as done with rectify.complete_measure(measure, date) first; ongoing measures (持续推进) do not hold an item back.';
    END IF;
  END IF;
  event_kind := CASE WHEN to_status = 'reopened' THEN 'reopened'
                     WHEN to_status = 'in_progress' AND it.status NOT IN ('registered', 'reopened')
                       THEN 'sent_back'
                     ELSE 'status' END;
  IF event_kind <> 'status' THEN
    PERFORM rectify.require_text(reason, 'a reason for ' || act);
  END IF;

  UPDATE rectify.items i SET
    status = advance.to_status,
    completed_on = CASE WHEN advance.to_status = 'completed' THEN on_date
                        WHEN advance.to_status IN ('in_progress', 'reopened') THEN NULL
                        ELSE i.completed_on END,
    closed_on = CASE WHEN advance.to_status = 'closed' THEN on_date ELSE NULL END,
    progress = CASE WHEN advance.to_status = 'completed' THEN 1 ELSE i.progress END,
    reopened_count = i.reopened_count + (advance.to_status = 'reopened')::integer,
    last_reopened = CASE WHEN advance.to_status = 'reopened' THEN on_date ELSE i.last_reopened END,
    valid_from = greatest(i.valid_from, on_date), recorded_at = pg_catalog.now()
  WHERE i.item_id = it.item_id;

  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
    VALUES (it.item_id, on_date, event_kind, it.status::text, to_status::text, advance.reason);
  RETURN to_status;
END $$;
COMMENT ON FUNCTION rectify.advance(bigint, rectify.item_status, date, text) IS
  'moves an item along its lifecycle (see rectify.transitions); refuses illegal moves with 23514 and records the change';

CREATE FUNCTION rectify.reopen(item bigint, reason text, on_date date DEFAULT rectify.today())
  RETURNS rectify.item_status
  LANGUAGE sql
  RETURN rectify.advance(item, 'reopened', on_date, reason);
COMMENT ON FUNCTION rectify.reopen(bigint, text, date) IS
  'reopens a closed item whose problem came back (回头看发现反弹); a reason is required';

CREATE FUNCTION rectify.report_progress(item bigint, progress numeric,
                                        on_date date DEFAULT rectify.today(), note text DEFAULT NULL)
  RETURNS numeric
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
BEGIN
  IF progress IS NULL OR progress < 0 OR progress > 1 THEN
    RAISE EXCEPTION 'progress must be between 0 and 1, not %', coalesce(progress::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Report progress as a fraction: 0.6 for 60%.';
  END IF;
  IF it.status NOT IN ('registered', 'in_progress', 'reopened') THEN
    RAISE EXCEPTION 'progress can only be reported on open items; item "%" is %', it.code, it.status
      USING ERRCODE = 'check_violation',
            HINT = 'Send the item back (rectify.advance(item, ''in_progress'', ...)) to reopen the work.';
  END IF;
  PERFORM rectify.check_on_date(it, on_date);
  PERFORM rectify.check_in_order(it, on_date, ARRAY['progress'], 'the last progress report');
  IF it.status = 'registered' AND progress > 0 THEN
    PERFORM rectify.advance(item, 'in_progress', on_date);
  END IF;
  UPDATE rectify.items i SET progress = round(report_progress.progress, 4),
    valid_from = greatest(i.valid_from, on_date), recorded_at = pg_catalog.now()
   WHERE i.item_id = it.item_id;
  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
    VALUES (it.item_id, on_date, 'progress', it.progress::text, round(progress, 4)::text, note);
  RETURN round(progress, 4);
END $$;
COMMENT ON FUNCTION rectify.report_progress(bigint, numeric, date, text) IS
  'records the reported progress (0 to 1) of an open item; a first report starts the item';

-- ledger(asof, known_at): the office's view of every item on a date, as
-- known at a moment (rectify.item_states).  序时进度 of a deadline that
-- needs a calendar, or of a reopened item, is computed from the due date
-- (expected_progress is IMMUTABLE and cannot read a calendar, and counts
-- from the assignment); after a reopening it counts from the reopening.
CREATE FUNCTION rectify.ledger(asof date DEFAULT rectify.today(),
                               known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (item_id bigint, code text, region rectify.region, category text,
                 source text, status rectify.item_status, deadline rectify.deadline,
                 assigned date, due_date date, original_due_date date, extended boolean,
                 state rectify.deadline_state, days_overdue integer,
                 expected_progress numeric, progress numeric,
                 completed_on date, closed_on date, closed_within_extension boolean,
                 primary_units text, escalation_level rectify.escalation_level,
                 light rectify.light)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT i.item_id, i.code, i.region, i.category, i.source, i.status, i.deadline,
         i.assigned, i.due_date, i.original_due_date,
         i.due_date IS DISTINCT FROM i.original_due_date,
         rectify.due_state(i.due_date, i.completed_on, ledger.asof, o.warning_days),
         rectify.due_days_overdue(i.due_date, i.completed_on, ledger.asof),
         x.expected_progress,
         i.progress, i.completed_on, i.closed_on,
         i.completed_on > i.original_due_date AND i.completed_on <= i.due_date,
         (SELECT string_agg(u.name, '; ' ORDER BY r.seq)
            FROM rectify.responsibilities_at(ledger.asof, ledger.known_at) r JOIN rectify.units u USING (unit_id)
           WHERE r.item_id = i.item_id AND r.role = 'primary'),
         i.escalation_level,
         -- the light judges the 序时进度 shown beside it
         rectify.light(i.due_date, i.completed_on, ledger.asof, i.progress, x.expected_progress,
                       o.warning_days, o.lag_threshold)
    FROM rectify.item_states(ledger.asof, ledger.known_at) i CROSS JOIN rectify.office o
   CROSS JOIN LATERAL (
     SELECT CASE WHEN i.last_reopened IS NOT NULL
                 THEN rectify.due_progress(i.due_date, i.last_reopened, ledger.asof)
                 WHEN rectify.needs_calendar(i.deadline)
                 THEN rectify.due_progress(i.due_date, i.assigned, ledger.asof)
                 ELSE rectify.expected_progress(i.deadline, i.assigned, ledger.asof, o.immediate_days)
             END AS expected_progress) x;
END;
COMMENT ON FUNCTION rectify.ledger(date, timestamptz) IS
  'every item assigned by asof with its status, progress, deadline state, days overdue, 序时进度, primary units, escalation level and traffic light (rectify.light) as they stood on asof, as known at known_at (default now)';

CREATE FUNCTION rectify.overdue(asof date DEFAULT rectify.today(),
                                known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (item_id bigint, code text, region rectify.region, deadline rectify.deadline,
                 due_date date, days_overdue integer, status rectify.item_status,
                 progress numeric, primary_units text, light rectify.light)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT l.item_id, l.code, l.region, l.deadline, l.due_date, l.days_overdue, l.status,
         l.progress, l.primary_units, l.light
    FROM rectify.ledger(overdue.asof, overdue.known_at) l
   WHERE l.state = 'overdue'
     -- the same condition in a form an index can use: open at asof
     -- (completed later or not at all) and due before it
     AND l.due_date < overdue.asof
     AND coalesce(l.completed_on, 'infinity'::date) > overdue.asof
     -- a constant: refuses an infinite asof (22008) even when no row is read
     AND rectify.due_state(NULL, NULL, overdue.asof, 0) = 'ongoing'
   ORDER BY l.days_overdue DESC, l.code;
END;
COMMENT ON FUNCTION rectify.overdue(date, timestamptz) IS
  'open items past their due date on asof (逾期) as known at known_at (default now), most overdue first; their light is red';

-- answers as the caller (row-level security applies)
CREATE VIEW rectify.open_items WITH (security_invoker = true) AS
  SELECT * FROM rectify.ledger(rectify.today()) WHERE completed_on IS NULL;
COMMENT ON VIEW rectify.open_items IS
  'items not yet completed, with their deadline state and days overdue as of rectify.today(); use rectify.ledger(asof) for another date';

CREATE FUNCTION rectify.measure_states(asof date DEFAULT rectify.today(),
                                       known_at timestamptz DEFAULT pg_catalog.now())
  RETURNS TABLE (measure_id bigint, item_id bigint, code text, seq integer, description text,
                 deadline rectify.deadline, due_date date, state rectify.deadline_state,
                 item_state rectify.deadline_state)
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT m.measure_id, m.item_id, i.code, m.seq, m.description,
         coalesce(m.deadline, i.deadline),
         CASE WHEN m.deadline IS NULL THEN i.due_date
              ELSE rectify.due_date(m.deadline, i.assigned, o.immediate_days) END,
         -- a measure is done when it is recorded done, not when its item
         -- is; a completion recorded after known_at is not yet known
         CASE WHEN m.deadline IS NULL
              THEN rectify.due_state(i.due_date, d.completed_on, measure_states.asof, o.warning_days)
              ELSE rectify.deadline_state(m.deadline, i.assigned, d.completed_on,
                                          measure_states.asof, o.warning_days, o.immediate_days) END,
         rectify.due_state(i.due_date, i.completed_on, measure_states.asof, o.warning_days)
    FROM rectify.measures m
    JOIN rectify.item_states(measure_states.asof, measure_states.known_at) i USING (item_id)
   CROSS JOIN rectify.office o
   CROSS JOIN LATERAL (SELECT CASE WHEN m.completed_recorded_at <= measure_states.known_at
                                   THEN m.completed_on END AS completed_on) d
   WHERE m.added_on <= measure_states.asof AND m.recorded_at <= measure_states.known_at;
END;
COMMENT ON FUNCTION rectify.measure_states(date, timestamptz) IS
  'each measure in the plan on asof with its own deadline state beside its item''s, as known at known_at (default now)';

-- A string body, not BEGIN ATOMIC: "SELECT *" then follows columns that
-- later versions add to rectify.events.
CREATE FUNCTION rectify.history(item bigint)
  RETURNS SETOF rectify.events
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT * FROM rectify.events e WHERE e.item_id = $1 ORDER BY e.event_id $$;
COMMENT ON FUNCTION rectify.history(bigint) IS 'an item''s events in the order they were recorded';

-- extend_deadline: a later deadline (延期), approved by someone, for a
-- reason.  The new due date is resolved in the item's calendar, so an
-- extension may be counted in working days.
CREATE FUNCTION rectify.extend_deadline(item bigint, new_deadline rectify.deadline,
                                        approved_by text, reason text,
                                        on_date date DEFAULT rectify.today())
  RETURNS date
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
  new_due date;
BEGIN
  PERFORM rectify.require_text(approved_by, 'the approver of a deadline extension');
  PERFORM rectify.require_text(reason, 'a reason for a deadline extension');
  IF new_deadline IS NULL THEN
    RAISE EXCEPTION 'new deadline must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF it.completed_on IS NOT NULL THEN
    RAISE EXCEPTION 'item "%" is % and its deadline can no longer be extended', it.code, it.status
      USING ERRCODE = 'check_violation';
  END IF;
  PERFORM rectify.check_on_date(it, on_date);
  PERFORM rectify.check_in_order(it, on_date, ARRAY['deadline_extended'], 'the last extension');
  -- a relative deadline (30天, 15个工作日, 立行立改) counts from the day the
  -- extension is approved, not from the assignment
  new_due := rectify.resolve_due(new_deadline, on_date, it.calendar, (SELECT immediate_days FROM rectify.office));
  IF it.due_date IS NULL OR new_due IS NULL THEN
    RAISE EXCEPTION 'cannot extend item "%" from % to %', it.code, it.deadline, new_deadline
      USING ERRCODE = 'check_violation',
            DETAIL = 'An extension moves one due date to a later one; ongoing deadlines have none.';
  END IF;
  IF new_due <= it.due_date THEN
    RAISE EXCEPTION 'an extension must move the due date of item "%" later: % is not after %', it.code, new_due, it.due_date
      USING ERRCODE = 'check_violation';
  END IF;
  UPDATE rectify.items i SET deadline = new_deadline, due_date = new_due,
    -- the calendar version a working-day due date was resolved with
    calendar_version = CASE WHEN rectify.needs_calendar(new_deadline)
                            THEN rectify.calendar_version(it.calendar) ELSE i.calendar_version END,
    valid_from = greatest(i.valid_from, on_date), recorded_at = pg_catalog.now()
   WHERE i.item_id = it.item_id;
  INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, approved_by, due_date)
    VALUES (it.item_id, on_date, 'deadline_extended', it.deadline::text, new_deadline::text,
            extend_deadline.reason, extend_deadline.approved_by, new_due);
  RETURN new_due;
END $$;
COMMENT ON FUNCTION rectify.extend_deadline(bigint, rectify.deadline, text, text, date) IS
  'extends (延期) an open item''s deadline to a later one, recording who approved it and why; returns the new due date';

-- unassign_unit: the way to take a unit off an item's list, with a reason
-- and the day it stopped being responsible (recorded by the audit trigger
-- on rectify.responsibilities, which reads both from the call's settings).
CREATE FUNCTION rectify.unassign_unit(item bigint, unit_name text, role text, reason text,
                                      on_date date DEFAULT rectify.today())
  RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items := rectify.lock_item(item);
  added date;
BEGIN
  PERFORM rectify.require_text(reason, 'a reason for removing a responsible unit');
  PERFORM rectify.check_fact_date(it, on_date);
  SELECT max(e.happened_on) INTO added FROM rectify.events e
   WHERE e.item_id = it.item_id AND e.kind = 'responsibility_added'
     AND e.to_value = unassign_unit.role || ': ' || btrim(unit_name);
  IF on_date < added THEN
    RAISE EXCEPTION 'date % is before unit "%" became % of item "%" (%)', on_date, btrim(unit_name),
          unassign_unit.role, it.code, added
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Date the removal on or after the day the unit was assigned.';
  END IF;
  PERFORM set_config('rectify.reason', reason, true);
  PERFORM set_config('rectify.fact_date', on_date::text, true);
  DELETE FROM rectify.responsibilities r USING rectify.units u
   WHERE r.item_id = it.item_id AND r.unit_id = u.unit_id AND u.name = btrim(unit_name)
     AND r.role = unassign_unit.role;
  PERFORM set_config('rectify.reason', '', true);
  PERFORM set_config('rectify.fact_date', '', true);
  RETURN FOUND;
END $$;
COMMENT ON FUNCTION rectify.unassign_unit(bigint, text, text, text, date) IS
  'removes a unit from an item''s responsibility list with a reason, as of on_date (recorded); administrators only';

-- complete_measure: a measure (措施) is done by the units that carry it out:
-- an officer of one of the item's primary units (主体责任单位), or an
-- administrator, records it with the date and a note.
CREATE FUNCTION rectify.complete_measure(measure bigint, on_date date DEFAULT rectify.today(),
                                         note text DEFAULT NULL)
  RETURNS date
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  m rectify.measures;
  it rectify.items;
BEGIN
  SELECT * INTO m FROM rectify.measures x WHERE x.measure_id = complete_measure.measure;
  -- as lock_item: a caller who may not see every item gets the same answer
  -- for a measure it may not see and for one that does not exist
  IF NOT (rectify.caller_is('admin') OR rectify.caller_is('verifier'))
     AND (NOT FOUND OR NOT rectify.may_see_item(m.item_id)) THEN
    PERFORM rectify.deny(format('measure %s is not visible to %s', coalesce(measure::text, 'NULL'), rectify.caller()));
  END IF;
  IF m.measure_id IS NULL THEN
    RAISE EXCEPTION 'measure % does not exist', coalesce(measure::text, 'NULL')
      USING ERRCODE = 'no_data_found',
            HINT = 'rectify.measure_states(asof) lists the measures with their ids.';
  END IF;
  it := rectify.lock_item(m.item_id);
  SELECT * INTO m FROM rectify.measures x WHERE x.measure_id = complete_measure.measure FOR UPDATE;
  IF m.completed_on IS NOT NULL THEN
    RAISE EXCEPTION 'measure % of item "%" is already done (on %)', m.seq, it.code, m.completed_on
      USING ERRCODE = 'check_violation',
            HINT = 'An administrator may correct the date in rectify.measures.';
  END IF;
  IF it.status = 'closed' THEN
    RAISE EXCEPTION 'item "%" is closed (销号): its measures can no longer change', it.code
      USING ERRCODE = 'check_violation',
            HINT = 'Reopen the item first (rectify.reopen) if the work goes on.';
  END IF;
  IF on_date IS NULL OR NOT isfinite(on_date) OR on_date < m.added_on OR on_date > rectify.today() THEN
    RAISE EXCEPTION 'the completion date of measure % of item "%" must be a date from % to today, not %',
                    m.seq, it.code, m.added_on, coalesce(on_date::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the day the measure was done, such as 2021-11-30, or omit it for rectify.today().';
  END IF;
  -- the audit trigger on rectify.measures records it, with the note
  PERFORM set_config('rectify.reason', coalesce(note, ''), true);
  UPDATE rectify.measures x SET completed_on = on_date WHERE x.measure_id = m.measure_id;
  PERFORM set_config('rectify.reason', '', true);
  RETURN on_date;
END $$;
COMMENT ON FUNCTION rectify.complete_measure(bigint, date, text) IS
  'records that a measure (措施) was done on on_date, with a note, in rectify.events (measure_completed); for an officer of one of the item''s primary units or an administrator; refuses a measure already done, an item closed (销号) and a date before the item was assigned';

