# kill -9 of the whole server in the middle of a large escalation run: after
# crash recovery the ledger holds all of that run or none of it (every item
# raised has its 'escalated' event and every event its item), and the next
# run completes the job, once.
#
# The run is stopped at a known point: another session holds a SHARE lock
# on rectify.events, so escalate() has raised its first chunk of items
# (uncommitted) and waits to record their events.  Then the postmaster and every backend get SIGKILL
# together, as from the OOM killer.  RECTIFY_CRASH_ITEMS sets the ledger
# size (default 30000, about 20 s here).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;
use Time::HiRes qw(usleep);

my $n = $ENV{RECTIFY_CRASH_ITEMS} // 30000;
my $asof = '2023-01-01';

my $node = rectify_node('crash_escalation', cron => 0, conf => "restart_after_crash = on\n");
$node->safe_psql('postgres', 'CREATE EXTENSION rectify');

# $n items, all overdue on $asof, straight into the table (the insert
# trigger computes each item's escalation_next).
$node->safe_psql('postgres', qq{
INSERT INTO rectify.items (code, region, problem, deadline, deadline_text, assigned, category)
SELECT 'C-' || g, '130600', 'problem ' || g, '2021-12-31', '2021年12月31日', '2021-01-01', 'air'
  FROM generate_series(1, $n) g;
});
is($node->safe_psql('postgres',
	"SELECT count(*) FROM rectify.items WHERE escalation_next <= '$asof'"),
	$n, "$n items are due for escalation on $asof");

# The ledger is consistent when the items raised and the 'escalated'
# events match one to one (level, date); returns "raised mismatched".
my $check_q = qq{
WITH ev AS (
  SELECT item_id, count(*) AS n, max(to_value) AS level, max(happened_on) AS day
    FROM rectify.events WHERE kind = 'escalated' GROUP BY item_id)
SELECT count(*) FILTER (WHERE i.escalation_level > 'none') || ' ' ||
       count(*) FILTER (WHERE (i.escalation_level > 'none') IS DISTINCT FROM (ev.n IS NOT NULL)
                           OR ev.n > 1 OR ev.level <> i.escalation_level::text
                           OR ev.day IS DISTINCT FROM i.escalated_on)
  FROM rectify.items i LEFT JOIN ev USING (item_id)};
is($node->safe_psql('postgres', $check_q), '0 0', 'nothing escalated yet');

# Hold rectify.events, start the run, wait until it waits for that table.
my $blocker = $node->background_psql('postgres');
$blocker->query_safe('BEGIN');
$blocker->query_safe('LOCK TABLE rectify.events IN SHARE MODE');
my $lsn_before = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');

my $run = $node->background_psql('postgres', on_error_stop => 0);
$run->query_until(qr/started/, "\\echo started\nSELECT 'done', count(*) FROM rectify.escalate('$asof');\n");
ok($node->poll_query_until('postgres', q{
SELECT wait_event_type = 'Lock' FROM pg_stat_activity
 WHERE query LIKE '%rectify.escalate(%' AND pid <> pg_backend_pid()}),
	'escalate() is running and waits to record its events');
my $wal = $node->safe_psql('postgres',
	"SELECT pg_current_wal_insert_lsn() - '$lsn_before'::pg_lsn");
cmp_ok($wal, '>', 1_000_000, 'the run has done work it has not committed');
note("WAL written by the run before the kill: $wal bytes");

# kill -9 the postmaster and all its children at once.
my $pm = $node->{_pid};
my @children;
opendir(my $proc, '/proc') or die "no /proc: $!";
foreach my $pid (grep { /^\d+$/ } readdir($proc))
{
	open(my $fh, '<', "/proc/$pid/stat") or next;
	my $stat = <$fh>;
	close($fh);
	# pid (comm) state ppid ...: comm may hold spaces, so split after ')'
	push @children, $pid if defined $stat && $stat =~ /\)\s+\S+\s+(\d+)/ && $1 == $pm;
}
closedir($proc);
note('killing postmaster ' . $pm . ' and ' . scalar(@children) . ' children');
kill('KILL', $pm, @children);
$node->{_pid} = undef;
foreach my $pid ($pm, @children)
{
	usleep(10_000) while kill(0, $pid);
}

# psql has lost its connection and exited: collect its output (quit would
# write \q to a closed pipe).
eval { $run->{run}->finish; 1 } or $run->{run}->kill_kill;
$blocker->quit;
my $run_output = $run->{stdout};
note("the run's psql said: $run->{stderr}");
unlike($run_output, qr/done/, 'the run did not finish');

$node->start;
ok($node->log_contains('database system was interrupted|not properly shut down; automatic recovery'),
	'the server went through crash recovery');
is($node->safe_psql('postgres', $check_q), '0 0',
	'after the crash: none of the run, items and events agree');
is($node->safe_psql('postgres',
	"SELECT count(*) FROM rectify.items WHERE escalation_next <= '$asof' AND escalation_level = 'none'"),
	$n, 'every item is still due for escalation');

# The next run does the whole job, and only once.
is($node->safe_psql('postgres', "SELECT count(*) FROM rectify.escalate('$asof')"),
	$n, "the next run escalates all $n items");
is($node->safe_psql('postgres', $check_q), "$n 0",
	'every item raised has exactly its event');
is($node->safe_psql('postgres', "SELECT count(*) FROM rectify.escalate('$asof')"),
	'0', 'a further run has nothing left to do');

$node->stop;
done_testing();
