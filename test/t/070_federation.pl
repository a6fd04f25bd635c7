# A province federation on postgres_fdw: two province servers (河北 130000,
# 安徽 340000), each with its own rectify ledger and reduction accounting,
# and a national server that reads them through foreign tables with the
# server option extensions 'rectify'.  The national reduction progress and
# the region roll-up (items, closed, closed on time, open overdue per
# province and prefecture) equal the provinces' own answers
# (rectify.reduction_progress, rectify.region_scorecard) put together, and
# EXPLAIN VERBOSE shows the aggregation over rectify's types (rectify.sum
# over rectify.emission, rectify.province/prefecture over rectify.region,
# rectify.due_state) done by the province servers: the Remote SQL holds the
# aggregate and the national plan has no aggregate node of its own.
# A server without the option shows the difference: the rows come over
# and the national server aggregates them.
#
# RECTIFY_FED_ITEMS sets the items per province (default 10000) and
# RECTIFY_FED_PROJECTS the reduction projects (default 2000).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;
use Time::HiRes qw(time);

my $n_items = $ENV{RECTIFY_FED_ITEMS} // 10000;
my $n_projects = $ENV{RECTIFY_FED_PROJECTS} // 2000;
my $asof = '2023-01-01';
my $year = 2022;

# The provinces: a province code, two prefectures with a county each.
# Their ledgers differ in size and in the share of items completed, so an
# answer put together from the wrong province shows.
my %provinces = (
	he => { code => '130000', regions => [ '130100', '130102', '130600', '130602' ], share => 1, done => 3 },
	ah => { code => '340000', regions => [ '340100', '340102', '340200', '340202' ], share => 0.7, done => 4 });

# in the order of their codes, as the answers are sorted
my @order = sort { $provinces{$a}{code} cmp $provinces{$b}{code} } keys %provinces;

my %node;
foreach my $p (@order)
{
	my $prov = $provinces{$p};
	my $regions = join(',', map { "'$_'" } @{ $prov->{regions} });
	my $items = int($n_items * $prov->{share});
	my $projects = int($n_projects * $prov->{share});
	my $done = $prov->{done};
	$prov->{items} = $items + 1;    # and one assigned after $asof
	my $node = $node{$p} = rectify_node("province_$p", cron => 0);
	$node->safe_psql('postgres', 'CREATE DATABASE ledger');
	$node->safe_psql('ledger', 'CREATE EXTENSION rectify');
	my $t0 = time;
	# Items straight into the table (the insert trigger derives the due
	# dates), a third completed; one item registered at the province itself;
	# a few through the functions, one of them escalated.  Both provinces
	# number their items and projects from 1: ids are per province.
	$node->safe_psql('ledger', qq{
INSERT INTO rectify.items (code, region, problem, deadline, deadline_text, assigned, category, status, completed_on)
SELECT '$p-' || g, (ARRAY[$regions])[1 + g % 4]::rectify.region, 'problem ' || g,
       ('2022-01-01'::date + g % 365)::text::rectify.deadline, 'a date', '2021-06-01', 'air',
       CASE WHEN g % $done = 0 THEN 'completed' ELSE 'in_progress' END::rectify.item_status,
       CASE WHEN g % $done = 0 THEN '2022-01-01'::date + g % 400 END
  FROM generate_series(1, $items) g;
SELECT rectify.register_item('$p-province-1', '$prov->{code}', '省级问题', '2022年6月30日', '2021-09-01', 'water');
SELECT rectify.register_item('$p-late-1', '$prov->{regions}[1]', '迟报问题', '2023年3月', '2023-02-01', 'soil');
INSERT INTO rectify.reduction_projects (code, name, region, year, kind, status, completed_on, verified_on)
SELECT '$p-P' || g, 'project ' || g, (ARRAY[$regions])[1 + g % 4]::rectify.region, $year, 'engineering',
       CASE WHEN g % 5 = 0 THEN 'completed' ELSE 'verified' END::rectify.project_status, '2022-06-30',
       CASE WHEN g % 5 = 0 THEN NULL ELSE '2022-12-20'::date END
  FROM generate_series(1, $projects) g;
INSERT INTO rectify.project_amounts (project_id, claimed, verified)
SELECT p.project_id, rectify.emission(1 + p.project_id % 7, 't', pol),
       CASE WHEN p.status = 'verified' THEN rectify.emission(0.9 * (1 + p.project_id % 7), 't', pol) END
  FROM rectify.reduction_projects p, unnest(ARRAY['COD', 'NOx']) pol
 WHERE pol = 'COD' OR p.project_id % 2 = 0;
SELECT rectify.add_reduction_project('$p-X1', 'planned', '$prov->{regions}[2]', $year, 'structural', ARRAY['5 t SO2']::rectify.emission[]);
INSERT INTO rectify.base_emissions (region, year, amount) VALUES
  ('$prov->{code}', $year, '52000 t NOx'), ('$prov->{code}', $year, '21000 t COD');
INSERT INTO rectify.reduction_targets (region, year, amount) VALUES
  ('$prov->{code}', $year, '1500 t NOx'), ('$prov->{code}', $year, '3000 t COD');
INSERT INTO rectify.emission_increments (region, year, amount) VALUES
  ('$prov->{regions}[0]', $year, '50 t COD'), ('$prov->{regions}[2]', $year, '20 t NOx');
ANALYZE;
});
	note(sprintf('province %s: %d items, %d projects loaded in %.1f s', $p, $items, $projects, time - $t0));
}

