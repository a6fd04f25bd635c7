# The monthly dispatch report as a person sees it: rectify.dispatch_report
# written to a file as docs/report.md shows, rendered by headless Chromium
# to PDF and to a PNG of one A4 page at 150 dpi; pdftotext finds the
# headline figures, the unit names and a quality indicator in the PDF (so
# the CJK text was drawn with a font, not as boxes), and the PNG stays in
# tmp_check for a person to look at.  Skipped when chromium or pdftotext is not installed
# (scripts/test.sh installs them).
use strict;
use warnings;
use utf8;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::Bin;
use RectifyNode;

my ($chromium) = grep { -x } map { "$_/chromium" } split /:/, "$ENV{PATH}:/usr/bin";
my ($pdftotext) = grep { -x } map { "$_/pdftotext" } split /:/, "$ENV{PATH}:/usr/bin";
plan skip_all => 'chromium or pdftotext is not installed (Debian: chromium fonts-wqy-zenhei poppler-utils)'
  unless $chromium && $pdftotext;

my $dir = $PostgreSQL::Test::Utils::tmp_check;
my $node = rectify_node('report', cron => 0);
$node->safe_psql('postgres', q{
CREATE EXTENSION rectify;
SELECT rectify.register_item(code, region::rectify.region, problem, deadline, '2024-01-02')
  FROM (VALUES ('YZ-01', '431127', '城区污水直排', '2024年3月31日'),
               ('YZ-02', '431127', '扬尘污染', '2024年5月15日'),
               ('YZ-03', '431127', '垃圾渗滤液', '2024年6月20日'),
               ('YZ-04', '431103', '生态修复', '立行立改,持續推進'),
               ('BD-01', '130602', '固废堆存', '2024年4月30日'),
               ('BD-02', '130602', '林地占用', '2024年12月31日'),
               ('BD-03', '130602', '油烟扰民', '2024年7月10日')) AS v(code, region, problem, deadline);
SELECT rectify.assign_unit(rectify.item(c), '江永县人民政府') FROM unnest('{YZ-01,YZ-02,YZ-03}'::text[]) c;
SELECT rectify.assign_unit(rectify.item('YZ-04'), '冷水滩区林业局');
SELECT rectify.assign_unit(rectify.item(c), '保定市竞秀区生态环境分局') FROM unnest('{BD-01,BD-02,BD-03}'::text[]) c;
SELECT count(*) FROM rectify.escalate('2024-06-30');
INSERT INTO rectify.indicator_values (region, indicator, year, period, value, reported_change_pct)
  VALUES ('431127', 'pm25', 2024, 'H1', 42, -2.3);
INSERT INTO rectify.indicator_targets (region, indicator, year, comparator, target)
  VALUES ('431127', 'pm25', 2024, '<=', 36.8);
});

# the file, as docs/report.md writes it
my $html = "$dir/report.html";
my $connstr = $node->connstr('postgres');
system('psql', '-XAtc', q{SELECT rectify.dispatch_report('2024-06-01')}, '-o', $html, $connstr) == 0
  or die "psql failed";
ok(-s $html > 5000, 'psql -XAtc ... -o report.html writes the page');

# the figures the page must show, straight from SQL
my ($items, $open, $overdue) = split /\|/, $node->safe_psql('postgres', q{
SELECT (SELECT count(*) FROM rectify.ledger('2024-06-30')),
       (SELECT count(*) FROM rectify.ledger('2024-06-30') WHERE light <> 'closed'),
       (SELECT count(*) FROM rectify.overdue('2024-06-30'))});

# Chromium needs a home and a profile it can write
local $ENV{HOME} = $dir;
my @chromium = ('timeout', '60', $chromium, '--headless', '--no-sandbox', '--disable-gpu',
	'--no-first-run', '--disable-dev-shm-usage', "--user-data-dir=$dir/chromium-profile",
	'--hide-scrollbars');
my $pdf = "$dir/report.pdf";
my $png = "$dir/dispatch_report.png";
ok(run_log([ @chromium, "--print-to-pdf=$pdf", '--no-pdf-header-footer', "file://$html" ]) && -s $pdf,
	'chromium prints the page to PDF');
ok(run_log([ @chromium, "--screenshot=$png", '--window-size=1240,1754', "file://$html" ]) && -s $png > 20000,
	'chromium takes a screenshot of an A4 page');

my $pdftext = "$dir/report.txt";
ok(run_log([ $pdftotext, '-enc', 'UTF-8', $pdf, $pdftext ]), 'pdftotext reads the PDF');
my $text = slurp_file($pdftext);
utf8::decode($text);
(my $flat = $text) =~ s/\s+/ /g;
like($flat, qr/2024-06-30/, 'the PDF shows the report date');
# the headline cards sit side by side: their labels and figures may come
# out of the PDF in rows, but in order, before the first chart
like($flat, qr/问题总数 Items.*?(?<!\d)\Q$items\E(?!\d).*?(?<!\d)\Q$open\E(?!\d).*?(?<!\d)\Q$overdue\E(?!\d).*?按灯色/,
	"the PDF shows the headline figures: items $items, open $open, overdue $overdue");
like($flat, qr/未完成 Open/, 'the PDF shows the open label');
like($flat, qr/逾期 Overdue/, 'the PDF shows the overdue label');
like($flat, qr/江永县人民政府/, 'the PDF shows a unit name in CJK');
like($flat, qr/保定市竞秀区生态环境分局/, 'the PDF shows the other unit');
like($flat, qr/YZ-01/, 'the PDF lists the most overdue item');
# a table cell may wrap a long name: any character may be followed by a
# line break, which pdftotext gives as a space
my $loose = sub { my $t = join('\s?', map { quotemeta } split //, shift); qr/$t/ };
like($flat, $loose->('细颗粒物(PM2.5)平均浓度'), 'the PDF shows a quality indicator by name');
like($flat, $loose->('未达标'), 'the PDF marks the indicator not met in words');
my $pages = () = $text =~ /\f/g;
cmp_ok($pages, '<=', 3, "the report prints on at most 3 A4 pages ($pages)");
diag("the rendered report: $png (PDF: $pdf)");

$node->stop;
done_testing();
