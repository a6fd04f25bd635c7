-- ===========================================================================
-- Reminders and a durable outbox (issue #15).
--
-- Every notice the office should receive is a row of rectify.notifications:
-- each escalation step (written by a trigger on rectify.events, so the
-- ladder itself is untouched), and the reminders rectify.remind(asof) makes
-- for an office date: due soon (items and measures with deadlines of their
-- own), a monthly progress report missing, lagging behind 序时进度.
-- Consumers read the rows after their cursor (take_notifications) and
-- advance it when they are done (ack_notifications): at-least-once, each
-- consumer every row that row-level security lets it see.
--
-- Ids are the cursor, so they must become visible in id order: a consumer
-- that has acknowledged id 12 must never later see id 10 commit.  Every
-- transaction that writes rows therefore first locks the row 'outbox' of
-- rectify.job_locks and holds it to its commit (rectify.lock_outbox()):
-- writers take ids one transaction after another, and a reader's snapshot
-- always sees a prefix of them.
-- ===========================================================================

INSERT INTO rectify.job_locks VALUES ('remind'), ('outbox');

CREATE FUNCTION rectify.notification_kinds() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['escalation', 'due_soon', 'measure_due_soon', 'progress_missing', 'lagging'];
COMMENT ON FUNCTION rectify.notification_kinds() IS
  'the kinds of notification: escalation (a step of the ladder), due_soon and measure_due_soon (reminder_days before a due date), progress_missing (no progress report this month by progress_report_day), lagging (behind 序时进度 by lag_threshold)';

CREATE TABLE rectify.notifications (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CONSTRAINT notifications_kind_check CHECK (kind = ANY (rectify.notification_kinds())),
  item_id bigint NOT NULL REFERENCES rectify.items,
  units text[] NOT NULL DEFAULT '{}',
  on_date date NOT NULL,
  detail text NOT NULL DEFAULT '',
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT notifications_once UNIQUE (item_id, kind, on_date, detail)
);
COMMENT ON TABLE rectify.notifications IS
  'the outbox: one row per notice the office should receive (escalation steps, reminders); read with rectify.take_notifications, row-level security applies; purged after notification_keep_days';
COMMENT ON COLUMN rectify.notifications.id IS 'the cursor: rows become visible in id order';
COMMENT ON COLUMN rectify.notifications.kind IS 'one of rectify.notification_kinds()';
COMMENT ON COLUMN rectify.notifications.units IS 'the item''s primary units on on_date, in order';
COMMENT ON COLUMN rectify.notifications.on_date IS 'the office date the notice concerns: the date of the escalation step, or the date rectify.remind() judged';
COMMENT ON COLUMN rectify.notifications.detail IS 'what makes the notice one of a kind: the event id of a step, the threshold and due date of a due-soon reminder, the month of a monthly one';
COMMENT ON COLUMN rectify.notifications.payload IS 'the readable notice (code, dates, levels, progress ...), JSON';
COMMENT ON COLUMN rectify.notifications.created_at IS 'when the row was written';
COMMENT ON CONSTRAINT notifications_once ON rectify.notifications IS 'a notice is written once (ON CONFLICT DO NOTHING)';
COMMENT ON SEQUENCE rectify.notifications_id_seq IS 'ids of rectify.notifications, the consumers'' cursor';
CREATE INDEX notifications_on_date_idx ON rectify.notifications (on_date);
SELECT pg_catalog.pg_extension_config_dump('rectify.notifications', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.notifications_id_seq', '');

-- Whoever writes to the outbox, listeners are woken once per statement
-- that wrote a row (a conflict that wrote nothing wakes nobody).
CREATE FUNCTION rectify.notifications_wake() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT FROM written) THEN
    PERFORM pg_notify('rectify_notifications', '');
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION rectify.notifications_wake() FROM PUBLIC;
COMMENT ON FUNCTION rectify.notifications_wake() IS
  'trigger: NOTIFY rectify_notifications (empty payload) after a statement that wrote notifications';
CREATE TRIGGER notifications_wake AFTER INSERT ON rectify.notifications
  REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.notifications_wake();

-- Each consumer's cursor, per role: an officer's consumer "sms" and the
-- office's consumer "sms" are two cursors, and nobody moves another
-- role's.  Read and written only through the functions below.
CREATE TABLE rectify.notification_cursors (
  role_name regrole NOT NULL,
  consumer text NOT NULL,
  last_id bigint NOT NULL DEFAULT 0,
  acked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (role_name, consumer)
);
COMMENT ON TABLE rectify.notification_cursors IS
  'each consumer''s cursor (per role): the last notification id it acknowledged';
COMMENT ON COLUMN rectify.notification_cursors.role_name IS 'the role that consumes (rectify.caller())';
COMMENT ON COLUMN rectify.notification_cursors.consumer IS 'the consumer''s name, chosen by the role (sms, mail, ...)';
COMMENT ON COLUMN rectify.notification_cursors.last_id IS 'the last notification id acknowledged; take_notifications returns the rows after it';
COMMENT ON COLUMN rectify.notification_cursors.acked_at IS 'when it last acknowledged';
SELECT pg_catalog.pg_extension_config_dump('rectify.notification_cursors', '');
REVOKE ALL ON rectify.notification_cursors FROM PUBLIC;

ALTER TABLE rectify.notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY notifications_read_all ON rectify.notifications FOR SELECT
  TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY notifications_read_own ON rectify.notifications FOR SELECT TO rectify_officer
  USING (item_id = ANY ((SELECT rectify.caller_item_ids())::bigint[]));
GRANT SELECT ON rectify.notifications TO rectify_officer, rectify_verifier;

-- Every writer locks the outbox to its commit (see the top of this file).
CREATE FUNCTION rectify.lock_outbox() RETURNS void
  LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC SELECT FROM rectify.job_locks l WHERE l.job = 'outbox' FOR UPDATE; END;
COMMENT ON FUNCTION rectify.lock_outbox() IS
  'internal: locks the outbox to the end of the transaction, so that notification ids become visible in order';
REVOKE EXECUTE ON FUNCTION rectify.lock_outbox() FROM PUBLIC;

-- ------------------------------------------------------------------
-- primary_units_on(item, asof): the names of an item's primary units on
-- asof, in their order ('{}' for none).  One SELECT, not STRICT, no SET and
-- no SECURITY DEFINER, so that the planner inlines it as the join it
-- stands for into the queries of notify_escalations() and remind() (which
-- writes a row per item).
-- ------------------------------------------------------------------
CREATE FUNCTION rectify.primary_units_on(item bigint, asof date)
  RETURNS TABLE (names text[])
  LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(array_agg(u.name ORDER BY r.seq, u.name), '{}')
    FROM rectify.responsibilities_at(primary_units_on.asof) r
    JOIN rectify.units u ON u.unit_id = r.unit_id
   WHERE r.item_id = primary_units_on.item AND r.role = 'primary';
END;
COMMENT ON FUNCTION rectify.primary_units_on(bigint, date) IS
  'internal: the names of an item''s primary responsible units on asof, in their order (empty for none); inlined into the queries that use it';

-- ------------------------------------------------------------------
-- Escalation steps: one row per escalated / escalated_manually event.
-- ------------------------------------------------------------------
CREATE FUNCTION rectify.notify_escalations() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  -- Only steps recorded by this transaction: a restore copies old events
  -- in (their recorded_at is not now()) and brings the outbox with them.
  IF NOT EXISTS (SELECT FROM new_events e WHERE e.kind IN ('escalated', 'escalated_manually')
                                           AND e.recorded_at = pg_catalog.now()) THEN
    RETURN NULL;
  END IF;
  PERFORM rectify.lock_outbox();
  INSERT INTO rectify.notifications (kind, item_id, units, on_date, detail, payload)
  SELECT 'escalation', e.item_id, pu.names, e.happened_on, e.event_id::text,
         pg_catalog.jsonb_build_object('event_id', e.event_id, 'code', i.code, 'region', i.region::text,
                                       'from', e.from_value, 'to', e.to_value, 'to_zh', l.name_zh,
                                       'days_overdue', e.days_overdue, 'reason', e.reason,
                                       'manual', e.kind = 'escalated_manually')
    FROM new_events e
    JOIN rectify.items i ON i.item_id = e.item_id
    LEFT JOIN rectify.escalation_ladder l ON l.level::text = e.to_value
    CROSS JOIN LATERAL rectify.primary_units_on(e.item_id, e.happened_on) pu
   WHERE e.kind IN ('escalated', 'escalated_manually') AND e.recorded_at = pg_catalog.now()
   ORDER BY e.event_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION rectify.notify_escalations() IS
  'trigger: writes one rectify.notifications row per escalation step recorded in rectify.events (notifications_wake wakes the listeners)';
CREATE TRIGGER events_notify_escalations AFTER INSERT ON rectify.events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION rectify.notify_escalations();
COMMENT ON TRIGGER events_notify_escalations ON rectify.events IS
  'an escalation step becomes a row of the outbox rectify.notifications';

-- ------------------------------------------------------------------
-- remind(asof): the reminders for an office date, once.
-- ------------------------------------------------------------------
CREATE FUNCTION rectify.remind(asof date DEFAULT rectify.today())
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  o rectify.office;
  mon date;
  month_text text;
  max_days integer;
  total bigint;
BEGIN
  PERFORM rectify.require_admin('rectify.remind()', 'run rectify.remind()');
  PERFORM rectify.require_date(asof, 'reminder date');
  -- one run at a time; a second waits, then finds what the first wrote
  PERFORM rectify.lock_job('remind', 'rectify.remind()');
  PERFORM rectify.lock_outbox();
  SELECT * INTO o FROM rectify.office;
  mon := date_trunc('month', asof)::date;
  month_text := to_char(mon, 'YYYY-MM');
  SELECT max(d) INTO max_days FROM unnest(o.reminder_days) d;

  -- Every kind of reminder, written in one statement: each once per item
  -- and detail (a threshold and due date, a month), whichever day first
  -- finds it, so that a day the job did not run is caught up the next.
  INSERT INTO rectify.notifications (kind, item_id, units, on_date, detail, payload)
  SELECT r.kind, r.item_id, pu.names, asof, r.detail, r.payload
    FROM (
      -- Due soon: an open item whose due date is at most reminder_days
      -- away, once per threshold (the tightest one it has reached).
      SELECT 1 AS n, 'due_soon' AS kind, s.item_id, 0 AS seq, s.detail,
             pg_catalog.jsonb_build_object('code', s.code, 'region', s.region::text, 'due_date', s.due_date,
                                           'days_before', s.days_before, 'days_left', s.due_date - asof,
                                           'deadline', s.deadline::text, 'status', s.status,
                                           'progress', s.progress) AS payload
        FROM (SELECT i.*, t.days_before, format('%s days before %s', t.days_before, i.due_date) AS detail
                FROM rectify.item_states(asof) i
               CROSS JOIN LATERAL (SELECT min(d) AS days_before FROM unnest(o.reminder_days) d
                                    WHERE d >= i.due_date - asof) t
               WHERE i.completed_on IS NULL AND i.due_date >= asof AND i.due_date <= asof + max_days) s
      UNION ALL
      -- Measures with deadlines of their own, not done, of open items.
      SELECT 2, 'measure_due_soon', s.item_id, s.seq, s.detail,
             pg_catalog.jsonb_build_object('code', s.code, 'measure_id', s.measure_id, 'seq', s.seq,
                                           'description', s.description, 'due_date', s.due_date,
                                           'days_before', s.days_before, 'days_left', s.due_date - asof,
                                           'deadline', s.deadline::text)
        FROM (SELECT ms.*, t.days_before,
                     format('measure %s: %s days before %s', ms.measure_id, t.days_before, ms.due_date) AS detail
                FROM rectify.measure_states(asof) ms
                JOIN rectify.measures m ON m.measure_id = ms.measure_id
               CROSS JOIN LATERAL (SELECT min(d) AS days_before FROM unnest(o.reminder_days) d
                                    WHERE d >= ms.due_date - asof) t
               WHERE m.deadline IS NOT NULL
                 AND ms.state IN ('not_due', 'due_soon', 'due_today')
                 AND ms.item_state NOT IN ('closed_on_time', 'closed_late')
                 AND ms.due_date >= asof AND ms.due_date <= asof + max_days) s
      UNION ALL
      -- The monthly progress report (一月一报): from progress_report_day
      -- on, an open item assigned before the month with no progress report
      -- dated in the month (by asof), once that month.
      SELECT 3, 'progress_missing', i.item_id, 0, month_text,
             pg_catalog.jsonb_build_object('code', i.code, 'region', i.region::text, 'month', month_text,
                                           'report_day', o.progress_report_day, 'progress', i.progress,
                                           'last_report', (SELECT max(e.happened_on) FROM rectify.events e
                                                            WHERE e.item_id = i.item_id AND e.kind = 'progress'
                                                              AND e.happened_on <= asof))
        FROM rectify.item_states(asof) i
       WHERE extract(day FROM asof) >= o.progress_report_day
         AND i.completed_on IS NULL AND i.assigned < mon
         AND NOT EXISTS (SELECT FROM rectify.events e
                          WHERE e.item_id = i.item_id AND e.kind = 'progress'
                            AND e.happened_on >= mon AND e.happened_on <= asof)
      UNION ALL
      -- Lagging behind 序时进度 by lag_threshold: once a month per item.
      SELECT 4, 'lagging', s.item_id, 0, month_text,
             pg_catalog.jsonb_build_object('code', s.code, 'region', s.region::text, 'month', month_text,
                                           'progress', s.progress, 'expected_progress', s.expected,
                                           'lag', s.expected - s.progress, 'lag_threshold', o.lag_threshold,
                                           'due_date', s.due_date)
        FROM (SELECT i.item_id, i.code, i.region, i.progress, i.due_date,
                     rectify.due_progress(i.due_date, coalesce(i.last_reopened, i.assigned), asof) AS expected
                FROM rectify.item_states(asof) i
               WHERE i.completed_on IS NULL AND i.due_date IS NOT NULL
                 AND rectify.due_progress(i.due_date, coalesce(i.last_reopened, i.assigned), asof) - i.progress
                     >= o.lag_threshold
                 AND rectify.is_lagging(i, asof)) s
    ) r
    CROSS JOIN LATERAL rectify.primary_units_on(r.item_id, asof) pu
   WHERE NOT EXISTS (SELECT FROM rectify.notifications x
                      WHERE x.item_id = r.item_id AND x.kind = r.kind AND x.detail = r.detail)
   ORDER BY r.n, r.item_id, r.seq
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS total = ROW_COUNT;
  RETURN total;
END $$;
COMMENT ON FUNCTION rectify.remind(date) IS
  'writes the reminders for the office date asof into rectify.notifications, each once: due_soon and measure_due_soon (reminder_days before a due date), progress_missing (from progress_report_day, no progress report this month), lagging (once a month); judged on the state of asof; returns how many it wrote. Idempotent; concurrent runs wait for each other; administrators (42501 otherwise); READ COMMITTED only';
REVOKE EXECUTE ON FUNCTION rectify.remind(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.remind(date) TO rectify_admin;

-- ------------------------------------------------------------------
-- Consumers.
-- ------------------------------------------------------------------

-- The caller's cursor for a consumer (0 before its first
-- acknowledgement), after checking the caller's part and the name.
CREATE FUNCTION rectify.notification_cursor(consumer text) RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
BEGIN
  IF NOT (rectify.caller_is('admin') OR rectify.caller_is('officer') OR rectify.caller_is('verifier')) THEN
    PERFORM rectify.deny('only an administrator, an officer or a verifier may consume notifications');
  END IF;
  IF consumer IS NULL OR btrim(consumer) = '' OR length(consumer) > 100 THEN
    RAISE EXCEPTION 'consumer name must be 1 to 100 characters, not %',
                    coalesce(quote_literal(consumer), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Name the consumer that reads the notifications, such as ''sms'' or ''mail''; each name has its own cursor.';
  END IF;
  RETURN coalesce((SELECT c.last_id FROM rectify.notification_cursors c
                    WHERE c.role_name = rectify.caller() AND c.consumer = notification_cursor.consumer), 0);
END $$;
COMMENT ON FUNCTION rectify.notification_cursor(text) IS
  'the last notification id the caller''s consumer acknowledged (0 if none); 42501 for a role of no working part, 22023 for a blank name';
REVOKE EXECUTE ON FUNCTION rectify.notification_cursor(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.notification_cursor(text) TO rectify_admin, rectify_officer, rectify_verifier;

-- take_notifications reads as the caller: row-level security decides
-- which rows it returns.
CREATE FUNCTION rectify.take_notifications(consumer text, max integer DEFAULT 100)
  RETURNS SETOF rectify.notifications
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  after bigint := rectify.notification_cursor(consumer);
BEGIN
  IF max IS NULL OR max <= 0 OR max > 100000 THEN
    RAISE EXCEPTION 'max must be from 1 to 100000 notifications, not %', coalesce(max::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Take a batch such as 100, then acknowledge the last id with rectify.ack_notifications().';
  END IF;
  RETURN QUERY SELECT n.* FROM rectify.notifications n WHERE n.id > after ORDER BY n.id LIMIT max;
END $$;
COMMENT ON FUNCTION rectify.take_notifications(text, integer) IS
  'the next notifications (at most max) after the consumer''s cursor that the caller may see, in id order; nothing moves until rectify.ack_notifications (at-least-once)';
REVOKE EXECUTE ON FUNCTION rectify.take_notifications(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.take_notifications(text, integer) TO rectify_admin, rectify_officer, rectify_verifier;

CREATE FUNCTION rectify.ack_notifications(consumer text, upto bigint)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  last_written bigint;
  now_at bigint;
BEGIN
  PERFORM rectify.require_primary('rectify.ack_notifications()');
  PERFORM rectify.notification_cursor(consumer);     -- the part and the name
  SELECT max(n.id) INTO last_written FROM rectify.notifications n;
  IF upto IS NULL OR upto < 0 OR upto > coalesce(last_written, 0) THEN
    RAISE EXCEPTION 'cannot acknowledge notifications up to %: the last id written is %',
                    coalesce(upto::text, 'NULL'), coalesce(last_written, 0)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Acknowledge the id of the last notification rectify.take_notifications() returned and you handled.';
  END IF;
  INSERT INTO rectify.notification_cursors AS c (role_name, consumer, last_id)
    VALUES (rectify.caller(), consumer, upto)
    ON CONFLICT ON CONSTRAINT notification_cursors_pkey
    DO UPDATE SET last_id = greatest(c.last_id, EXCLUDED.last_id), acked_at = pg_catalog.now()
    RETURNING c.last_id INTO now_at;
  RETURN now_at;
END $$;
COMMENT ON FUNCTION rectify.ack_notifications(text, bigint) IS
  'moves the caller''s cursor for a consumer to upto (never back) and returns it; 22023 for an id not yet written';
REVOKE EXECUTE ON FUNCTION rectify.ack_notifications(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.ack_notifications(text, bigint) TO rectify_admin, rectify_officer, rectify_verifier;

CREATE FUNCTION rectify.purge_notifications(asof date DEFAULT rectify.today())
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  PERFORM rectify.require_admin('rectify.purge_notifications()', 'purge notifications');
  PERFORM rectify.require_date(asof, 'purge date');
  DELETE FROM rectify.notifications n
   WHERE n.on_date < asof - (SELECT o.notification_keep_days FROM rectify.office o);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION rectify.purge_notifications(date) IS
  'deletes the notifications whose on_date is more than notification_keep_days (default 90) before asof; returns how many; administrators (42501 otherwise). Run by the daily job';
REVOKE EXECUTE ON FUNCTION rectify.purge_notifications(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rectify.purge_notifications(date) TO rectify_admin;
