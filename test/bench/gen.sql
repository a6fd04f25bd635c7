-- The data generator: bench.gen(n, seed) returns n ledger items with a
-- realistic mix, the same n items for the same seed whatever the plan
-- (every random choice is a hash of the row number and the seed).
--
-- The mix, as of the benchmark's "today" 2024-06-30 (bench.asof()):
--   deadlines  45 % a date, 10 % a date then sustain (长期坚持、防止反弹),
--              5 % a month (due on its last day), 20 % ongoing (持续推进),
--              8 % immediate then ongoing (立行立改,持续推进),
--              12 % immediate (due 30 days after assignment); 40 % of the
--              dates are a year end.  The text is written as the plans
--              write it: simplified, traditional, with or without 。, or
--              English (data/sample-ledger.csv has the real phrases).
--   assigned   uniform over 2019-01-01 .. 2024-06-23
--   completion items already due: 93 % completed (80 % of them on time);
--              not yet due: 20 % completed early; ongoing: 15 % closed.
--              That leaves about 4 % of all items overdue.
--   regions    a county drawn uniformly from bench.counties (338
--              prefecture-level divisions in the 31 mainland provinces with
--              their real prefecture counts, 4..23 counties each; Baoding
--              130600 has 24); the item is filed at province level (8 %),
--              prefecture level (30 %) or county level (62 %).
--   texts      problem, target, leader and batch from the sample ledger.

-- The benchmark's fixed "today": every measurement uses it, never today().
CREATE FUNCTION bench.asof() RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN DATE '2024-06-30';

-- Every county of the generated country: k = 0 .. count - 1.
CREATE TABLE bench.counties (k integer PRIMARY KEY, code integer NOT NULL);
INSERT INTO bench.counties
  SELECT (row_number() OVER (ORDER BY code) - 1)::integer, code
    FROM (SELECT p.prov * 10000 + c * 100 + x AS code
            FROM (VALUES (11, 1), (12, 1), (13, 11), (14, 11), (15, 12), (21, 14), (22, 9),
                         (23, 13), (31, 1), (32, 13), (33, 11), (34, 16), (35, 9), (36, 11),
                         (37, 16), (41, 17), (42, 13), (43, 14), (44, 21), (45, 14), (46, 4),
                         (50, 2), (51, 21), (52, 9), (53, 16), (54, 7), (61, 10), (62, 14),
                         (63, 8), (64, 5), (65, 14)) AS p (prov, prefectures),
                 generate_series(1, p.prefectures) c,
                 generate_series(1, CASE WHEN p.prov = 13 AND c = 6 THEN 24
                                         ELSE 4 + (hashint4(p.prov * 100 + c) & 1023) % 20 END) x) s;
ANALYZE bench.counties;

-- The number of counties, as a constant the planner can fold.
DO $$
BEGIN
  EXECUTE format('CREATE FUNCTION bench.ncounties() RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN %s',
                 (SELECT count(*) FROM bench.counties));
END $$;

-- Each level of nested subqueries computes a few columns from the level
-- below; OFFSET 0 keeps the planner from flattening them, which would copy
-- every expression into each place that uses it.
CREATE FUNCTION bench.gen(n bigint, seed bigint)
  RETURNS TABLE (i bigint, region integer, kind text, deadline_text text, assigned date,
                 due_date date, completed_on date, closed_on date, status text,
                 progress numeric, category text, source text, batch text,
                 problem text, target text, leader text)
  LANGUAGE sql STABLE AS $$
