# pg_dump keeps the ledger: the tables and sequences registered with
# pg_extension_config_dump come back row for row after a restore, from a
# custom-format dump (pg_restore) and from a plain SQL dump (psql), with no
# errors, no duplicated seeded rows, and sequences that continue.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

my $node = rectify_node('dump');
$node->safe_psql('postgres', 'CREATE DATABASE ledger');
$node->safe_psql('ledger', 'CREATE EXTENSION rectify');

# A ledger with items in several statuses, units, measures, effects, every
# kind of event, an extended deadline, a user-added region and settings.
$node->safe_psql('ledger', q{
SELECT rectify.set_setting('warning_days', '10');
SELECT rectify.set_setting('immediate_days', '20');
INSERT INTO rectify.regions (code, name, name_en) VALUES ('654326', '吉木乃县', 'Jeminay');
SELECT rectify.unit('保定市生态环境局', '130600');

SELECT rectify.register_item('D-1', '130600', '露天煤场扬尘', '2021年12月31日', '2021-06-01', 'air');
SELECT rectify.register_item('D-2', '130602', '城镇污水直排', '2022年9月', '2021-06-01', 'water',
                             'provincial', '城市污水处理率达到96%', '张副市长', '第二轮');
SELECT rectify.register_item('D-3', '131000', '散乱污企业', '立行立改,持續推進', '2021-06-01', 'industry');
SELECT rectify.register_item('D-4', '340000', '违规占用林地', '2022年12月31日,並長期堅持', '2021-06-01', 'ecology');
SELECT rectify.register_item('D-5', '431100', '尾矿库渗漏', '立即整改', '2021-06-01', 'solid_waste', 'lookback');
SELECT rectify.register_item('D-6', '654326', '草原过度放牧', '持續推進', '2021-06-01', 'ecology', 'complaint');
SELECT rectify.register_item('D-7', '130681', '黑臭水体', '2021-10-31, sustain', '2021-06-01', 'water');

SELECT rectify.assign_unit(i, '保定市人民政府', 'primary') FROM generate_series(1, 7) i;
SELECT rectify.assign_unit(2, '保定市住房和城乡建设局', 'primary');
SELECT rectify.assign_unit(2, '保定市生态环境局', 'lead_supervisor');
SELECT rectify.assign_unit(2, '河北省生态环境厅', 'co_supervisor');
-- a responsibility that ended: the dump keeps who was responsible when
SELECT rectify.unassign_unit(2, '河北省生态环境厅', 'co_supervisor', '调整督导分工', '2022-03-01');
SELECT rectify.add_measure(1, '煤场全封闭', '2021年10月');
SELECT rectify.add_measure(1, '安装喷淋抑尘设施');
SELECT rectify.add_measure(2, '新建污水管网12公里', '2022-06-30');
SELECT rectify.add_measure(5, '渗滤液收集池防渗改造', 'immediate');
INSERT INTO rectify.effects (item_id, description, target_value, achieved_value, measure_unit)
  VALUES (2, '城市污水处理率', 96, 97.2, '%'), (1, '降尘量', 9, NULL, 't/km²·月');

SELECT rectify.report_progress(1, 0.4, '2021-08-01', '一半煤场已封闭');     -- D-1 in_progress
SELECT rectify.advance(2, 'in_progress', '2021-07-01');
SELECT rectify.extend_deadline(2, '2022-12-31', '张副市长', '管材延期到货', '2022-08-15');
SELECT rectify.complete_measure(3, '2022-11-20');
SELECT rectify.advance(2, 'completed', '2022-11-30');                       -- D-2 completed within extension
SELECT rectify.advance(4, 'completed', '2022-10-01');
SELECT rectify.advance(4, 'preliminary_review', '2022-10-10');              -- D-4 preliminary_review
SELECT rectify.complete_measure(4, '2021-06-15');
SELECT rectify.advance(5, 'completed', '2021-06-20');
SELECT rectify.advance(5, s, d) FROM (VALUES ('preliminary_review'::rectify.item_status, date '2021-07-01'),
  ('public_notice', '2021-07-10'), ('applied', '2021-07-20')) v(s, d);
-- a measurable effect without data, overridden by an administrator (效果清单)
INSERT INTO rectify.effects (item_id, description, indicator, comparator, target_value, measure_unit)
  VALUES (5, '下游断面水质优良比例', 'water_good_ratio', '>=', 90, '%');
SELECT rectify.override_effects(5, '省厅核查组现场确认，监测数据待补', '2021-07-25');
SELECT rectify.advance(5, s, d) FROM (VALUES ('verified'::rectify.item_status, date '2021-08-01'),
  ('closed', '2021-08-10')) v(s, d);                                        -- D-5 closed
SELECT rectify.advance(7, 'completed', '2021-10-20');
SELECT rectify.advance(7, 'preliminary_review', '2021-11-01');
SELECT rectify.advance(7, 'in_progress', '2021-11-05', '验收资料不全');      -- D-7 sent back
SELECT rectify.advance(7, 'completed', '2021-11-25');
SELECT rectify.advance(7, s, d) FROM (VALUES ('preliminary_review'::rectify.item_status, date '2021-12-01'),
  ('public_notice', '2021-12-10'), ('applied', '2021-12-20'), ('verified', '2022-01-05'),
  ('closed', '2022-01-10')) v(s, d);
SELECT rectify.reopen(7, '回头看发现黑臭反弹', '2022-07-01');               -- D-7 reopened

-- Reduction accounting (0.2): a verified project linked to an item, one
-- still open, region figures, indicator values and targets, a user indicator.
SELECT rectify.add_reduction_project('R-1', '规模化养猪场污染治理', '431124', 2023, 'engineering',
                                     ARRAY['85.2 t COD', '9.6 t NH3-N']::rectify.emission[], 5);
SELECT rectify.add_reduction_project('R-2', '轧钢厂关停', '431123', 2023, 'structural',
                                     ARRAY['12.4 t SO2']::rectify.emission[]);
SELECT rectify.set_project_status(1, 'completed', '2023-09-30');
SELECT rectify.verify_project(1, ARRAY['80 t COD', '9.6 t NH3-N']::rectify.emission[], '2023-12-20', '永州市生态环境局');
SELECT rectify.set_project_status(2, 'in_progress', '2023-05-01');
INSERT INTO rectify.base_emissions (region, year, amount, base_year) VALUES ('431124', 2023, '4200 t COD', 2020);
INSERT INTO rectify.emission_increments (region, year, amount) VALUES ('431124', 2023, '30 t COD');
INSERT INTO rectify.reduction_targets (region, year, amount) VALUES ('431100', 2023, '60 t COD');
INSERT INTO rectify.indicators (code, name, name_en, unit, better) VALUES ('noise_day', '昼间噪声', 'daytime noise', 'dB(A)', 'lower');
INSERT INTO rectify.indicator_values (region, indicator, year, period, value, reported_change_pct)
  VALUES ('131000', 'pm25', 2024, 'H1', 42, -2.3), ('131000', 'noise_day', 2024, 'year', 53.1, NULL);
INSERT INTO rectify.indicator_targets (region, indicator, year, comparator, target)
  VALUES ('340000', 'pm25', 2024, '<=', 36.8), ('340000', 'good_days_ratio', 2024, '>', 82.1);
INSERT INTO rectify.escalation_policy (source, level, min_days_overdue, note)
  VALUES ('central', 'warning', 5, '中央督察交办问题从快督办');
SELECT rectify.escalate('2022-03-01');
-- the outbox: escalation steps and reminders, and a consumer's cursor
SELECT rectify.remind('2022-03-01');
SELECT rectify.ack_notifications('sms', 2);
SELECT count(*) FROM rectify.run_daily('2022-03-01');                      -- a daily run record
SELECT count(*) FROM rectify.dispatch('2022-03-01');
SELECT rectify.dispatch('2022-03-01', retake_reason => '补录了一项进展');

-- Scoring (0.5): an office weight and a proposal item with its handling.
SELECT rectify.set_score_weight('per_level', 8);
SELECT rectify.register_item('D-8', '130000', '关于加强农村生活污水治理的建议', '2024年6月30日', '2024-03-01',
                             'water', 'proposal', NULL, NULL, '2024年省人大建议');
SELECT rectify.assign_unit(8, '河北省生态环境厅', 'primary');
SELECT rectify.record_proposal(8, 'lead', 'A', true, true);
SELECT count(*) FROM rectify.create_reader_role('tap_reader');
SELECT rectify.setup_roles('dr_admin', 'dr_officer', 'dr_verifier', 'dr_reader');
CREATE ROLE dr_alice LOGIN;
SELECT rectify.bind_officer('dr_alice', '保定市生态环境局');
});

