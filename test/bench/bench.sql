-- The benchmark's own machinery: a schema "bench" (outside the extension)
-- with a server-side timer, the loop that runs the variants of one
-- measurement interleaved, and the results table run.sh prints.
-- Loaded once into the benchmark database by test/bench/run.sh.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
RESET client_min_messages;

-- One timed run of one variant.
CREATE TABLE bench.samples (
  op text NOT NULL,             -- the measurement, e.g. 'deadline_state'
  nrows bigint NOT NULL,
  variant text NOT NULL,        -- 'rectify', 'SQL CASE', 'PL/pgSQL', ...
  run integer NOT NULL,         -- 1..runs (the warm-up run is not kept)
  ms float8 NOT NULL
);

-- One line of the printed table.
CREATE TABLE bench.results (
  seq serial PRIMARY KEY,
  op text NOT NULL,
  nrows bigint,
  median_ms float8,
  min_ms float8,
  runs integer,
  ref text,
  ref_median_ms float8,
  ref_runs integer,
  ratio float8,                 -- median_ms / ref_median_ms
  target text,                  -- as the issue states it
  measured text,                -- the number the target is checked against
  result text                   -- pass, MISS, info, skip
);

-- bench.u(i, k): a uniform number in [0, 1) for row i and stream k.  The
-- seed is folded into k by the caller; hashing (not random()) keeps the
-- data identical whatever the plan or the order rows are produced in.
CREATE FUNCTION bench.u(i bigint, k bigint) RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (hashint8extended(i, k) & 2147483647)::float8 / 2147483648.0;

-- bench.pick(arr, u): an element of arr chosen by u in [0, 1).
CREATE FUNCTION bench.pick(arr anyarray, u float8) RETURNS anyelement
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT arr[1 + floor(u * array_length(arr, 1))::int]';

-- bench.compare(op, nrows, names, queries, runs, settings): run every
-- variant once to warm up (not kept; skipped for variants given fewer runs
-- than the most, which are the slow references), then runs[v] timed runs
-- of variant v, interleaved and in alternating order so that load from
-- other processes on the machine falls on all variants alike.  settings[v]
-- is "name=value;name=value" applied (transaction-locally) around variant
-- v only.  Times are wall-clock milliseconds in the server for planning
-- and executing the query, results discarded (no client transfer).
CREATE FUNCTION bench.compare(op text, nrows bigint, names text[], queries text[],
                              runs integer[], settings text[] DEFAULT NULL)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  nv integer := array_length(names, 1);
  maxruns integer := (SELECT max(x) FROM unnest(runs) x);
  r integer;
  j integer;
  v integer;
  kv text;
  t0 timestamptz;
  ms float8;
BEGIN
  FOR r IN 0..maxruns LOOP
    FOR j IN 1..nv LOOP
      v := CASE WHEN r % 2 = 1 THEN nv + 1 - j ELSE j END;
      CONTINUE WHEN r > runs[v] OR (r = 0 AND runs[v] < maxruns);
      IF settings IS NOT NULL AND settings[v] IS NOT NULL THEN
        FOREACH kv IN ARRAY string_to_array(settings[v], ';') LOOP
          PERFORM set_config(btrim(split_part(kv, '=', 1)), btrim(split_part(kv, '=', 2)), true);
        END LOOP;
      END IF;
      t0 := clock_timestamp();
      EXECUTE queries[v];
      ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
      IF settings IS NOT NULL AND settings[v] IS NOT NULL THEN
        FOREACH kv IN ARRAY string_to_array(settings[v], ';') LOOP
          EXECUTE format('RESET %I', btrim(split_part(kv, '=', 1)));
        END LOOP;
      END IF;
      IF r > 0 THEN
        INSERT INTO bench.samples VALUES (op, nrows, names[v], r, ms);
      END IF;
    END LOOP;
  END LOOP;
END $$;

CREATE FUNCTION bench.median(op text, variant text, OUT median_ms float8, OUT min_ms float8,
                             OUT runs integer)
  LANGUAGE sql STABLE
  BEGIN ATOMIC
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.ms), min(s.ms), count(*)::integer
      FROM bench.samples s WHERE s.op = median.op AND s.variant = median.variant;
  END;

