# A short run of the fuzzer (test/fuzz/pgfuzz.c, the one test/fuzz/run.sh
# runs a million inputs per target of): 20000 generated and mutated inputs
# for each of the four types' text input and binary receive functions.
# Every input must give a value that prints and re-reads equal or a clean
# error (no XX000), and the server must stay up.  PGFUZZ_COUNT changes the
# count.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $count = $ENV{PGFUZZ_COUNT} // 20000;

# Build the fuzzer against the libpq of the pg_config on PATH (or of the
# system, when PATH leads to a copied installation without headers).
my $pgfuzz = "$PostgreSQL::Test::Utils::tmp_check/pgfuzz";
my $incdir = `pg_config --includedir`;
my $libdir = `pg_config --libdir`;
chomp($incdir, $libdir);
($incdir, $libdir) = ('/usr/include/postgresql', '/usr/lib/x86_64-linux-gnu')
  unless -f "$incdir/libpq-fe.h";
command_ok([ 'gcc', '-O2', '-I', $incdir, '-o', $pgfuzz, 'test/fuzz/pgfuzz.c', "-L$libdir", '-lpq' ],
	'pgfuzz builds');

my $node = PostgreSQL::Test::Cluster->new('fuzz_smoke');
$node->init(extra => [ '--encoding=UTF8', '--no-locale' ]);
# ERROR is below LOG for the server log: it keeps server events, not the
# rejected inputs.
$node->append_conf('postgresql.conf', "log_min_messages = log\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION rectify');
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

my ($stdout, $stderr);
my $ok = IPC::Run::run([ $pgfuzz, '-n', $count, '-s', 'test/fuzz/seeds.txt', $node->connstr('postgres') ],
	'>', \$stdout, '2>', \$stderr);
note($stdout);
note($stderr) if $stderr ne '';
ok($ok, "pgfuzz: $count inputs per target, no failures");
my @lines = grep { /^\S+ +\d+ inputs,.*failures 0/ } split /\n/, $stdout;
is(scalar(@lines), 8, 'all eight targets ran clean');
like($stdout, qr/^deadline +$count inputs, +[1-9]\d* accepted/m, 'some inputs were valid deadlines');

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $started,
	'the server never restarted');
ok(!$node->log_contains('terminated by signal|was terminated|TRAP:'),
	'no server process died');

$node->stop;
done_testing();
