# The Python consumer of docs/notifications.md (psycopg2), run for real:
# it sends every notification once when it acknowledges; killed after
# sending and before acknowledging, it sends the same rows again
# (at-least-once); a second consumer gets every row; while it waits, a
# NOTIFY on rectify_notifications wakes it for an escalation step.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

# the script, exactly as the docs show it
my $doc = slurp_file("$FindBin::Bin/../../docs/notifications.md");
my ($script) = $doc =~ /```python\n(.*?)```/s;
ok(defined $script && length($script) > 200, 'docs/notifications.md shows a Python consumer');
my $consumer = "$PostgreSQL::Test::Utils::tmp_check/consumer.py";
open(my $fh, '>', $consumer) or die "writing $consumer: $!";
print $fh $script;
close $fh;
my $lines = () = $script =~ /\n/g;
cmp_ok($lines, '<=', 40, "the consumer is short ($lines lines)");

my $node = rectify_node('outbox', cron => 0);
$node->safe_psql('postgres', q{
CREATE EXTENSION rectify;
CREATE ROLE sender LOGIN IN ROLE rectify_admin;
SELECT rectify.register_item('P-' || n, '130600', '问题 ' || n, '2022年6月30日', '2021-08-31')
  FROM generate_series(1, 3) n;
SELECT rectify.assign_unit(item_id, '保定市生态环境局') FROM rectify.items;
});
# 3 items × (7-day reminder, missing June report, lagging) = 9 rows
is($node->safe_psql('postgres', q{SELECT rectify.remind('2022-06-25')}), '9', 'remind writes 9 reminders');
my @ids = split /\n/, $node->safe_psql('postgres', 'SELECT id FROM rectify.notifications ORDER BY id');

my $dsn = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres user=sender';

# run_consumer(NAME, %env): exit code and the ids it sent
sub run_consumer
{
	my ($name, %env) = @_;
	local @ENV{ keys %env } = values %env;
	my ($out, $err) = ('', '');
	IPC::Run::run([ '/usr/bin/python3', $consumer, $dsn, $name ], '>', \$out, '2>', \$err,
		IPC::Run::timeout(60));
	diag($err) if $err ne '';
	return ($? >> 8, [ map { (split / /)[0] } split /\n/, $out ], $out);
}

my ($rc, $sent, $out) = run_consumer('sms', CRASH_AFTER => 2, ONCE => 1);
is($rc, 3, 'a consumer killed after two sends exits without acknowledging');
is_deeply($sent, [ @ids[ 0, 1 ] ], 'it had sent the first two');
is($node->safe_psql('postgres', 'SELECT count(*) FROM rectify.notification_cursors'), '0', 'no cursor moved');

($rc, $sent, $out) = run_consumer('sms', ONCE => 1);
is($rc, 0, 'the consumer run again exits normally');
is_deeply($sent, \@ids, 'it sends every row, the two unacknowledged ones again');
like($out, qr/^$ids[0] due_soon 2022-06-25 保定市生态环境局 \{"code": "P-1"/m, 'a row as sent: kind, date, units, payload');
is($node->safe_psql('postgres', q{SELECT last_id FROM rectify.notification_cursors WHERE consumer = 'sms'}),
	$ids[-1], 'its cursor is at the last id');

($rc, $sent) = run_consumer('sms', ONCE => 1);
is_deeply($sent, [], 'a third run has nothing to send');
($rc, $sent) = run_consumer('mail', ONCE => 1);
is_deeply($sent, \@ids, 'another consumer gets every row');

# waiting on LISTEN: an escalation step wakes it
my ($wout, $werr) = ('', '');
my $timer = IPC::Run::timer(60);
my $h = IPC::Run::start([ '/usr/bin/python3', $consumer, $dsn, 'sms' ], '>', \$wout, '2>', \$werr, $timer);
sleep 1;
$node->safe_psql('postgres', q{SELECT rectify.escalate_item(rectify.item('P-2'), 'warning', '领导批示', '2022-06-26')});
$h->pump until $wout =~ /escalation/ || $timer->is_expired;
like($wout, qr/^\d+ escalation 2022-06-26 保定市生态环境局 .*"to": "warning"/m, 'a waiting consumer is woken for an escalation step');
$h->kill_kill;

$node->stop;
done_testing();
