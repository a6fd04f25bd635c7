-- ------------------------------------------------------------------
-- Privileges that hold for every object of a kind, whichever file defines
-- it; last, so that they cover every object of the extension.
-- ------------------------------------------------------------------

-- Trigger functions run as the triggers of rectify's tables and nobody
-- else's: no role may execute one, or it could attach one that runs as the
-- owner to a table of its own and write forged history or run a
-- ledger-wide refresh on demand.  (A trigger fires whatever the privileges
-- on its function; EXECUTE is checked when a trigger is created.)
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'rectify'::regnamespace AND p.prorettype = 'trigger'::regtype LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END $$;

-- What each part may do.  The privileges belong to the parts' roles
-- (32_access.sql), so CREATE EXTENSION makes them, and a restore brings
-- them back.  No part may write a lifecycle, escalation or calendar column
-- of an item, a project's status or verified amounts, or the history:
-- those change only through rectify's functions, which run as the owner
-- and check the caller.
GRANT USAGE ON SCHEMA rectify TO rectify_admin, rectify_officer, rectify_verifier, rectify_reader;
-- every working part reads the ledger (row-level security filters it) and
-- the office's configuration
GRANT SELECT ON rectify.items, rectify.measures, rectify.responsibilities,
                rectify.responsibilities_ended, rectify.effects,
                rectify.events, rectify.item_versions, rectify.units, rectify.transitions, rectify.officer_units,
                rectify.role_names, rectify.office, rectify.open_items, rectify.settings,
                rectify.escalation_ladder, rectify.escalation_policy, rectify.calendars,
                rectify.calendar_loads, rectify.calendar_days, rectify.regions
  TO rectify_admin, rectify_officer, rectify_verifier;
-- the administrator reads everything, edits an item's content (not its
-- lifecycle), effects, measure texts and dates and the office's figures
-- and thresholds, and escalates by hand
GRANT SELECT ON ALL TABLES IN SCHEMA rectify TO rectify_admin;
GRANT UPDATE (code, source, batch, region, category, problem, target, leader, source_ref, note)
  ON rectify.items TO rectify_admin;
GRANT UPDATE (description, completed_on) ON rectify.measures TO rectify_admin;
GRANT UPDATE (region) ON rectify.units TO rectify_admin;
GRANT INSERT ON rectify.regions TO rectify_admin;
GRANT INSERT, UPDATE, DELETE ON rectify.effects, rectify.escalation_policy, rectify.base_emissions,
                                rectify.emission_increments, rectify.reduction_targets,
                                rectify.indicator_values, rectify.indicator_targets
  TO rectify_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA rectify TO rectify_admin;
GRANT EXECUTE ON FUNCTION rectify.escalate_item(bigint, rectify.escalation_level, text, date) TO rectify_admin;
-- the working parts call functions that write, which say on a standby where
-- the primary is (15_replica.sql)
GRANT EXECUTE ON FUNCTION rectify.require_primary(text) TO rectify_admin, rectify_officer, rectify_verifier;
-- the verifier also reads the reduction projects it verifies (核查), and the
-- scorecards (item_scores, unit_scorecard, region_scorecard), which read
-- every item as the verifier may
GRANT SELECT ON rectify.reduction_projects, rectify.project_amounts TO rectify_verifier;
GRANT SELECT ON rectify.score_weights, rectify.scoring_context TO rectify_verifier;
-- the reader: exactly the BI views, which answer with the owner's rights
DO $$
DECLARE
  v text;
BEGIN
  FOR v IN SELECT * FROM rectify.bi_views() LOOP
    EXECUTE format('GRANT SELECT ON %s TO rectify_reader', v);
  END LOOP;
END $$;