# The national server: rectify for the types, postgres_fdw, one server per
# province with extensions 'rectify', and a control server without it.
my $nat = rectify_node('national', cron => 0);
$nat->safe_psql('postgres', 'CREATE DATABASE national');
$nat->safe_psql('national', 'CREATE EXTENSION rectify; CREATE EXTENSION postgres_fdw;');
$nat->safe_psql('national', 'ALTER DATABASE national SET enable_partitionwise_aggregate = on');
foreach my $p (@order)
{
	my ($host, $port) = ($node{$p}->host, $node{$p}->port);
	$nat->safe_psql('national', qq{
CREATE SERVER $p FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$host', port '$port', dbname 'ledger', extensions 'rectify', fdw_tuple_cost '0.2');
CREATE USER MAPPING FOR CURRENT_USER SERVER $p;
CREATE SCHEMA $p;
IMPORT FOREIGN SCHEMA rectify
  LIMIT TO (items, reduction_projects, project_amounts, base_emissions, emission_increments, reduction_targets)
  FROM SERVER $p INTO $p;
});
}
# The control: the same province server, no extensions option.
{
	my ($host, $port) = ($node{he}->host, $node{he}->port);
	$nat->safe_psql('national', qq{
CREATE SERVER he_plain FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$host', port '$port', dbname 'ledger', fdw_tuple_cost '0.2');
CREATE USER MAPPING FOR CURRENT_USER SERVER he_plain;
CREATE SCHEMA he_plain;
IMPORT FOREIGN SCHEMA rectify LIMIT TO (items, reduction_projects, project_amounts) FROM SERVER he_plain INTO he_plain;
});
}

