-- Loads data/sample-ledger.csv into the ledger through rectify's own
-- functions, so every item gets its registration event.  Run with psql
-- from the repository root, with rectify on the search_path.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE sample_stage (
  code text, source text, batch text, region text, category text, assigned date,
  deadline_text text, problem text, target text, primary_units text,
  lead_supervisors text, co_supervisors text, leader text, source_ref text, note text
) ON COMMIT DROP;
\copy sample_stage FROM 'data/sample-ledger.csv' WITH (FORMAT csv, HEADER true)

SELECT count(rectify.register_item(code, region::rectify.region, problem, deadline_text, assigned,
                                   category, source, nullif(target, ''), nullif(leader, ''), batch))
       AS items_registered
  FROM sample_stage;

-- Units are listed with | between them, in the plan's order.
SELECT count(*) AS responsibilities
  FROM sample_stage s
  JOIN rectify.items i USING (code)
  CROSS JOIN LATERAL (VALUES ('primary', s.primary_units),
                             ('lead_supervisor', s.lead_supervisors),
                             ('co_supervisor', s.co_supervisors)) AS r(role, list)
  CROSS JOIN LATERAL unnest(string_to_array(nullif(r.list, ''), '|')) WITH ORDINALITY AS u(name, n)
  CROSS JOIN LATERAL (SELECT rectify.assign_unit(i.item_id, u.name, r.role)) AS done;
COMMIT;
