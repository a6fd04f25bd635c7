-- What a rectification office looks at, as of :asof (psql variable).
\set ON_ERROR_STOP on
\pset footer off
\echo
\echo '== items by deadline state as of' :asof
SELECT state, count(*) AS items
  FROM ledger(:'asof') GROUP BY state ORDER BY state;

\echo '== overdue (逾期) as of' :asof
SELECT code, deadline, due_date, days_overdue, status, progress, primary_units
  FROM overdue(:'asof');

\echo '== due soon (预警) or due today as of' :asof
SELECT code, deadline, due_date, due_date - :'asof'::date AS days_left,
       progress, expected_progress AS "序时进度", primary_units
  FROM ledger(:'asof') WHERE state IN ('due_soon', 'due_today') ORDER BY due_date, code;

\echo '== closed items, and whether within an approved extension'
SELECT code, due_date, original_due_date, completed_on, state, closed_within_extension
  FROM ledger(:'asof') WHERE completed_on <= :'asof' ORDER BY code;

\echo '== history of YZ-03'
SELECT happened_on, kind, from_value, to_value, reason
  FROM history((SELECT item_id FROM items WHERE code = 'YZ-03'));