# The national schema.  Tables keyed by region become partitioned tables,
# LIST (rectify.province(region)), one foreign partition per province: a
# query grouped by province pushes a whole aggregate to each.  Projects and
# their amounts are joined on project_id, which is a province's own
# number: the join stays within one province (one view arm per province).
my $parts = '';
foreach my $t ('items', 'base_emissions', 'emission_increments', 'reduction_targets')
{
	$parts .= "CREATE TABLE nat.$t (LIKE he.$t) PARTITION BY LIST (rectify.province(region));\n";
	foreach my $p (@order)
	{
		$parts .= "CREATE FOREIGN TABLE nat.${t}_$p PARTITION OF nat.$t FOR VALUES IN ('$provinces{$p}{code}')"
		  . " SERVER $p OPTIONS (schema_name 'rectify', table_name '$t');\n";
	}
}
my $arms = join("\n  UNION ALL\n", map { qq{  SELECT rectify.province(p.region) AS province, rectify.prefecture(p.region) AS prefecture,
         p.year, a.pollutant, count(*) AS projects,
         count(*) FILTER (WHERE p.status = 'verified') AS verified_projects,
         rectify.sum(a.claimed) AS claimed,
         rectify.sum(a.verified) FILTER (WHERE p.status = 'verified') AS verified
    FROM $_.reduction_projects p JOIN $_.project_amounts a USING (project_id)
   GROUP BY 1, 2, 3, 4} } @order);
$nat->safe_psql('national', qq{
CREATE SCHEMA nat;
$parts
-- per province, prefecture (NULL for a project of the province itself),
-- year and pollutant
CREATE VIEW nat.project_totals AS
$arms;
-- the planner needs the foreign tables' sizes to choose the remote
-- aggregation
ANALYZE nat.items, nat.base_emissions, nat.emission_increments, nat.reduction_targets;
});

# ----------------------------------------------------------------------
# National reduction progress = the provinces' own province rows.
# ----------------------------------------------------------------------
my $cols = 'region, pollutant, projects, verified_projects, claimed, verified, increment, net_reduction, '
  . 'base_emissions, net_rate_pct, target, attainment_pct, met';
my $provinces_answer = join("\n", map {
	$node{$_}->safe_psql('ledger', "SELECT $cols FROM rectify.reduction_progress($year) WHERE level = 'province' ORDER BY region, pollutant")
} @order);

# The same computed nationally.  Figures are summed over the province:
# these provinces record base emissions and targets only for the province
# and increments only for prefectures, so no recorded figure overrides
# another (reduction_progress's rule).
my $national_progress = qq{
WITH pt AS (
  SELECT province AS r, pollutant, sum(projects)::integer AS projects,
         sum(verified_projects)::integer AS verified_projects,
         rectify.sum(claimed) AS claimed, rectify.sum(verified) AS verified
    FROM nat.project_totals WHERE year = $year GROUP BY 1, 2
), fig AS (
  SELECT coalesce(b.r, i.r, t.r) AS r, coalesce(b.pollutant, i.pollutant, t.pollutant) AS pollutant,
         b.amount AS base, i.amount AS increment, t.amount AS target
    FROM (SELECT rectify.province(region) AS r, pollutant, rectify.sum(amount) AS amount
            FROM nat.base_emissions WHERE year = $year GROUP BY 1, 2) b
    FULL JOIN (SELECT rectify.province(region) AS r, pollutant, rectify.sum(amount) AS amount
                 FROM nat.emission_increments WHERE year = $year GROUP BY 1, 2) i
      ON i.r OPERATOR(rectify.=) b.r AND i.pollutant = b.pollutant
    FULL JOIN (SELECT rectify.province(region) AS r, pollutant, rectify.sum(amount) AS amount
                 FROM nat.reduction_targets WHERE year = $year GROUP BY 1, 2) t
      ON t.r OPERATOR(rectify.=) coalesce(b.r, i.r) AND t.pollutant = coalesce(b.pollutant, i.pollutant)
), j AS (
  SELECT coalesce(pt.r, fig.r) AS r, coalesce(pt.pollutant, fig.pollutant) AS pollutant,
         coalesce(pt.projects, 0) AS projects, coalesce(pt.verified_projects, 0) AS verified_projects,
         pt.claimed, pt.verified, fig.increment, fig.base, fig.target,
         rectify.emission(0, 't', coalesce(pt.pollutant, fig.pollutant)) AS zero
    FROM pt FULL JOIN fig ON fig.r OPERATOR(rectify.=) pt.r AND fig.pollutant = pt.pollutant
), n AS (
  SELECT j.*, coalesce(j.verified, j.zero) OPERATOR(rectify.-) coalesce(j.increment, j.zero) AS net FROM j
)
SELECT n.r, n.pollutant, n.projects, n.verified_projects, coalesce(n.claimed, n.zero), coalesce(n.verified, n.zero),
       n.increment, n.net, n.base,
       round(100 * rectify.tonnes(n.net) / nullif(rectify.tonnes(n.base), 0), 2),
       n.target, round(100 * rectify.tonnes(n.net) / nullif(rectify.tonnes(n.target), 0), 1),
       n.net OPERATOR(rectify.>=) n.target
  FROM n ORDER BY n.r, n.pollutant};
