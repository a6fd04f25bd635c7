# The daily job catches up missed days.  Days are simulated, not waited
# for: rectify.run_daily(day) is called as the hourly job would call it on
# that office day.  Database "daily" runs every day from 2022-06-20 to
# 2022-06-24; database "postgres" runs 06-20, then the server is stopped
# across the next days' scheduled times, started again later that day
# (06-20 is not run twice) and "three days later" on 06-23, where one
# run catches up 06-21 to 06-23: one run record per missed office day, and
# the same escalation steps, each dated on its own day, as in "daily".
# health() reports the gap before the catch-up and ok after.  Two runs at
# once: the second waits for the first and finds nothing left.  A failed
# day (lock timeout) is recorded and retried.  Last, the pg_cron job's own
# command runs the days up to today.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

my $node = rectify_node('catch_up', conf => "cron.use_background_workers = on\nmax_worker_processes = 20\n");

# The same ledger in both databases: steps fall on 06-20 (A notice, B
# warning, C circular), 06-21 (A warning, C supervision), 06-22 (B
# circular), 06-23 (D notice), 06-24 (E notice).
my $ledger = q{
CREATE EXTENSION rectify;
SELECT rectify.register_item('A', '431127', 'a', '2022-06-14', '2022-01-01', 'water');
SELECT rectify.register_item('B', '431127', 'b', '2022-06-07', '2022-01-01', 'air');
SELECT rectify.register_item('C', '431127', 'c', '2022-05-22', '2022-01-01', 'soil');
SELECT rectify.register_item('D', '431127', 'd', '2022-06-22', '2022-01-01', 'ecology');
SELECT rectify.register_item('E', '431127', 'e', '2022-06-23', '2022-01-01', 'other');
SELECT rectify.report_progress(4, 0.95, '2022-06-01');
SELECT rectify.report_progress(5, 0.95, '2022-06-01');
};
$node->safe_psql('postgres', 'CREATE DATABASE daily');
$node->safe_psql($_, $ledger) foreach ('postgres', 'daily');

my $steps_q = q{
SELECT string_agg(format('%s %s %s>%s %s', e.happened_on, i.code, e.from_value, e.to_value, e.days_overdue),
                  E'\n' ORDER BY e.happened_on, i.code)
  FROM rectify.events e JOIN rectify.items i USING (item_id) WHERE e.kind = 'escalated'};
my $runs_q = q{
SELECT string_agg(format('%s %s %s %s', office_date, outcome, steps, attempts), ',' ORDER BY office_date)
  FROM rectify.job_runs WHERE job = 'escalate'};
my $health_q = sub {
	my $day = shift;
	return qq{SELECT status || ': ' || detail FROM rectify.health('$day') WHERE check_name = 'escalation_run'};
};

# "daily": the job ran every day.
foreach my $day ('2022-06-20', '2022-06-21', '2022-06-22', '2022-06-23')
{
	is($node->safe_psql('daily', "SELECT count(*) FROM rectify.run_daily('$day')"), '1',
		"daily: the run of $day does its day");
}

# "postgres": 06-20 runs, then the server is down across the next
# scheduled runs.
is($node->safe_psql('postgres', q{SELECT office_date || ' ' || steps FROM rectify.run_daily('2022-06-20')}),
	'2022-06-20 3', 'the first run ever does only its day');
$node->stop;
$node->start;
is($node->safe_psql('postgres', q{SELECT count(*) FROM rectify.run_daily('2022-06-20')}), '0',
	'started again later the same day: the day is not run twice');
$node->stop;
$node->start;
like($node->safe_psql('postgres', $health_q->('2022-06-23')),
	qr/^fail: 3 office days not run \(2022-06-21 to 2022-06-23; the last day done is 2022-06-20\)/,
	'three days later, before the run: health reports the gap');
like($node->safe_psql('postgres', $health_q->('2022-06-21')),
	qr/^warn: the daily run of 2022-06-21 has not run yet/, 'one day behind is a warning');

# Two runs at once (the job and a DBA): the second waits for the first,
# then finds every day done.
my $first = $node->background_psql('postgres');
$first->query_safe('BEGIN');
is($first->query_safe(q{SELECT string_agg(office_date || ' ' || steps, ',' ORDER BY office_date) FROM rectify.run_daily('2022-06-23')}),
	'2022-06-21 2,2022-06-22 1,2022-06-23 1', 'the catch-up runs 06-21, 06-22 and 06-23 in order');
