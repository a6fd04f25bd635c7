# The cluster every rectify TAP test starts from: UTF8 without a locale
# (Chinese text compares bytewise, as in the pg_regress tests), a server on
# UTC (rectify.today() must still be Beijing's date), pg_cron preloaded
# unless a test says otherwise, and the test's own settings after those.
package RectifyNode;
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use Exporter 'import';
our @EXPORT = qw(rectify_node);

# rectify_node(NAME, cron => 0|1 (default 1), conf => 'extra lines')
sub rectify_node
{
	my ($name, %opt) = @_;
	my $cron = $opt{cron} // 1;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(extra => [ '--encoding=UTF8', '--no-locale' ]);
	$node->append_conf('postgresql.conf',
		"timezone = 'UTC'\n"
		  . ($cron ? "shared_preload_libraries = 'pg_cron'\ncron.database_name = 'postgres'\n" : '')
		  . ($opt{conf} // ''));
	$node->start;
	return $node;
}

1;