SELECT l4.g, l4.region, l4.kind, l4.deadline_text, l4.assigned, l4.due, l4.completed_on,
       l4.closed_on,
       CASE WHEN l4.closed_on IS NOT NULL THEN 'closed'
            WHEN l4.completed_on IS NOT NULL
              THEN bench.pick(ARRAY['completed', 'preliminary_review', 'public_notice', 'applied', 'verified'], l4.u9)
            WHEN l4.u9 < 0.005 THEN 'reopened'
            WHEN l4.u9 < 0.85 THEN 'in_progress'
            ELSE 'registered' END,
       CASE WHEN l4.completed_on IS NOT NULL THEN 1
            ELSE round((l4.u10 * 0.95)::numeric, 4) END,
       bench.pick(ARRAY['air', 'water', 'soil', 'solid_waste', 'ecology', 'industry', 'energy',
                        'governance', 'other'], l4.u11),
       bench.pick(ARRAY['central', 'central', 'provincial', 'provincial', 'lookback',
                        'warning_film', 'complaint', 'proposal'], l4.u12),
       bench.pick(ARRAY['中央督察回头看', '第二轮中央督察', '第二轮省级督察'], l4.u12),
       bench.pick(ARRAY['部署多、落实少，重发展轻保护的观念未根本扭转',
         '长江支流水污染防治需系统推进', '对长江大保护战略认识有偏差，归因于客观条件',
         '发展与保护关系理解不深，新发展理念未牢固树立',
         '为开发森林公园旅游调减保护区范围，忽视湘江源头保护', '存在“两高”项目上马冲动',
         '石灰石矿综合利用项目未做能源技术评价即开工', '化解过剩产能力度不够',
         '历史遗留问题统筹谋划不够', '矿涌水治理缺少技术攻关，路线各异',
         '生活垃圾处理能力底数不清，缺口测算失实', '生活污水收集缺口大，合流制管网占比高',
         '污水管网改造重部署轻督促，数据未核实', '农业面源污染管控不力',
         '垃圾填埋场超负荷，渗滤液治理不到位', '历史遗留涉重废渣治理进展迟缓',
         '矿山开发生态问题严重，小散矿多', '废弃矿山生态恢复率低，修复走过场',
         '调整能源结构，降低燃煤污染', '调整交通结构，防治机动车污染',
         '整治扬尘，降低面源污染', '打赢碧水保卫战，改善水环境质量', '严格环境监管执法',
         '加强生态环境整治，健全环保体系'], l4.u13),
       bench.pick(ARRAY['把环保融入发展全过程，压实责任', '西河清淤并提升水质',
         '深化对重大国家战略的认识，落实整改', '统筹高水平保护与高质量发展',
         '恢复森林公园和县级保护区原范围', '依法开展“两高”项目论证和节能审查',
         '补齐能源技术评价及审批手续', '化解煤炭、水泥、钢铁等过剩产能',
         '摸清垃圾产生和处理能力，推进焚烧项目', '降低合流制管网占比，提高进水浓度',
         '补齐老旧和合流制管网改造欠账', '完成年度化肥农药减量等任务',
         '规范填埋场运营，渗滤液有效治理', '整合矿权，完成砂石土矿专项整治',
         '推进废弃矿山修复，复垦率达到60%', NULL], l4.u14),
       bench.pick(ARRAY['市委書記、市人民政府市長', '分管市發改委副市長', '分管市林業局副市長',
         '分管市生態環境局副市長', '分管市城管執法局副市長', '分管市農業農村局副市長',
         '分管市自然資源和規劃局副市長', NULL], l4.u13)