my $t0 = time;
my $national_answer = $nat->safe_psql('national', $national_progress);
my $t_progress = time - $t0;
my $rows = () = $provinces_answer =~ /^\d+\|/mg;
cmp_ok($rows, '>=', 5, "the provinces report $rows province rows");
is($national_answer, $provinces_answer,
	'national reduction progress = each province\'s reduction_progress province rows');
note(sprintf('national reduction progress over foreign tables: %.0f ms', 1000 * $t_progress));

# The national total per pollutant, from the national rows, equals the sum
# of the provinces' own answers.
my $values = join(', ', map { my @f = split /\|/; "('$f[1]', $f[2], $f[3], '$f[4]', '$f[5]')" }
	  split /\n/, $provinces_answer);
is($nat->safe_psql('national', qq{
WITH p AS (SELECT * FROM (VALUES $values) v(pollutant, projects, verified_projects, claimed, verified))
SELECT string_agg(format('%s %s %s %s %s', pollutant, projects, verified_projects, claimed, verified), ', ' ORDER BY pollutant)
  FROM (SELECT pollutant, sum(projects) AS projects, sum(verified_projects) AS verified_projects,
               rectify.sum(claimed::rectify.emission) AS claimed, rectify.sum(verified::rectify.emission) AS verified
          FROM p GROUP BY 1) s}),
	$nat->safe_psql('national', qq{
SELECT string_agg(format('%s %s %s %s %s', pollutant, projects, verified_projects, claimed, verified), ', ' ORDER BY pollutant)
  FROM (SELECT pollutant, sum(projects) AS projects, sum(verified_projects) AS verified_projects,
               rectify.sum(claimed) AS claimed,
               coalesce(rectify.sum(verified), rectify.emission(0, 't', pollutant)) AS verified
          FROM nat.project_totals WHERE year = $year GROUP BY 1) s}),
	'national totals per pollutant = the sum of the provinces\' answers');

# Prefecture roll-up of the projects = the provinces' prefecture rows.
is($nat->safe_psql('national', qq{
SELECT prefecture, pollutant, sum(projects), sum(verified_projects), rectify.sum(claimed), coalesce(rectify.sum(verified), rectify.emission(0, 't', pollutant))
  FROM nat.project_totals WHERE year = $year AND prefecture IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2}),
	join("\n", map { $node{$_}->safe_psql('ledger', qq{
SELECT region, pollutant, projects, verified_projects, claimed, verified
  FROM rectify.reduction_progress($year) WHERE level = 'prefecture' AND projects > 0 ORDER BY 1, 2}) } @order),
	'prefecture project totals = the provinces\' prefecture rows');

# ----------------------------------------------------------------------
# Region roll-up of the ledger = the provinces' region scorecards.
# ----------------------------------------------------------------------
my $state = "rectify.due_state(due_date, completed_on, '$asof', 15)";
# (state = a OR state = b, not IN: see the EXPLAIN checks below)
my $rollup = qq{
SELECT %s, count(*), count(*) FILTER (WHERE $state = 'closed_on_time' OR $state = 'closed_late'),
       count(*) FILTER (WHERE $state = 'closed_on_time'), count(*) FILTER (WHERE $state = 'overdue')
  FROM nat.items WHERE assigned <= '$asof' %s GROUP BY %s ORDER BY 1%s};