is($node->safe_psql('ledger', q{SELECT string_agg(status::text, ',' ORDER BY code) FROM rectify.items}),
	'in_progress,completed,registered,preliminary_review,closed,registered,reopened,registered',
	'the ledger has items in several statuses');

# Every table of the schema, with a row count and a digest of its rows in a
# fixed order; every sequence with its position.
my @tables = split /\n/, $node->safe_psql('ledger', q{
SELECT c.oid::regclass FROM pg_class c
 WHERE c.relnamespace = 'rectify'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1::text});
my @sequences = split /\n/, $node->safe_psql('ledger', q{
SELECT c.oid::regclass FROM pg_class c
 WHERE c.relnamespace = 'rectify'::regnamespace AND c.relkind = 'S' ORDER BY 1::text});
my @config = split /\n/, $node->safe_psql('ledger', q{
SELECT c::regclass FROM pg_extension e, unnest(e.extconfig) c WHERE e.extname = 'rectify' ORDER BY 1::text});
foreach my $t (qw(rectify.items rectify.units rectify.measures rectify.responsibilities
	rectify.effects rectify.events rectify.settings rectify.regions
	rectify.reduction_projects rectify.project_amounts rectify.base_emissions
	rectify.emission_increments rectify.reduction_targets rectify.indicators
	rectify.indicator_values rectify.indicator_targets rectify.escalation_policy
	rectify.dispatch_snapshots rectify.score_settings rectify.proposals
	rectify.role_names rectify.officer_units rectify.effect_overrides))
{
	ok((grep { $_ eq $t } @config), "$t is dumped with the extension (pg_extension_config_dump)");
}

