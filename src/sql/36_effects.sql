-- ------------------------------------------------------------------
-- Effects that can be measured (效果清单).  An effect of an item may name
-- an environmental-quality indicator (rectify.indicators), a comparator
-- and a target, e.g. 城市污水处理率 ≥ 96 %.  effect_attainment(item, asof)
-- compares each such effect with the latest value of the indicator
-- measured for the item's own region (rectify.indicator_values) whose
-- period had ended by asof, and says met, not_met or no_data.
--
-- Verification (核查, applied → verified) of an item whose measurable
-- effects are not all met on the day of the verification is refused
-- (23514), no data counting as not met: 核查 confirms a result, and a
-- result nobody has measured is not confirmed.  An administrator may
-- record an explicit override with a reason (override_effects), kept in
-- rectify.effect_overrides, which lets the next verification of that
-- application pass.
--
-- Decisions:
--   * Only the item's own region counts, not a containing one: the
--     sewage-treatment rate of a province says nothing about the county
--     whose item it is.  Record the county's value to measure the effect.
--   * A value counts from the end of its period (year: 31 December,
--     H1: 30 June, Q2: 30 June, M07: 31 July ...): a figure is known once
--     its period is over.  Of the values whose period ended by asof, the
--     latest period wins; of periods ending the same day, the longer one
--     (year before H2 before Q4 before M12), the figure offices report.
--   * The check runs on the day the verification takes effect: an AFTER
--     INSERT trigger on rectify.events for the status event applied →
--     verified that rectify.advance() writes, whose happened_on is exactly
--     advance()'s on_date.  (A BEFORE UPDATE trigger on rectify.items would
--     only see valid_from = greatest(valid_from, on_date), which is later
--     than on_date when the item changed after it.)  The error aborts the
--     whole advance(): nothing is changed.
--   * An override is for one application: it names the item's latest
--     status event into applied, so an item sent back (退回) and applied
--     again needs a new one.  It can be recorded only while the item is
--     applied, dated on or after the application, and is honoured by a
--     verification dated on or after it.
-- ------------------------------------------------------------------

ALTER TABLE rectify.effects
  ADD COLUMN indicator text REFERENCES rectify.indicators ON UPDATE CASCADE,
  ADD COLUMN comparator text CHECK (comparator IN ('>=', '<=', '=', '>', '<')),
  ADD CONSTRAINT effects_measurable_target CHECK (indicator IS NULL OR target_value IS NOT NULL),
  ADD CONSTRAINT effects_comparator_needs_indicator CHECK (comparator IS NULL OR indicator IS NOT NULL);
COMMENT ON COLUMN rectify.effects.indicator IS
  'the indicator (rectify.indicators.code) that measures the effect, for the item''s region; NULL: not measurable';
COMMENT ON COLUMN rectify.effects.comparator IS
  'how the measured value must compare with target_value: >=, <=, =, >, <; NULL means at least as good (<= for lower-better, >= for higher-better indicators)';
CREATE INDEX effects_item_idx ON rectify.effects (item_id);

