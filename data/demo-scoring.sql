-- Scoring and assessment (考核) on the sample ledger as of :asof (psql
-- variable), and proposal handling (建议提案办理) as seed 000 reports it.
-- Run by scripts/demo.sh after the sample ledger, its simulated progress
-- and the escalation demo, with rectify on the search_path.
\set ON_ERROR_STOP on
\pset footer off

\echo
\echo '== scoring weights (rectify.score_weights; rectify.set_score_weight(name, value) changes one)'
SELECT * FROM score_weights;

\echo '== the lowest item scores as of' :asof
SELECT code, state, days_overdue, peak_level, reopened, progress, expected_progress AS "序时进度", score
  FROM item_scores(:'asof') ORDER BY score, code LIMIT 6;

\echo '== unit scorecard (考核) as of' :asof '(rank 1 = best; bottom = the last rank)'
SELECT rank, unit, items, closed, closed_on_time, open_overdue, on_time_rate, mean_score, max_level,
       reopened, bottom
  FROM unit_scorecard(:'asof');

\echo '== region scorecard as of' :asof '— prefectures, then provinces (a province includes its prefectures and counties)'
SELECT rank, region, region_name, items, closed, closed_on_time, open_overdue, on_time_rate, mean_score,
       max_level, reopened, bottom
  FROM region_scorecard(:'asof');
SELECT rank, region, region_name, items, closed, closed_on_time, open_overdue, on_time_rate, mean_score,
       max_level, reopened, bottom
  FROM region_scorecard(:'asof', 'province');

-- Proposals handled by the Hebei Department of Ecology and Environment in
-- 2024 (seed 000): 94 in all — 23 as lead handler (主办), 4 split (分办),
-- 65 co-handling (会办), 2 for reference (参阅); lead and split items were
-- graded 23 A and 4 B, no C; every lead item was visited (走访) and every
-- deputy or member who answered was satisfied.  The seed names a few of
-- the proposals; the rest are numbered.  Assigned (交办) in February, due
-- within three months, all answered by the end of May.
BEGIN;
CREATE TEMP TABLE demo_proposals (n integer, title text) ON COMMIT DROP;
INSERT INTO demo_proposals
  SELECT n, coalesce(t.title, format('2024年省人大代表建议、政协提案第%s件', n))
    FROM generate_series(1, 94) AS n
    LEFT JOIN (VALUES (1, '关于水环境系统治理、精准管控的建议'),
                      (2, '关于加强维护绿色可持续海洋生态环境的建议'),
                      (3, '关于加大北戴河滨海湿地生物多样性保护力度 夯实生态安全“承重桩”的建议'),
                      (4, '关于加强农村污水排放管网建设助力构建宜居新时代和美乡村的建议'),
                      (5, '关于我省“无废城市”建设的建议')) AS t(n, title) USING (n);
SELECT count(*) AS proposals_registered
  FROM demo_proposals p,
       LATERAL register_item(format('JY-2024-%s', lpad(p.n::text, 3, '0')), '130000', p.title,
                             '2024年5月31日', date '2024-02-20' + p.n % 10, 'other', 'proposal',
                             NULL, NULL, '2024年省人大建议政协提案') AS id,
       LATERAL advance(id, 'completed', date '2024-05-10' + p.n % 15) AS done,
       LATERAL record_proposal(id,
                CASE WHEN p.n <= 23 THEN 'lead' WHEN p.n <= 27 THEN 'split'
                     WHEN p.n <= 92 THEN 'co_handling' ELSE 'reference' END,
                CASE WHEN p.n <= 23 THEN 'A' WHEN p.n <= 27 THEN 'B' END,
                CASE WHEN p.n <= 23 THEN true END,
                CASE WHEN p.n <= 27 THEN true END) AS recorded;
COMMIT;

\echo '== proposal handling 2024 (建议提案办理, seed 000): rectify.proposal_summary(2024)'
SELECT handled AS "办理", lead AS "主办", split AS "分办", co_handling AS "会办", reference AS "参阅",
       grade_a AS "A类", grade_b AS "B类", grade_c AS "C类",
       visited_pct || '%' AS "主办件走访率", satisfied_pct || '%' AS "满意率"
  FROM proposal_summary(2024);