my $rollup_province = sprintf($rollup, 'rectify.province(region)', '', '1', '');
my $rollup_prefecture = sprintf($rollup, 'rectify.province(region), rectify.prefecture(region)',
	'AND rectify.prefecture(region) IS NOT NULL', '1, 2', ', 2');
foreach my $level ([ 'province', $rollup_province ], [ 'prefecture', $rollup_prefecture ])
{
	my ($lv, $q) = @$level;
	my $want = join("\n", map { $node{$_}->safe_psql('ledger', qq{
SELECT region, items, closed, closed_on_time, open_overdue FROM rectify.region_scorecard('$asof', '$lv') ORDER BY region}) }
		  @order);
	my $got = $nat->safe_psql('national', $q);
	$got =~ s/^\d+\|(?=\d{6}\|)//mg if $lv eq 'prefecture';    # drop the province column
	is($got, $want, "national $lv roll-up = the provinces' region_scorecard('$asof', '$lv')");
}
my ($items_total) = $nat->safe_psql('national', "SELECT count(*) FROM nat.items WHERE assigned <= '$asof'");
is($items_total, $provinces{he}{items} + $provinces{ah}{items}, 'the national ledger holds both provinces\' items (item ids repeat across provinces)');

# ----------------------------------------------------------------------
# What the province servers do: EXPLAIN VERBOSE.
# ----------------------------------------------------------------------
sub explain_plan { return $nat->safe_psql('national', "EXPLAIN (VERBOSE, COSTS OFF) $_[0]"); }
my $local_agg = qr/^\s*(->\s+)?(Finalize |Partial )?(Hash|Group|Mixed)?Aggregate/m;

my $plan = explain_plan("SELECT * FROM nat.project_totals WHERE year = $year");
is(scalar(() = $plan =~ /Relations: Aggregate on \(\((\w+)\.reduction_projects p(?:_\d+)?\) INNER JOIN \(\1\.project_amounts a(?:_\d+)?\)\)/g), 2,
	'project totals: each province server joins and aggregates its own projects');
like($plan, qr/Remote SQL: SELECT rectify\.province\(r\d\.region\), rectify\.prefecture\(r\d\.region\), .*rectify\.sum\(r\d\.claimed\), rectify\.sum\(r\d\.verified\) FILTER \(WHERE \(r\d\.status = 'verified'\)\) FROM .* GROUP BY 1, 2, 3, 4/,
	'... the Remote SQL holds rectify.sum over rectify.emission, grouped by rectify.province and rectify.prefecture');
like($plan, qr/WHERE .*\(\(r\d\.year = $year\)\)/, '... and the year filter');
unlike($plan, $local_agg, '... and the national server aggregates nothing') or diag($plan);

