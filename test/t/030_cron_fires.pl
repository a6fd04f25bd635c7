# pg_cron really fires rectify's jobs: a cluster with pg_cron preloaded
# (background workers, so no pg_hba or socket trouble), a small ledger
# with an overdue item, rectify.schedule_jobs('* * * * *', '* * * * *'),
# then cron.job_run_details and rectify.events are polled (at most 120 s)
# until the escalation and the dispatch have run.  Also: the errors when
# pg_cron is loaded but not created, and when it is absent, while
# rectify.escalate() still works for an outside scheduler; and a dump and
# restore brings back policies and levels once, without duplicates.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;
use Time::HiRes qw(sleep time);

my $node = rectify_node('cron_fires', conf => q{
cron.use_background_workers = on
max_worker_processes = 20
});

$node->safe_psql('postgres', 'CREATE EXTENSION rectify');

# pg_cron preloaded but not created here: a clear error, 55000.
my ($ret, $out, $err) = $node->psql('postgres',
	"\\set VERBOSITY verbose\nSELECT * FROM rectify.schedule_jobs()");
isnt($ret, 0, 'schedule_jobs fails before CREATE EXTENSION pg_cron');
like($err, qr/55000: pg_cron is loaded but not created in database "postgres"/,
	'the error says pg_cron is not created here');
like($err, qr/CREATE EXTENSION pg_cron/, 'the hint says what to run');

$node->safe_psql('postgres', 'CREATE EXTENSION pg_cron');
is($node->safe_psql('postgres', q{SELECT count(*) FROM cron.job}), '0',
	'installing rectify scheduled nothing');

# A small ledger: one item long overdue, one not yet due, one ongoing.
$node->safe_psql('postgres', q{
SELECT rectify.register_item('T-01', '130600', '污水直排', '2021年12月31日', '2021-07-01', 'water', 'central');
SELECT rectify.register_item('T-02', '131000', '远期问题', '2099-12-31', rectify.today(), 'air', 'provincial');
SELECT rectify.register_item('T-03', '340000', '持续推进', '持續推進', '2021-07-01');
SELECT rectify.assign_unit(1, '保定市生态环境局');
});

my $jobs = $node->safe_psql('postgres',
	q{SELECT string_agg(jobname || '|' || schedule, ',' ORDER BY jobname) FROM rectify.schedule_jobs('* * * * *', '* * * * *')});
is($jobs, 'rectify-dispatch|* * * * *,rectify-escalate|* * * * *', 'both jobs scheduled every minute');

# Wait for both jobs to finish a run, at most 120 s.
my $deadline = time() + 120;
my $done = '';
while (time() < $deadline)
{
	$done = $node->safe_psql('postgres', q{
		SELECT string_agg(DISTINCT j.jobname || ':' || d.status, ',' ORDER BY j.jobname || ':' || d.status)
		  FROM cron.job_run_details d JOIN cron.job j USING (jobid)
		 WHERE d.status IN ('succeeded', 'failed')});
	last if $done =~ /rectify-dispatch/ && $done =~ /rectify-escalate/;
	sleep(2);
}
note('job runs: ' . $done);
like($done, qr/rectify-escalate:succeeded/, 'the escalation job ran and succeeded within 120 s');
like($done, qr/rectify-dispatch:succeeded/, 'the dispatch job ran and succeeded within 120 s');
unlike($done, qr/failed/, 'no run failed');

my $msg = $node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT coalesce(d.return_message, ''), ' / ')
	  FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE d.status = 'failed'});
is($msg, '', 'no failure messages');

# What the job did: T-01 went straight to the top of the ladder, recorded
# with the job's role, today's office date and its days overdue.
is($node->safe_psql('postgres', q{
	SELECT string_agg(code || ':' || escalation_level, ',' ORDER BY code) FROM rectify.items}),
	'T-01:accountability,T-02:none,T-03:none', 'the overdue item was escalated, the others not');
