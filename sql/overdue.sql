-- Overdue detection: ledger(asof), overdue(asof), measure states and the
-- open_items view, with time travel; "items within a prefecture" by index.
CALL testkit.fresh_rectify();

-- A small ledger over three regions (Yongzhou, a Yongzhou county, Baoding).
SELECT register_item(code, region::region, problem, deadline, assigned) AS item
  FROM (VALUES ('YZ-03', '431100', '保护区范围调整', '2021年12月31日(長期堅持、防止反彈)。', date '2021-08-31'),
               ('YZ-12', '431100', '农业面源污染', '2022年6月30日。', '2021-08-31'),
               ('YZ-13', '431127', '垃圾填埋场渗滤液', '2021年12月31日(長期堅持、防止反彈)。', '2021-08-31'),
               ('YZ-01', '431100', '思想认识偏差', '立行立改,持續推進。', '2021-08-31'),
               ('JD-01', '431181', '部署多落实少', '立即整改', '2021-08-31'),
               ('BD-02', '130600', '燃煤污染', '2020年底', '2020-04-22'),
               ('BD-09', '130602', '扬尘', '2022-02-28', '2022-01-10')) AS t(code, region, problem, deadline, assigned);
SELECT assign_unit(item_id, u) FROM items, unnest(CASE code WHEN 'YZ-03' THEN ARRAY['藍山縣委', '縣政府']
                                                           WHEN 'YZ-12' THEN ARRAY['市農業農村局'] END) AS u;
SELECT advance((SELECT item_id FROM items WHERE code = 'BD-02'), 'completed', '2020-12-20');
SELECT advance((SELECT item_id FROM items WHERE code = 'JD-01'), 'completed', '2021-10-05');
SELECT report_progress((SELECT item_id FROM items WHERE code = 'YZ-12'), 0.4, '2022-03-01');
SELECT extend_deadline((SELECT item_id FROM items WHERE code = 'YZ-13'), '2022年6月30日', '市整改办', '跨冬季施工', '2021-12-15');
SELECT advance((SELECT item_id FROM items WHERE code = 'YZ-13'), 'completed', '2022-05-20');

-- Time travel: the same ledger as of five dates.
SELECT asof, code, state, due_date, days_overdue, expected_progress, progress
  FROM (VALUES (date '2021-09-15'), ('2021-12-20'), ('2022-01-15'), ('2022-06-20'), ('2022-07-15')) AS a(asof),
       LATERAL ledger(asof)
 ORDER BY asof, code;

-- Items not yet assigned as of asof are not in the ledger.
SELECT code FROM ledger('2021-01-01') ORDER BY code;

-- Extensions: the original due date stays, and an item completed after it
-- but within the extension is told apart.
SELECT code, due_date, original_due_date, extended, completed_on, state, closed_within_extension
  FROM ledger('2022-07-15') WHERE completed_on IS NOT NULL ORDER BY code;

-- overdue(asof): most overdue first, with the primary units.
SELECT * FROM overdue('2022-07-15');
SELECT code, days_overdue FROM overdue('2022-01-01');
SELECT count(*) AS nothing_overdue FROM overdue('2020-06-01');

-- The office's warning window reaches the ledger.
SELECT code, state FROM ledger('2022-06-10') WHERE code = 'YZ-12';
SELECT set_setting('warning_days', '30');
SELECT code, state FROM ledger('2022-06-10') WHERE code = 'YZ-12';
SELECT set_setting('warning_days', NULL);

-- Measures keep their own deadlines beside their item's.
SELECT add_measure((SELECT item_id FROM items WHERE code = 'YZ-03'), '恢复保护区原有范围', '2021年10月底');
SELECT add_measure((SELECT item_id FROM items WHERE code = 'YZ-03'), '加强湘江源头生态保护', '持续推进');
SELECT add_measure((SELECT item_id FROM items WHERE code = 'YZ-03'), '建立长效机制');
UPDATE measures SET completed_on = '2021-10-20' WHERE seq = 1;
SELECT code, seq, deadline, due_date, state, item_state FROM measure_states('2021-11-15') ORDER BY seq;
SELECT code, seq, state, item_state FROM measure_states('2022-01-05') ORDER BY seq;

-- open_items: as of today (every date here is long past, so stable).
SELECT code, state, status FROM open_items ORDER BY code;

-- A NULL asof gives no rows; an infinite one is refused.
SELECT count(*) AS rows, count(state) AS with_state FROM ledger(NULL);
SELECT state, message FROM testkit.try($$(SELECT count(*) FROM rectify.overdue('infinity'))$$);

-- "All overdue items within prefecture X" can use the region index: the
-- containment is turned into a range on the btree.
INSERT INTO items (code, region, problem, deadline, assigned)
  SELECT 'GEN-' || g, (ARRAY['130600', '130602', '131000', '340000', '110101'])[1 + g % 5]::region,
         'generated', '2030-12-31', '2030-01-01'
    FROM generate_series(1, 3000) g;
ANALYZE items;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT code FROM items WHERE region <@ '431100';
EXPLAIN (COSTS OFF) SELECT code, days_overdue FROM overdue('2022-07-15') WHERE region <@ '431100';
RESET enable_seqscan;
SELECT code, days_overdue FROM overdue('2022-07-15') WHERE region <@ '431100';
SELECT region_level(region) AS level, count(*) FROM items WHERE region <@ '130000' GROUP BY 1 ORDER BY 1;

-- the rows and the kept versions tell the story of the events (testkit.states_disagree)
SELECT * FROM testkit.states_disagree();