sub digest
{
	my ($db) = @_;
	my %d;
	foreach my $t (@tables)
	{
		$d{$t} = $node->safe_psql($db,
			"SELECT count(*) || ' rows ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM $t t");
	}
	foreach my $s (@sequences)
	{
		$d{$s} = $node->safe_psql($db, "SELECT last_value || ' ' || is_called FROM $s");
	}
	$d{ledger} = $node->safe_psql($db, q{
		SELECT md5(string_agg(l::text, E'\n' ORDER BY l.code)) FROM rectify.ledger('2022-12-01') l});
	# the state of past days, rebuilt from the dated facts (valid and
	# recorded time come back with the rows)
	$d{past_states} = $node->safe_psql($db, q{
		SELECT md5(string_agg(l::text, E'\n' ORDER BY d, l.code))
		  FROM unnest('{2021-06-01,2021-09-30,2022-02-28,2022-06-30}'::date[]) d,
		       LATERAL rectify.ledger(d) l});
	$d{reduction_progress} = $node->safe_psql($db, q{
		SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rectify.reduction_progress(2023) r});
	$d{indicator_attainment} = $node->safe_psql($db, q{
		SELECT md5(string_agg(a::text, E'\n' ORDER BY a::text)) FROM rectify.indicator_attainment(2024) a});
	$d{unit_scorecard} = $node->safe_psql($db, q{
		SELECT md5(string_agg(u::text, E'\n' ORDER BY u::text)) FROM rectify.unit_scorecard('2022-12-01') u});
	$d{region_scorecard} = $node->safe_psql($db, q{
		SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rectify.region_scorecard('2022-12-01', 'county') r});
	$d{proposal_summary} = $node->safe_psql($db, q{
		SELECT p::text FROM rectify.proposal_summary(2024) p});
	$d{reader_grants} = $node->safe_psql($db, q{
		SELECT string_agg(v || '=' || has_table_privilege('tap_reader', v, 'SELECT'), ' ' ORDER BY v)
		  FROM rectify.bi_views() v});
	$d{seeded_regions} = $node->safe_psql($db, 'SELECT count(*) FROM rectify.regions WHERE seeded');
	$d{seeded_indicators} = $node->safe_psql($db, 'SELECT count(*) FROM rectify.indicators WHERE seeded');
	return \%d;
}

my $before = digest('ledger');
foreach my $t (grep { my $c = $_; grep { $_ eq $c } @tables } @config)
{
	unlike($before->{$t}, qr/^0 rows/, "$t has rows to compare");
}
cmp_ok($before->{seeded_regions}, '>=', 34, 'the seeded region names are installed');

my $dir = PostgreSQL::Test::Utils::tempdir;
my $connstr = sub { $node->connstr($_[0]) };

# Custom format, restored with pg_restore.
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$dir/ledger.dump", '-d', $connstr->('ledger') ],
	'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE restored_custom');
$node->command_checks_all(
	[ 'pg_restore', '--exit-on-error', '-d', $connstr->('restored_custom'), "$dir/ledger.dump" ],
	0, [qr/^$/], [qr/^$/], 'pg_restore: no errors, no warnings');

# Plain SQL, restored with psql stopping at the first error.
$node->command_ok([ 'pg_dump', '-Fp', '-f', "$dir/ledger.sql", '-d', $connstr->('ledger') ],
	'pg_dump -Fp');
$node->safe_psql('postgres', 'CREATE DATABASE restored_plain');
$node->command_checks_all(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $connstr->('restored_plain'), '-f', "$dir/ledger.sql" ],
	0, [qr//], [qr/^$/], 'psql -f plain dump: no errors, no warnings');

foreach my $db ('restored_custom', 'restored_plain')
{
	my $after = digest($db);
	foreach my $k (sort keys %$before)
	{
		is($after->{$k}, $before->{$k}, "$db: $k");
	}
	is_deeply([ sort keys %$after ], [ sort keys %$before ], "$db: same tables and sequences");
}

# The sequences continue: new rows get fresh ids (a collision would be a
# unique violation), the same ids the original database gives.  Units'
# ids have gaps (INSERT ... ON CONFLICT takes a number each time), so the
# restored sequences must be exact, not just past the highest id.
my $new = q{
SELECT rectify.register_item('N-1', '130600', '新问题', '2025年12月31日', '2025-01-01');
SELECT rectify.add_measure(1, '新措施');
SELECT rectify.unit('新单位');
INSERT INTO rectify.effects (item_id, description) VALUES (1, '新效果') RETURNING effect_id;
SELECT max(event_id) FROM rectify.events;
};
my $fresh = $node->safe_psql('ledger', $new);
note("new ids in the original: " . join(" ", split /\n/, $fresh));
is((split /\n/, $fresh)[0], '9', 'the original gives the next item id 9');
foreach my $db ('restored_custom', 'restored_plain')
{
	is($node->safe_psql($db, $new), $fresh, "$db: new rows get the same fresh ids as the original");
}

$node->stop;
done_testing();