is($node->safe_psql('postgres', q{
	SELECT count(*) || '|' || min(from_value) || '|' || min(to_value) || '|'
	       || bool_and(happened_on = rectify.today() OR happened_on = rectify.today() - 1) || '|'
	       || bool_and(days_overdue > 120) || '|' || bool_and(actor = current_user)
	  FROM rectify.events WHERE kind = 'escalated'}),
	'1|none|accountability|true|true|true', 'one escalation event, dated the office day, by the job owner');
cmp_ok($node->safe_psql('postgres', q{
	SELECT count(*) FROM rectify.dispatch_snapshots WHERE code IN ('T-01', 'T-02', 'T-03')}),
	'==', 3, 'the dispatch snapshotted the three open items');

# Later runs change nothing (idempotent); unscheduling removes both jobs.
is($node->safe_psql('postgres', q{SELECT count(*) FROM rectify.escalate()}), '0',
	'a manual run after the job finds nothing to do');
is($node->safe_psql('postgres',
	q{SELECT string_agg(jobname, ',' ORDER BY jobname) FROM rectify.unschedule_jobs()}),
	'rectify-dispatch,rectify-escalate', 'unschedule_jobs removes both jobs');
is($node->safe_psql('postgres', q{SELECT count(*) FROM cron.job}), '0', 'no job left');
$node->stop;

# Without pg_cron at all: schedule_jobs says what to configure; the rest works.
my $plain = PostgreSQL::Test::Cluster->new('no_cron');
$plain->init;
$plain->start;
$plain->safe_psql('postgres', 'CREATE EXTENSION rectify');
($ret, $out, $err) = $plain->psql('postgres',
	"\\set VERBOSITY verbose\nSELECT * FROM rectify.schedule_jobs()");
isnt($ret, 0, 'schedule_jobs fails without pg_cron');
like($err, qr/55000: pg_cron is not available/, 'the error says pg_cron is not available');
like($err, qr/shared_preload_libraries = 'pg_cron'/, 'the hint says what to configure');
$plain->safe_psql('postgres', q{
SELECT rectify.register_item('N-01', '130600', '污水直排', '2021年12月31日', '2021-07-01');});
is($plain->safe_psql('postgres', q{SELECT to_level FROM rectify.escalate()}), 'accountability',
	'escalate() works for an outside scheduler');
is($plain->safe_psql('postgres', q{SELECT rectify.purge_cron_history() IS NULL}), 't',
	'housekeeping has nothing to do without pg_cron');

# Dump and restore: the office's policy rows and the ledger's levels come
# back once; the built-in ladder is not duplicated.
$plain->safe_psql('postgres', q{
INSERT INTO rectify.escalation_policy (source, level, min_days_overdue, note)
VALUES ('central', 'supervision', 20, '中央督察交办问题加快督办');
SELECT rectify.register_item('N-02', '130600', '未到期', '2099-12-31', '2022-01-01');
SELECT rectify.dispatch('2022-06-30');
});
my $state_sql = q{
SELECT (SELECT count(*) FROM rectify.escalation_ladder) || '|'
    || (SELECT count(*) FROM rectify.escalation_policy) || '|'
    || (SELECT string_agg(code || ':' || escalation_level || ':' || coalesce(escalation_next::text, '-'), ',' ORDER BY code) FROM rectify.items) || '|'
    || (SELECT count(*) FROM rectify.events) || '|'
    || (SELECT count(*) FROM rectify.dispatch_snapshots)};
my $before = $plain->safe_psql('postgres', $state_sql);
my $dump = $PostgreSQL::Test::Utils::tmp_check . '/rectify.sql';
command_ok([ 'pg_dump', '-d', $plain->connstr('postgres'), '-f', $dump ], 'pg_dump');
$plain->safe_psql('postgres', 'CREATE DATABASE restored');
command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $plain->connstr('restored'), '-f', $dump ],
	'restore without errors');
is($plain->safe_psql('restored', $state_sql), $before, 'restored ledger, levels and policies are the same');
is($plain->safe_psql('restored', q{SELECT count(*) FROM rectify.escalate(rectify.today())}), '0',
	'nothing to escalate again after a restore');
$plain->stop;

done_testing();