my $second = $node->background_psql('postgres');
$second->query_until(qr/started/, "\\echo started\nSELECT 'second run: ' || count(*) FROM rectify.run_daily('2022-06-23');\n");
ok($node->poll_query_until('postgres', q{
SELECT wait_event_type = 'Lock' FROM pg_stat_activity
 WHERE query LIKE '%second run%' AND pid <> pg_backend_pid()}),
	'a second run at the same time waits for the first');
$first->query_safe('COMMIT');
$first->quit;
$second->quit;
like($second->{stdout}, qr/second run: 0/, 'then finds nothing left to do');

is($node->safe_psql('postgres', $runs_q),
	'2022-06-20 done 3 1,2022-06-21 done 2 1,2022-06-22 done 1 1,2022-06-23 done 1 1',
	'exactly one run record per office day');
is($node->safe_psql('postgres', $steps_q), $node->safe_psql('daily', $steps_q),
	'the same steps on the same days as in the database that ran every day');
note($node->safe_psql('postgres', $steps_q));
like($node->safe_psql('postgres', $health_q->('2022-06-23')),
	qr/^ok: the daily run of 2022-06-23 finished at .*: 1 escalation step$/, 'after the catch-up health is ok');

# A failed day: 06-24's run cannot lock the items it escalates within
# lock_timeout.  It is recorded as failed, nothing of it is written, and
# the next run does it.
my $blocker = $node->background_psql('postgres');
$blocker->query_safe('BEGIN');
$blocker->query_safe(q{SELECT 1 FROM rectify.items WHERE code = 'E' FOR UPDATE});
my ($ret, $out, $err) = $node->psql('postgres',
	q{SET lock_timeout = '200ms'; SELECT office_date || ' ' || outcome || ' ' || detail FROM rectify.run_daily('2022-06-24')});
like($out, qr/^2022-06-24 failed 55P03: canceling statement due to lock timeout/, 'a day that fails is recorded as failed');
like($err, qr/WARNING:  the daily run of office day 2022-06-24 failed/, 'with a warning');
like($node->safe_psql('postgres', $health_q->('2022-06-24')),
	qr/^fail: the daily run of 2022-06-24 failed \(1 attempt, .*\): 55P03: canceling statement due to lock timeout/,
	'health reports the failure and its error');
is($node->safe_psql('postgres', q{SELECT count(*) FROM rectify.events WHERE happened_on = '2022-06-24'}), '0',
	'nothing of the failed day was written');
$blocker->query_safe('ROLLBACK');
$blocker->quit;
is($node->safe_psql('postgres', q{SELECT office_date || ' ' || outcome || ' ' || steps FROM rectify.run_daily('2022-06-24')}),
	'2022-06-24 done 1', 'the next run does the failed day');
is($node->safe_psql('daily', q{SELECT count(*) FROM rectify.run_daily('2022-06-24')}), '1', 'daily: 06-24');
is($node->safe_psql('postgres', $steps_q), $node->safe_psql('daily', $steps_q), 'still the same steps as every day');
is($node->safe_psql('postgres', q{SELECT attempts FROM rectify.job_runs WHERE office_date = '2022-06-24'}), '2',
	'the record counts both attempts');

# The pg_cron job's command, as pg_cron runs it (the default search_path,
# today's date): it catches up from 06-25 to today, once, in one run per
# day; run again, it does nothing.
$node->safe_psql('postgres', 'CREATE EXTENSION pg_cron');
my $cmd = $node->safe_psql('postgres', q{SELECT rectify.job_command('escalate')});
my $today = $node->safe_psql('postgres', 'SELECT rectify.today()');
my $expected_days = $node->safe_psql('postgres', q{SELECT rectify.today() - date '2022-06-24'});
is((split /\n/, $node->safe_psql('postgres', $cmd))[0], $expected_days,
	"the job's command runs every day from 2022-06-25 to today ($expected_days days)");
is($node->safe_psql('postgres', q{
	SELECT count(*) || ' ' || count(DISTINCT office_date) || ' ' || max(office_date)
	  FROM rectify.job_runs WHERE office_date > '2022-06-24'}),
	"$expected_days $expected_days $today", 'one record per day up to today');
is((split /\n/, $node->safe_psql('postgres', $cmd))[0], '0', 'the next hour: nothing to do');
is($node->safe_psql('postgres', qq{SELECT status FROM rectify.health('$today') WHERE check_name = 'escalation_run'}),
	'ok', 'health() for today: ok');

$node->stop;
done_testing();
