# rectify through real client drivers (issue #16): pgjdbc (Debian's
# libpostgresql-jdbc-java), psqlODBC under unixODBC (Debian's odbc-postgresql
# with python3-pyodbc) and node-postgres (npm's pg, installed with npm ci
# from test/clients/node/package-lock.json).  Each logs in over TCP as the
# administrator and as an officer (test/clients/fixture.sql), writes
# deadlines, regions and emissions through bound string parameters, calls
# register_item, extend_deadline and report_progress, reads the ledger back,
# and gets the types' own SQLSTATEs for bad values.  Each client prints one
# "PASS name" or "FAIL name: why" line per check; every check below must
# pass for every driver.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Copy;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

my $clients = "$FindBin::Bin/../clients";
my $node = rectify_node('clients', cron => 0, conf => "listen_addresses = '127.0.0.1'\n");
my $port = $node->port;
$node->safe_psql('postgres', slurp_file("$clients/fixture.sql"));

my @common = qw(register_item assign_unit update_region extend_deadline insert_emission
  find_by_region bad_region bad_region_syntax bad_deadline bad_emission
  report_progress read_ledger own_table bad_deadline_insert officer_no_rights);

# run_client(NAME, [COMMAND], CHECKS...): every check passed, nothing failed
sub run_client
{
	my ($name, $cmd, @checks) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run($cmd, '>', \$out, '2>', \$err);
	my %passed = map { $_ => 1 } ($out =~ /^PASS (\S+)$/mg);
	foreach my $check (@checks)
	{
		ok($passed{$check}, "$name: $check");
	}
	my @failed = ($out =~ /^(FAIL .*)$/mg);
	is_deeply(\@failed, [], "$name: no check failed");
	ok($ok, "$name: exit status 0") or diag("stdout:\n$out\nstderr:\n$err");
	return;
}

# pgjdbc binds setString() as varchar: the casts of 26_client_casts.sql
# (C1 JIT and the serial GC: a short run starts in about half the time)
run_client('jdbc',
	[ 'java', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', '/usr/share/java/postgresql.jar', "$clients/jdbc/ClientCasts.java",
	  '127.0.0.1', $port, 'postgres' ],
	@common);

# psqlODBC: strings are sent untyped; the officer's client polls the
# history and escalation_history() where LISTEN would wait (ODBC has none)
run_client('odbc',
	[ '/usr/bin/python3', "$clients/odbc/client_casts.py", '127.0.0.1', $port, 'postgres' ],
	@common, qw(escalate_item poll_events poll_escalations));

# node-postgres, from npm into this test's own directory
my $npm = "$PostgreSQL::Test::Utils::tmp_check/node";
mkdir $npm;
copy("$clients/node/$_", "$npm/$_") or die "copying $_: $!" foreach ('package.json', 'package-lock.json');
my ($npm_out, $npm_err) = ('', '');
ok(IPC::Run::run([ 'npm', 'ci', '--no-audit', '--no-fund', '--prefix', $npm ], '>', \$npm_out, '2>', \$npm_err),
	'npm ci installs pg') or diag($npm_out . $npm_err);
$ENV{NODE_PATH} = "$npm/node_modules";
run_client('node', [ 'node', "$clients/node/client_casts.js", '127.0.0.1', $port, 'postgres' ], @common);

# what the three drivers wrote, read back by the superuser: one item each,
# moved, extended and reported on, and the base-year emissions of its year
is($node->safe_psql('postgres', q{
SELECT string_agg(format('%s %s %s %s %s', code, region, deadline, due_date, progress), E'\n' ORDER BY code)
  FROM rectify.items}),
	join("\n", map { "$_-1 130602 2025-06-30 2025-06-30 0.4000" } qw(J N O)),
	'the ledger holds what each driver wrote');
is($node->safe_psql('postgres', q{
SELECT string_agg(format('%s %s %s', year, region, amount), ', ' ORDER BY year, pollutant COLLATE "C")
  FROM rectify.base_emissions}),
	join(', ', map { "$_ 130600 1.2 t NH3-N, $_ 130600 15500 t SO2" } (2021, 2022, 2023)),
	'the base-year emissions each driver entered');

$node->stop;
done_testing();
