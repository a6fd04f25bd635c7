# A BI read replica: a streaming standby made with pg_basebackup -R.  On it,
# the office's own login roles (not superusers) read the BI views, the
# ledger, the overdue list, the scorecards and the accounting reports, and
# get exactly the rows the primary gives them; every function that writes
# is refused there with SQLSTATE 25006 (read-only transaction), and the same
# call then works on the primary and reaches the standby.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

my $asof = '2023-01-01';

my $primary = rectify_node('primary', cron => 0, conf => "wal_level = replica\nmax_wal_senders = 4\n");
$primary->safe_psql('postgres', 'CREATE DATABASE ledger');
$primary->safe_psql('ledger', 'CREATE EXTENSION rectify');

# The office's roles: one login per person, each in its part's group.
$primary->safe_psql('ledger', q{
SELECT rectify.setup_roles('office_admin', 'office_officer', 'office_verifier', 'office_bi');
CREATE ROLE liu LOGIN IN ROLE office_admin;
CREATE ROLE wang LOGIN IN ROLE office_verifier;
CREATE ROLE bi LOGIN IN ROLE office_bi;
CREATE ROLE zhang LOGIN;
});

# A small ledger in two provinces (河北 130000, 安徽 340000): overdue,
# extended and completed, ongoing and escalated items, a monthly dispatch,
# and reduction accounting with verified projects, figures and indicators.
$primary->safe_psql('ledger', q{
SELECT rectify.register_item('R-1', '130600', '露天煤场扬尘', '2021年12月31日', '2021-06-01', 'air');
SELECT rectify.register_item('R-2', '130602', '污水直排', '2022年9月', '2021-06-01', 'water');
SELECT rectify.register_item('R-3', '340000', '违规占用林地', '立行立改,持續推進', '2021-06-01', 'ecology');
SELECT rectify.register_item('R-4', '130100', '工业园区VOCs治理', '2022年6月30日', '2021-09-01', 'air');
SELECT rectify.register_item('R-5', '340100', '巢湖入湖河流总磷超标', '2022年3月底', '2021-09-01', 'water');
SELECT rectify.register_item('P-1', '130600', '关于加快城区集中供热改造的建议', '2022年10月', '2022-03-01', 'other', 'proposal');
SELECT rectify.record_proposal(6, 'lead', 'A', true, true);
SELECT rectify.assign_unit(1, '保定市人民政府', 'primary');
SELECT rectify.assign_unit(2, '保定市人民政府', 'primary');
SELECT rectify.assign_unit(4, '石家庄市人民政府', 'primary');
SELECT rectify.assign_unit(5, '合肥市人民政府', 'primary');
SELECT rectify.assign_unit(3, '安徽省林业局', 'primary');
SELECT rectify.bind_officer('zhang', '保定市人民政府');
SELECT rectify.add_measure(1, '煤场全封闭', '2021年10月');
SELECT rectify.report_progress(1, 0.4, '2021-08-01', 'half the yards covered');
SELECT rectify.advance(2, 'in_progress', '2021-07-01');
SELECT rectify.extend_deadline(2, '2022-12-31', '副市长', '设备延期到货', '2022-08-01');
SELECT rectify.advance(2, 'completed', '2022-11-30');
SELECT rectify.advance(4, 'in_progress', '2021-10-01');
SELECT rectify.report_progress(4, 0.7, '2022-05-01');
SELECT count(*) FROM rectify.escalate('2022-12-01');
SELECT rectify.dispatch('2022-12-01');
SELECT rectify.add_reduction_project('BD-2022-01', '保定某热电厂超低排放', '130600', 2022, 'engineering',
                                     ARRAY['120 t NOx', '30 t SO2']::rectify.emission[]);
SELECT rectify.add_reduction_project('SJZ-2022-01', '石家庄污水处理厂提标', '130100', 2022, 'engineering',
                                     ARRAY['300 t COD']::rectify.emission[]);
SELECT rectify.add_reduction_project('HF-2022-01', '合肥养殖场治理', '340100', 2022, 'management',
                                     ARRAY['40 t COD', '4.4 t NH3-N']::rectify.emission[]);
SELECT rectify.set_project_status(1, 'completed', '2022-10-31'), rectify.set_project_status(2, 'completed', '2022-11-30'),
       rectify.set_project_status(3, 'in_progress', '2022-05-01');
SELECT rectify.verify_project(1, ARRAY['110 t NOx', '30 t SO2']::rectify.emission[], '2022-12-20', '河北省生态环境厅');
SELECT rectify.verify_project(2, ARRAY['280 t COD']::rectify.emission[], '2022-12-21', '河北省生态环境厅');
INSERT INTO rectify.base_emissions (region, year, amount, base_year) VALUES
  ('130000', 2022, '52000 t NOx', 2020), ('130000', 2022, '21000 t COD', 2020), ('340000', 2022, '30000 t COD', 2020);
INSERT INTO rectify.emission_increments (region, year, amount) VALUES ('130100', 2022, '50 t COD');
INSERT INTO rectify.reduction_targets (region, year, amount) VALUES
  ('130000', 2022, '100 t NOx'), ('130000', 2022, '200 t COD'), ('340000', 2022, '100 t COD');
INSERT INTO rectify.indicator_values (region, indicator, year, value, reported_change_pct) VALUES
  ('130600', 'pm25', 2022, 43, -6.5), ('340100', 'pm25', 2022, 34, -2.9);
INSERT INTO rectify.indicator_targets (region, indicator, year, target) VALUES
  ('130600', 'pm25', 2022, 45), ('340100', 'pm25', 2022, 33);
});