$plan = explain_plan($rollup_province);
is(scalar(() = $plan =~ /Relations: Aggregate on \(nat\.items_(he|ah) items/g), 2,
	'region roll-up: one whole aggregate per province partition (partitionwise)');
like($plan, qr/Remote SQL: SELECT rectify\.province\(region\), count\(\*\), count\(\*\) FILTER \(WHERE \(\(rectify\.due_state\(due_date, completed_on, '$asof'::date, 15\) = 'closed_on_time'::rectify\.deadline_state\) OR /,
	'... with rectify.due_state and the deadline_state enum in the Remote SQL');
unlike($plan, $local_agg, '... and no aggregate node on the national server') or diag($plan);

# (on one province's table: the figure tables hold a few rows, and over
# the partitioned table the planner rightly prefers one local aggregate to
# two remote ones)
$plan = explain_plan("SELECT rectify.province(region), pollutant, rectify.sum(amount), rectify.avg(amount), rectify.max(amount)
  FROM he.base_emissions WHERE region OPERATOR(rectify.<@) '130000' GROUP BY 1, 2");
like($plan, qr/Remote SQL: SELECT rectify\.province\(region\), pollutant, rectify\.sum\(amount\), rectify\.avg\(amount\), rectify\.max\(amount\) FROM rectify\.base_emissions WHERE \(\(region OPERATOR\(rectify\.<@\) '130000'\)\) GROUP BY 1, 2/,
	'figures: sum, avg and max over rectify.emission and the region operator <@ are shipped');
unlike($plan, $local_agg, '... and no aggregate node on the national server') or diag($plan);

# Not pushed down: a total across provinces that does not group by the
# province (PostgreSQL 15's postgres_fdw ships no partial aggregates), and
# a function that is not IMMUTABLE (region_name reads rectify.regions).
$plan = explain_plan("SELECT pollutant, rectify.sum(amount) FROM nat.base_emissions GROUP BY 1");
like($plan, $local_agg, 'a national total not grouped by province is aggregated on the national server');
unlike($plan, qr/Remote SQL: SELECT .*sum/, '... the province servers send the rows');
$plan = explain_plan("SELECT region, pollutant FROM nat.base_emissions WHERE rectify.region_name(region) = '河北省'");
like($plan, qr/Filter: \(rectify\.region_name\(/, 'rectify.region_name (STABLE) is evaluated on the national server');
# An array of one of rectify's types is not shippable: postgres_fdw ships a
# type only if it is a member of a listed extension, and PostgreSQL records
# an array type as part of its element type, not of the extension.  So
# state IN ('closed_on_time', 'closed_late') (= ANY of a
# rectify.deadline_state[] constant) keeps the aggregate home.
$plan = explain_plan("SELECT rectify.province(region), count(*) FILTER (WHERE $state IN ('closed_on_time', 'closed_late')) FROM nat.items GROUP BY 1");
like($plan, $local_agg, 'IN over rectify.deadline_state (an array of an extension type) is not shipped');
like($plan, qr/Remote SQL: SELECT region, due_date, completed_on FROM rectify\.items/, '... the rows come to the national server');

# The control: without extensions 'rectify' nothing of rectify's is shipped.
$plan = explain_plan("SELECT rectify.province(p.region), a.pollutant, rectify.sum(a.claimed)
  FROM he_plain.reduction_projects p JOIN he_plain.project_amounts a USING (project_id) WHERE p.year = $year GROUP BY 1, 2");
like($plan, $local_agg, 'without extensions \'rectify\': the national server aggregates');
like($plan, qr/Remote SQL: SELECT r1\.region, r2\.pollutant, r2\.claimed FROM/, '... over every row the province sends');

# Measured: rows sent by the province and time, with and without the option.
my $measure = sub {
	my ($schema) = @_;
	my $q = "SELECT rectify.province(p.region), a.pollutant, rectify.sum(a.claimed), rectify.sum(a.verified)
  FROM $schema.reduction_projects p JOIN $schema.project_amounts a USING (project_id) WHERE p.year = $year GROUP BY 1, 2";
	my $out = $nat->safe_psql('national', "EXPLAIN (ANALYZE, VERBOSE, TIMING OFF) $q");
	my ($fetched) = $out =~ /Foreign Scan[^\n]*actual rows=(\d+)/;
	my ($ms) = $out =~ /Execution Time: ([\d.]+) ms/;
	return ($fetched, $ms);
};
my ($rows_on, $ms_on) = $measure->('he');
my ($rows_off, $ms_off) = $measure->('he_plain');
cmp_ok($rows_on, '<', $rows_off, "rows sent: $rows_on with the option, $rows_off without");
note("he, $n_projects projects: pushed down $rows_on rows in $ms_on ms; not pushed down $rows_off rows in $ms_off ms");

$nat->stop;
$node{$_}->stop foreach @order;
done_testing();