FROM (
  -- level 4: closing
  SELECT l3.*,
         CASE WHEN l3.completed_on <= bench.asof() - 60 AND l3.u10 < 0.85
              THEN l3.completed_on + 20 + floor(l3.u11 * 40)::integer END AS closed_on
  FROM (
    -- level 3: completion, and the deadline as the plan wrote it
    SELECT l2.*,
           CASE WHEN l2.due IS NOT NULL AND l2.due < bench.asof() THEN
                  CASE WHEN l2.u6 < 0.93 THEN
                    CASE WHEN l2.u7 < 0.8 THEN l2.assigned + floor(l2.u8 * (l2.due - l2.assigned + 1))::integer
                         ELSE least(bench.asof(), l2.due + 1 + floor(l2.u8 * 200)::integer) END
                  END
                WHEN l2.due IS NOT NULL THEN
                  CASE WHEN l2.u6 < 0.20 THEN l2.assigned + floor(l2.u8 * (bench.asof() - l2.assigned + 1))::integer END
                ELSE
                  CASE WHEN l2.u6 < 0.15 THEN l2.assigned + floor(l2.u8 * (bench.asof() - l2.assigned + 1))::integer END
           END AS completed_on,
           CASE l2.kind
             WHEN 'date' THEN
               CASE WHEN l2.u15 < 0.55 THEN l2.zh
                    WHEN l2.u15 < 0.70 THEN l2.zh || '。'
                    WHEN l2.u15 < 0.80 THEN l2.zh || '前'
                    ELSE to_char(l2.due, 'YYYY-MM-DD') END
             WHEN 'sustain' THEN
               CASE WHEN l2.u15 < 0.35 THEN l2.zh || '(長期堅持、防止反彈)。'
                    WHEN l2.u15 < 0.60 THEN l2.zh || '（长期坚持、防止反弹）'
                    WHEN l2.u15 < 0.85 THEN l2.zh || ',并长期坚持'
                    ELSE to_char(l2.due, 'YYYY-MM-DD') || ', sustain' END
             WHEN 'month' THEN
               CASE WHEN l2.u15 < 0.6 THEN to_char(l2.due, 'YYYY"年"FMMM"月"')
                    WHEN l2.u15 < 0.8 THEN to_char(l2.due, 'YYYY"年"FMMM"月底"')
                    ELSE to_char(l2.due, 'YYYY-MM') END
             WHEN 'ongoing' THEN bench.pick(ARRAY['持续推进', '持續推進。', '长期坚持', 'ongoing'], l2.u15)
             WHEN 'immediate_ongoing' THEN
               bench.pick(ARRAY['立行立改,持续推进', '立行立改,持續推進。', '立即整改，長期堅持。',
                                'immediate, ongoing'], l2.u15)
             ELSE bench.pick(ARRAY['立行立改', '立即整改', '立行立改。', 'immediate'], l2.u15)
           END AS deadline_text
    FROM (
      -- level 2: the due date, and its Chinese form 2021年12月31日
      SELECT l1b.*, to_char(l1b.due, 'YYYY"年"FMMM"月"FMDD"日"') AS zh
      FROM (
        SELECT l1.*,
               CASE l1.kind
                 WHEN 'immediate' THEN l1.assigned + 30
                 WHEN 'ongoing' THEN NULL
                 WHEN 'immediate_ongoing' THEN NULL
                 WHEN 'month' THEN (date_trunc('month', l1.raw) + interval '1 month - 1 day')::date
                 ELSE CASE WHEN l1.u5 < 0.4 THEN make_date(extract(year FROM l1.raw)::integer, 12, 31)
                           ELSE l1.raw END
               END AS due
        FROM (
          -- level 1: region, assignment, kind of deadline
          SELECT l0.*,
                 CASE WHEN l0.u1 < 0.08 THEN co.code / 10000 * 10000
                      WHEN l0.u1 < 0.38 THEN co.code / 100 * 100
                      ELSE co.code END AS region,
                 CASE WHEN l0.u3 < 0.45 THEN 'date' WHEN l0.u3 < 0.55 THEN 'sustain'
                      WHEN l0.u3 < 0.60 THEN 'month' WHEN l0.u3 < 0.80 THEN 'ongoing'
                      WHEN l0.u3 < 0.88 THEN 'immediate_ongoing' ELSE 'immediate' END AS kind,
                 l0.assigned + 30 + floor(l0.u4 * 700)::integer AS raw
          FROM (
            -- level 0: the random draws
            SELECT g, DATE '2019-01-01' + floor(bench.u(g, seed * 64 + 2) * 2000)::integer AS assigned,
                   bench.u(g, seed * 64 + 0) AS u0, bench.u(g, seed * 64 + 1) AS u1,
                   bench.u(g, seed * 64 + 3) AS u3, bench.u(g, seed * 64 + 4) AS u4,
                   bench.u(g, seed * 64 + 5) AS u5, bench.u(g, seed * 64 + 6) AS u6,
                   bench.u(g, seed * 64 + 7) AS u7, bench.u(g, seed * 64 + 8) AS u8,
                   bench.u(g, seed * 64 + 9) AS u9, bench.u(g, seed * 64 + 10) AS u10,
                   bench.u(g, seed * 64 + 11) AS u11, bench.u(g, seed * 64 + 12) AS u12,
                   bench.u(g, seed * 64 + 13) AS u13, bench.u(g, seed * 64 + 14) AS u14,
                   bench.u(g, seed * 64 + 15) AS u15
            FROM generate_series(1, n) g
            OFFSET 0) l0
          JOIN bench.counties co ON co.k = floor(l0.u0 * bench.ncounties())::integer
          OFFSET 0) l1
        OFFSET 0) l1b
      OFFSET 0) l2
    OFFSET 0) l3
  OFFSET 0) l4
$$;