-- bench.report(op, variant, ref, kind, target_value, target_text, extra_ok, note,
--              per_variant, per_ref):
-- add one line to bench.results.  kind says what the target checks:
--   ratio_max  median(variant) / median(ref) <= target_value; with
--              per_variant and per_ref (how many things each run does, e.g.
--              notices written) the ratio is per thing:
--              (median(variant) / per_variant) / (median(ref) / per_ref)
--   ms_max     median(variant) <= target_value milliseconds
--   rate_min   nrows / median(variant) >= target_value values per second
--   rate_info  shows nrows / median(variant) without a target
--   info       nothing: the line is there to be read
-- extra_ok false turns a pass into MISS (e.g. the plan has no index scan).
CREATE FUNCTION bench.report(op text, variant text, ref text, kind text,
                             target_value float8, target_text text,
                             extra_ok boolean DEFAULT true, label text DEFAULT NULL,
                             per_variant bigint DEFAULT NULL, per_ref bigint DEFAULT NULL)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n bigint := (SELECT max(nrows) FROM bench.samples s WHERE s.op = report.op);
  m record := bench.median(op, variant);
  rm record := bench.median(NULL, NULL);
  ratio float8;
  measured float8;
  ok boolean;
  shown text;
BEGIN
  IF ref IS NOT NULL THEN
    rm := bench.median(op, ref);
    ratio := m.median_ms / nullif(rm.median_ms, 0);
    IF per_variant IS NOT NULL AND per_ref IS NOT NULL THEN
      ratio := (m.median_ms / nullif(per_variant, 0)) / nullif(rm.median_ms / nullif(per_ref, 0), 0);
    END IF;
  END IF;
  CASE kind
    WHEN 'ratio_max' THEN measured := ratio; ok := ratio <= target_value;
      shown := CASE WHEN per_variant IS NOT NULL AND per_ref IS NOT NULL
                    THEN format('%s× (%s vs %s µs each)', to_char(ratio, 'FM9990.00'),
                                to_char(1000 * m.median_ms / nullif(per_variant, 0), 'FM999990.0'),
                                to_char(1000 * rm.median_ms / nullif(per_ref, 0), 'FM999990.0'))
                    WHEN ratio < 0.5 THEN to_char(ratio, 'FM0.0000') || '× (' || to_char(1 / ratio, 'FM999990.0') || '× faster)'
                    ELSE to_char(ratio, 'FM9990.00') || '×' END;
    WHEN 'ms_max' THEN measured := m.median_ms; ok := m.median_ms <= target_value;
      shown := to_char(m.median_ms, 'FM999999990.0') || ' ms';
    WHEN 'rate_min' THEN measured := n / (m.median_ms / 1000); ok := measured >= target_value;
      shown := to_char(measured / 1e6, 'FM9990.00') || ' M/s';
    WHEN 'rate_info' THEN shown := to_char(n / (m.median_ms / 1000) / 1e6, 'FM9990.00') || ' M/s';
    ELSE ok := NULL;
  END CASE;
  INSERT INTO bench.results (op, nrows, median_ms, min_ms, runs, ref, ref_median_ms, ref_runs,
                             ratio, target, measured, result)
  VALUES (coalesce(label, op || CASE WHEN variant <> 'rectify' THEN ' [' || variant || ']' ELSE '' END),
          n, m.median_ms, m.min_ms, m.runs, ref, rm.median_ms, rm.runs, ratio, target_text, shown,
          CASE WHEN ok IS NULL THEN 'info'
               WHEN ok AND extra_ok THEN 'pass' ELSE 'MISS' END);
END $$;

-- A measurement that could not run (the SQL object does not exist yet).
CREATE FUNCTION bench.skip(op text, target_text text, why text) RETURNS void
  LANGUAGE sql
  BEGIN ATOMIC
    INSERT INTO bench.results (op, target, measured, result)
    VALUES (op, target_text, why, 'skip');
  END;

-- The printed table.
CREATE VIEW bench.report_table AS
  SELECT op AS operation,
         CASE WHEN nrows >= 1000000 AND nrows % 1000000 = 0 THEN (nrows / 1000000)::text || 'M'
              WHEN nrows >= 1000 AND nrows % 1000 = 0 THEN (nrows / 1000)::text || 'k'
              ELSE nrows::text END AS rows,
         to_char(median_ms, 'FM99999990.0') || ' ms' AS median,
         to_char(min_ms, 'FM99999990.0') AS min,
         ref AS reference,
         to_char(ref_median_ms, 'FM99999990.0') || ' ms' AS "ref median",
         CASE WHEN ratio < 0.1 THEN to_char(ratio, 'FM0.0000') ELSE to_char(ratio, 'FM9990.00') END || '×' AS ratio,
         target, measured, result
    FROM bench.results ORDER BY seq;

-- rolled_back(q): runs q (one value) and undoes what it wrote, so that a
-- run that writes (remind, escalate) does the same work every time.
CREATE FUNCTION bench.rolled_back(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  BEGIN
    EXECUTE q INTO n;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'bench: roll back', DETAIL = n::text;
  EXCEPTION WHEN raise_exception THEN
    RETURN n;
  END;
END $$;