# The standby: pg_basebackup -R (standby.signal and primary_conninfo).
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);
is($standby->safe_psql('ledger', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');
like($standby->safe_psql('postgres', 'SHOW primary_conninfo'), qr/port=\d+/, 'it streams from the primary (-R wrote primary_conninfo)');

# run(node, role, sql): psql as a login role, errors verbose (SQLSTATE in
# the message); returns (exit code, stdout, stderr).
sub run
{
	my ($node, $role, $sql) = @_;
	my ($out, $err);
	my $ret = $node->psql('ledger', "\\set VERBOSITY verbose\n$sql",
		stdout => \$out, stderr => \$err, extra_params => [ '-U', $role ]);
	return ($ret, $out, $err);
}

# The reads, by who may make them.  Every query is ordered, so equal
# answers are equal text.
my @views = split /\n/, $primary->safe_psql('ledger', 'SELECT * FROM rectify.bi_views()');
my @reads = (
	(map { [ 'bi', "SET rectify.asof = '$asof'; SELECT * FROM $_ ORDER BY 1, 2, 3" ] } @views),
	[ 'zhang', "SELECT * FROM rectify.ledger('$asof') ORDER BY item_id" ],
	[ 'zhang', "SELECT * FROM rectify.overdue('$asof') ORDER BY item_id" ],
	[ 'wang', "SELECT * FROM rectify.ledger('$asof') ORDER BY item_id" ],
	[ 'wang', "SELECT * FROM rectify.overdue('$asof') ORDER BY item_id" ],
	[ 'wang', "SELECT * FROM rectify.item_scores('$asof') ORDER BY item_id" ],
	[ 'wang', "SELECT * FROM rectify.unit_scorecard('$asof') ORDER BY unit_id" ],
	[ 'wang', "SELECT * FROM rectify.region_scorecard('$asof') ORDER BY region" ],
	[ 'wang', "SELECT * FROM rectify.region_scorecard('$asof', 'province') ORDER BY region" ],
	[ 'liu', "SELECT * FROM rectify.reduction_progress(2022) ORDER BY region, pollutant" ],
	[ 'liu', "SELECT * FROM rectify.reduction_progress(2022, '130000') ORDER BY region, pollutant" ],
	[ 'liu', 'SELECT * FROM rectify.indicator_attainment(2022) ORDER BY region, indicator, period' ],
	[ 'liu', 'SELECT * FROM rectify.dispatch_compare ORDER BY 1, 2' ],
	[ 'liu', 'SELECT * FROM rectify.history(2) ORDER BY 1' ],
	[ 'liu', 'SELECT * FROM rectify.escalation_history() ORDER BY 1, 2' ],
	[ 'wang', "SELECT * FROM rectify.export_ledger('$asof')" ],
	[ 'zhang', "SELECT * FROM rectify.export_ledger('$asof')" ],
	[ 'liu', "SELECT check_name, status FROM rectify.health('$asof') ORDER BY 1" ],
	# the outbox is the primary's, read on the standby; acknowledging writes
	[ 'zhang', "SELECT id, kind, item_id, on_date FROM rectify.take_notifications('sms', 100) ORDER BY id" ]);
foreach my $r (@reads)
{
	my ($role, $sql) = @$r;
	my ($pret, $pout, $perr) = run($primary, $role, $sql);
	my ($sret, $sout, $serr) = run($standby, $role, $sql);
	my $rows = $pout eq '' ? 0 : scalar(split /\n/, $pout);
	ok($pret == 0 && $rows > 0, "primary: $role: $sql: $rows rows") or diag($perr);
	is($sret, 0, "standby: $role: $sql runs") or diag($serr);
	is($sout, $pout, '... and gives the same rows as the primary');
}

# Pinned figures, so that the comparisons above compare something.
is((run($standby, 'zhang', "SELECT string_agg(code || ' ' || state, ', ' ORDER BY code) FROM rectify.ledger('$asof')"))[1],
	'R-1 overdue, R-2 closed_on_time', 'standby: the officer sees its unit\'s two items, one overdue');
is((run($standby, 'bi', "SET rectify.asof = '$asof'; SELECT string_agg(code || ' ' || escalation_level, ', ' ORDER BY code) FROM rectify.bi_items WHERE escalation_level <> 'none'"))[1],
	'P-1 supervision, R-1 accountability, R-4 accountability, R-5 accountability', 'standby: bi_items shows the items the primary\'s run escalated');
is((run($standby, 'liu', "SELECT string_agg(format('%s %s %s %s', region, pollutant, net_reduction, met), ', ' ORDER BY region, pollutant) FROM rectify.reduction_progress(2022) WHERE level = 'province'"))[1],
	'130000 COD 230 t COD t, 130000 NOx 110 t NOx t, 130000 SO2 30 t SO2 , 340000 COD 0 t COD f, 340000 NH3-N 0 t NH3-N ',
	'standby: the province reduction progress');

# Writes on the standby: each refused with 25006, as a role that may make
# the call on the primary (the refusal is the standby's, not the role's).
my @writes = (
	[ 'liu', q{SELECT rectify.register_item('R-7', '130600', '渣土车遗撒', '2023年6月', '2023-01-01', 'air')} ],
	[ 'zhang', q{SELECT rectify.report_progress(1, 0.8, '2022-12-15')} ],
	[ 'zhang', q{SELECT rectify.complete_measure(1, '2022-12-18')} ],
	[ 'zhang', q{SELECT rectify.advance(1, 'completed', '2022-12-20')} ],
	[ 'liu', q{SELECT count(*) FROM rectify.escalate('2023-01-01')} ],
	[ 'liu', q{SELECT rectify.dispatch('2023-01-01')} ],
	[ 'liu', q{SELECT rectify.set_project_status(3, 'completed', '2022-12-01')} ],
	[ 'wang', q{SELECT rectify.verify_project(3, ARRAY['40 t COD', '4 t NH3-N']::rectify.emission[], '2022-12-10')} ],
	[ 'liu', q{SELECT rectify.set_setting('warning_days', '10')} ],
	[ 'liu', q{SELECT count(*) FROM rectify.run_daily('2023-01-01')} ],
	[ 'liu', q{SELECT rectify.remind('2023-01-01')} ],
	[ 'zhang', q{SELECT rectify.ack_notifications('sms', 1)} ]);
foreach my $w (@writes)
{
	my ($role, $sql) = @$w;
	my ($ret, $out, $err) = run($standby, $role, $sql);
	isnt($ret, 0, "standby refuses $role: $sql");
	like($err, qr/ERROR:  25006: .* refused: this server is a read-only standby/, '... with SQLSTATE 25006') or diag($err);
	like($err, qr/HINT:  Connect to the primary at host=\S+ port=\d+ to make changes\./,
		'... and a hint naming the primary') or diag($err);
}

# The same calls on the primary succeed, and the standby then shows them.
foreach my $w (@writes)
{
	my ($role, $sql) = @$w;
	my ($ret, $out, $err) = run($primary, $role, $sql);
	is($ret, 0, "primary accepts $role: $sql") or diag($err);
}
$primary->wait_for_catchup($standby);
is((run($standby, 'wang', q{SELECT string_agg(code || ' ' || status, ', ' ORDER BY code) FROM rectify.items}))[1],
	'P-1 registered, R-1 completed, R-2 completed, R-3 registered, R-4 in_progress, R-5 registered, R-7 registered',
	'standby: the primary\'s writes arrived');

$standby->stop;
$primary->stop;
done_testing();