-- effect_attainment(item, asof): each measurable effect of the item, the
-- latest value for the item's region whose period ended by asof, and the
-- state.  It runs as the owner (officers and verifiers do not read
-- rectify.indicator_values) for a caller who may see the item: 42501
-- otherwise, whether or not it exists, as rectify.lock_item().
CREATE FUNCTION rectify.effect_attainment(item bigint, asof date DEFAULT rectify.today())
  RETURNS TABLE (effect_id bigint, description text, indicator text, comparator text,
                 target numeric, value numeric, value_year integer, value_period text, state text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  reg rectify.region;
BEGIN
  IF item IS NOT NULL AND NOT rectify.may_see_item(item) THEN
    PERFORM rectify.deny(format('rectification item %s is not visible to %s', item, rectify.caller()));
  END IF;
  PERFORM rectify.require_date(asof, 'the date of effect_attainment()',
                               'Give a date such as 2025-03-01, or omit it for rectify.today().');
  SELECT i.region INTO reg FROM rectify.items i WHERE i.item_id = effect_attainment.item;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rectification item % does not exist', coalesce(item::text, 'NULL')
      USING ERRCODE = 'no_data_found',
            HINT = 'rectify.ledger() lists the items you may see; rectify.item(code) gives an id.';
  END IF;
  RETURN QUERY
  WITH e AS (
    SELECT f.effect_id, f.description, f.indicator,
           coalesce(f.comparator, CASE ind.better WHEN 'lower' THEN '<=' ELSE '>=' END) AS cmp,
           f.target_value AS target
      FROM rectify.effects f JOIN rectify.indicators ind ON ind.code = f.indicator
     WHERE f.item_id = effect_attainment.item
  ), v AS (
    SELECT e.effect_id, latest.value, latest.year, latest.period
      FROM e
      CROSS JOIN LATERAL (
        SELECT iv.value, iv.year, iv.period
          FROM rectify.indicator_values iv
          CROSS JOIN LATERAL (SELECT CASE
                   WHEN iv.period IN ('year', 'H2') THEN make_date(iv.year, 12, 31)
                   WHEN iv.period = 'H1' THEN make_date(iv.year, 6, 30)
                   WHEN iv.period LIKE 'Q%' THEN
                     (make_date(iv.year, 3 * substr(iv.period, 2)::integer, 1) + interval '1 month - 1 day')::date
                   ELSE (make_date(iv.year, substr(iv.period, 2)::integer, 1) + interval '1 month - 1 day')::date
                 END AS ends) p
         WHERE iv.region OPERATOR(rectify.=) reg AND iv.indicator = e.indicator
           AND p.ends <= effect_attainment.asof
         ORDER BY p.ends DESC, CASE left(iv.period, 1) WHEN 'y' THEN 0 WHEN 'H' THEN 1 WHEN 'Q' THEN 2 ELSE 3 END
         LIMIT 1) latest
  )
  SELECT e.effect_id, e.description, e.indicator, e.cmp, e.target, v.value, v.year, v.period,
         CASE WHEN v.value IS NULL THEN 'no_data'
              WHEN CASE e.cmp WHEN '<' THEN v.value < e.target WHEN '<=' THEN v.value <= e.target
                              WHEN '=' THEN v.value = e.target WHEN '>=' THEN v.value >= e.target
                              WHEN '>' THEN v.value > e.target END
                THEN 'met'
              ELSE 'not_met' END
    FROM e LEFT JOIN v USING (effect_id)
   ORDER BY e.effect_id;
END $$;
COMMENT ON FUNCTION rectify.effect_attainment(bigint, date) IS
  'each measurable effect (效果清单 with an indicator) of an item: the latest value of the indicator for the item''s own region whose period ended by asof, and met / not_met / no_data; 42501 if the caller may not see the item';

-- effect_overrides: an administrator's decision that an item may be
-- verified although its measurable effects are not met (or not measured).
CREATE TABLE rectify.effect_overrides (
  override_id bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES rectify.items ON DELETE CASCADE,
  -- no foreign key: rectify.events is append-only, and a key would stand
  -- in the way of its TRUNCATE guard
  applied_event bigint NOT NULL,
  reason text NOT NULL CHECK (btrim(reason) <> ''),
  on_date date NOT NULL,
  unmet text,
  actor text NOT NULL DEFAULT rectify.caller(),
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE rectify.effect_overrides IS
  'administrators'' overrides (with a reason) that let an item be verified (核查) although its measurable effects are not met; written by rectify.override_effects(), kept';
COMMENT ON COLUMN rectify.effect_overrides.applied_event IS
  'the status event that applied the item for verification (申请): the override holds for that application only';
COMMENT ON COLUMN rectify.effect_overrides.on_date IS 'the office date of the decision; a verification dated on or after it may pass';
COMMENT ON COLUMN rectify.effect_overrides.unmet IS 'the effects that were not met (or had no data) when the override was recorded';
COMMENT ON COLUMN rectify.effect_overrides.actor IS 'the administrator who recorded it (rectify.caller())';
COMMENT ON SEQUENCE rectify.effect_overrides_override_id_seq IS 'ids of rectify.effect_overrides';
CREATE INDEX effect_overrides_item_idx ON rectify.effect_overrides (item_id);
SELECT pg_catalog.pg_extension_config_dump('rectify.effect_overrides', '');
SELECT pg_catalog.pg_extension_config_dump('rectify.effect_overrides_override_id_seq', '');

-- the history is kept: no part writes the table (override_effects() runs
-- as the owner); every working part reads it, row-level security filters
ALTER TABLE rectify.effect_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY effect_overrides_read_all ON rectify.effect_overrides FOR SELECT
  TO rectify_admin, rectify_verifier USING (true);
CREATE POLICY effect_overrides_read_own ON rectify.effect_overrides FOR SELECT TO rectify_officer
  USING (item_id = ANY ((SELECT rectify.caller_item_ids())::bigint[]));
GRANT SELECT ON rectify.effect_overrides TO rectify_admin, rectify_officer, rectify_verifier;

-- unmet_effects(item, asof): the item's measurable effects that are not
-- met on asof, as one line for a message; NULL when all are met.
CREATE FUNCTION rectify.unmet_effects(item bigint, asof date) RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog, rectify, pg_temp AS $$
  SELECT string_agg(format('effect %s "%s": %s %s %s, %s', a.effect_id, a.description, a.indicator,
                           a.comparator, a.target,
                           CASE a.state WHEN 'no_data' THEN format('no value by %s', asof)
                                ELSE format('value %s (%s %s)', a.value, a.value_year, a.value_period) END),
                    '; ' ORDER BY a.effect_id)
    FROM rectify.effect_attainment(item, asof) a
   WHERE a.state <> 'met'
$$;
COMMENT ON FUNCTION rectify.unmet_effects(bigint, date) IS
  'internal: the measurable effects of an item not met (or without data) on a date, as one line for messages; NULL when all are met';
REVOKE EXECUTE ON FUNCTION rectify.unmet_effects(bigint, date) FROM PUBLIC;

-- override_effects(item, reason, on_date): an administrator lets the
-- item's pending verification pass although its effects are not met.
CREATE FUNCTION rectify.override_effects(item bigint, reason text, on_date date DEFAULT rectify.today())
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  it rectify.items;
  applied bigint;
  id bigint;
BEGIN
  PERFORM rectify.require_admin('rectify.override_effects()', 'override an item''s effects (效果清单) for verification');
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'a reason is required to override the effects of item %, not %',
                    coalesce(item::text, 'NULL'), coalesce(quote_literal(reason), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Say why the item may be verified although its effects are not met, e.g. the decision of the office meeting.';
  END IF;
  it := rectify.lock_item(item);
  PERFORM rectify.check_on_date(it, on_date);
  IF it.status <> 'applied' THEN
    RAISE EXCEPTION 'item "%" is %, not applied for verification: there is nothing to override', it.code, it.status
      USING ERRCODE = 'check_violation',
            HINT = 'Record the override after the item is applied (申请), before its verification (核查).';
  END IF;
  SELECT max(e.event_id) INTO applied FROM rectify.events e
   WHERE e.item_id = it.item_id AND e.kind = 'status' AND e.to_value = 'applied';
  INSERT INTO rectify.effect_overrides (item_id, applied_event, reason, on_date, unmet)
    VALUES (it.item_id, applied, btrim(reason), on_date, rectify.unmet_effects(it.item_id, on_date))
    RETURNING override_id INTO id;
  RETURN id;
END $$;
COMMENT ON FUNCTION rectify.override_effects(bigint, text, date) IS
  'administrators: records (with a reason, kept in rectify.effect_overrides) that the item''s pending verification (核查) may pass although its measurable effects are not met; returns the override''s id';

-- The check at verification: the status event applied → verified that
-- rectify.advance() writes, dated the day the verification takes effect.
CREATE FUNCTION rectify.effects_verify_check() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, rectify, pg_temp AS $$
DECLARE
  unmet text := rectify.unmet_effects(NEW.item_id, NEW.happened_on);
  code text;
BEGIN
  IF unmet IS NULL OR EXISTS (
       SELECT 1 FROM rectify.effect_overrides o
        WHERE o.item_id = NEW.item_id AND o.on_date <= NEW.happened_on
          AND o.applied_event = (SELECT max(e.event_id) FROM rectify.events e
                                  WHERE e.item_id = NEW.item_id AND e.kind = 'status'
                                    AND e.to_value = 'applied')) THEN
    RETURN NULL;
  END IF;
  SELECT i.code INTO code FROM rectify.items i WHERE i.item_id = NEW.item_id;
  RAISE EXCEPTION 'item "%" cannot be verified on %: its measurable effects (效果清单) are not met', code, NEW.happened_on
    USING ERRCODE = 'check_violation',
          HINT = format('Not met: %s.  Record the indicator values (rectify.indicator_values) for the item''s region, '
                        'or an administrator may override with rectify.override_effects(item, reason, on_date).', unmet);
END $$;
COMMENT ON FUNCTION rectify.effects_verify_check() IS
  'trigger: refuses (23514) a verification (核查) of an item whose measurable effects are not met on its date, unless an administrator overrode them for this application';
CREATE TRIGGER effects_verify_check AFTER INSERT ON rectify.events
  FOR EACH ROW
  WHEN (NEW.kind = 'status' AND NEW.from_value = 'applied' AND NEW.to_value = 'verified')
  EXECUTE FUNCTION rectify.effects_verify_check();
COMMENT ON TRIGGER effects_verify_check ON rectify.events IS
  'refuses a verification (applied → verified) whose measurable effects are not met on its date and not overridden';
