# The extension survives server restarts with its data, its C functions
# load again, and rectify.today() is the office's date on a server on UTC.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

my $node = rectify_node('restart');

is($node->safe_psql('postgres', 'SHOW shared_preload_libraries'), 'pg_cron', 'pg_cron is preloaded');
$node->safe_psql('postgres', 'CREATE EXTENSION pg_cron');
$node->safe_psql('postgres', 'CREATE DATABASE ledger');
$node->safe_psql('ledger', 'CREATE EXTENSION rectify');

# A small ledger: one item per interesting state, an extension, a setting.
$node->safe_psql('ledger', q{
SELECT rectify.register_item('R-1', '130600', '露天煤场扬尘', '2021年12月31日', '2021-06-01', 'air');
SELECT rectify.register_item('R-2', '130602', '污水直排', '2022年9月', '2021-06-01', 'water');
SELECT rectify.register_item('R-3', '340000', '违规占用林地', '立行立改,持續推進', '2021-06-01', 'ecology');
SELECT rectify.assign_unit(1, '保定市人民政府', 'primary');
SELECT rectify.add_measure(1, '煤场全封闭', '2021年10月');
SELECT rectify.report_progress(1, 0.4, '2021-08-01', 'half the yards covered');
SELECT rectify.advance(2, 'in_progress', '2021-07-01');
SELECT rectify.extend_deadline(2, '2022-12-31', '副市长', '设备延期到货', '2022-08-01');
SELECT rectify.advance(2, 'completed', '2022-11-30');
SELECT rectify.set_setting('warning_days', '10');
});

# What the ledger says, as of fixed dates, so the answer does not depend on
# the day the test runs.
my $ledger_q = q{
SELECT string_agg(format('%s %s %s %s %s %s', code, status, deadline, due_date, state, days_overdue), E'\n' ORDER BY code)
  FROM rectify.ledger('2023-01-01')};
my $expected_ledger = join("\n",
	'R-1 in_progress 2021-12-31 2021-12-31 overdue 366',
	'R-2 completed 2022-12-31 2022-12-31 closed_on_time 0',
	'R-3 registered immediate, ongoing  ongoing 0');
my $counts_q = q{
SELECT (SELECT count(*) FROM rectify.items) || ' items, ' ||
       (SELECT count(*) FROM rectify.events) || ' events, ' ||
       (SELECT count(*) FROM rectify.measures) || ' measures, ' ||
       (SELECT count(*) FROM rectify.units) || ' units, warning_days ' ||
       (SELECT warning_days FROM rectify.office)};
# (0.5 records the responsibility added by assign_unit as an event.)
my $expected_counts = '3 items, 9 events, 1 measures, 1 units, warning_days 10';

is($node->safe_psql('ledger', $ledger_q), $expected_ledger, 'ledger before restart');
is($node->safe_psql('ledger', $counts_q), $expected_counts, 'counts before restart');

# A clean restart, then a crash (immediate stop) and recovery from WAL.
foreach my $mode ('fast', 'immediate')
{
	$node->stop($mode);
	$node->start;
	is($node->safe_psql('ledger', $ledger_q), $expected_ledger, "ledger after $mode restart");
	is($node->safe_psql('ledger', $counts_q), $expected_counts, "counts after $mode restart");
}

# The C types and functions load in a fresh server process.
is($node->safe_psql('ledger', q{
SELECT '2022年12月31日,並長期堅持'::rectify.deadline || ' | ' ||
       rectify.prefecture('130602') || ' | ' ||
       rectify.deadline_state('2021年12月31日', '2021-06-01', NULL, '2021-12-31')}),
	'2022-12-31, sustain | 130600 | due_today', 'C functions work after restart');

# The lifecycle still refuses illegal moves and still records legal ones.
my ($ret, $out, $err) = $node->psql('ledger', q{SELECT rectify.advance(3, 'closed', '2022-01-01')});
isnt($ret, 0, 'illegal transition refused after restart');
like($err, qr/illegal status change for item "R-3": registered → closed/, '... with the lifecycle message');
$node->safe_psql('ledger', q{SELECT rectify.complete_measure(1, '2022-06-10'); SELECT rectify.advance(1, 'completed', '2022-06-15')});
is($node->safe_psql('ledger', q{SELECT max(event_id) || ' ' || count(*) FROM rectify.events}),
	'11 11', 'sequence continues after restart: the next events are 10 and 11');

# "Today" is Beijing's date although the server runs on UTC.  Computed in one
# statement, so both sides see the same now().
is($node->safe_psql('ledger', 'SHOW timezone'), 'UTC', 'server time zone is UTC');
is($node->safe_psql('ledger', q{
SELECT rectify.today() = (now() AT TIME ZONE 'Asia/Shanghai')::date
   AND rectify.office_time_zone() = 'Asia/Shanghai'}),
	't', 'today() is the date in Asia/Shanghai');

# The setting moves it.  Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25
# hours apart, so their dates differ at every moment; in one transaction
# now() is fixed, so the comparison cannot race midnight.
is($node->safe_psql('ledger', q{
BEGIN;
DO $$ BEGIN PERFORM rectify.set_setting('time_zone', 'Pacific/Kiritimati'); END $$;
CREATE TEMP TABLE east AS SELECT rectify.today() AS d, (now() AT TIME ZONE 'Pacific/Kiritimati')::date AS want;
DO $$ BEGIN PERFORM rectify.set_setting('time_zone', 'Pacific/Pago_Pago'); END $$;
CREATE TEMP TABLE west AS SELECT rectify.today() AS d, (now() AT TIME ZONE 'Pacific/Pago_Pago')::date AS want;
SELECT format('%s %s %s', east.d = east.want, west.d = west.want, east.d > west.d) FROM east, west;
COMMIT;
}), 't t t', 'set_setting(time_zone) changes today()');

# The time zone setting survives a restart too, and NULL restores the default.
$node->safe_psql('ledger', q{SELECT rectify.set_setting('time_zone', 'America/New_York')});
$node->restart;
is($node->safe_psql('ledger', q{
SELECT rectify.office_time_zone() || ' ' ||
       (rectify.today() = (now() AT TIME ZONE 'America/New_York')::date)}),
	'America/New_York true', 'time zone setting survives restart');
$node->safe_psql('ledger', q{SELECT rectify.set_setting('time_zone', NULL)});
is($node->safe_psql('ledger', q{
SELECT rectify.office_time_zone() || ' ' ||
       (rectify.today() = (now() AT TIME ZONE 'Asia/Shanghai')::date)}),
	'Asia/Shanghai true', 'NULL restores the default time zone');

# An unknown time zone is refused and changes nothing.
($ret, $out, $err) = $node->psql('ledger', q{SELECT rectify.set_setting('time_zone', 'Mars/Olympus_Mons')});
isnt($ret, 0, 'unknown time zone refused');
like($err, qr/time zone "Mars\/Olympus_Mons" not recognized/, '... with the server\'s message');
is($node->safe_psql('ledger', 'SELECT rectify.office_time_zone()'), 'Asia/Shanghai', '... and the setting is unchanged');

$node->stop;
done_testing();
