# rectify — PGXS build.  `make && make install` builds against the pg_config
# on PATH (PG_CONFIG=... to choose another).
#
# Tests, against a running server that preloads pg_cron with
# cron.database_name = 'contrib_regression' (test/regress.conf has the
# settings; pg_regress creates the databases):
#   make installcheck         pg_regress (sql/, expected/), then isolation
#                             (test/isolation), then TAP (test/t)
#   make prove_installcheck   only the TAP tests (each starts its own servers)
#   make upgradecheck         dump after ALTER EXTENSION UPDATE from the
#                             previous release's tag = dump of a fresh install
# scripts/test.sh runs all of them in a temporary cluster of its own.

EXTENSION = rectify
EXTVERSION = 1.0

MODULE_big = rectify
OBJS = \
	src/calendar.o \
	src/deadline.o \
	src/emission.o \
	src/rectify.o \
	src/region.o \
	src/score.o

# The install script of the current version is assembled from one SQL file
# per concern, in file-name order.  Every upgrade script from a released
# version (rectify--A--B.sql) is shipped too.
SQL_FRAGMENTS = $(sort $(wildcard src/sql/*.sql))
DATA_built = rectify--$(EXTVERSION).sql
DATA = $(wildcard rectify--*--*.sql)

# pg_regress: the tests of test/schedule, in its order (setup first: it makes
# the helpers the others use).  scripts/test.sh checks that every sql/*.sql
# is listed there.
REGRESS = $(shell sed -n 's/^test:[[:space:]]*//p' test/schedule)
ENCODING = UTF8
NO_LOCALE = 1
# pg_cron's launcher stays connected to cron.database_name, so pg_regress's
# own DROP DATABASE of a previous run's contrib_regression would fail: drop
# it first WITH (FORCE), which ends that connection (the launcher reconnects
# once pg_regress has created the database again).
REGRESS_PREP = drop-regress-db

# isolationtester: test/isolation/specs/*.spec against test/isolation/expected.
ISOLATION = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=$(EXTENSION)

# TAP: PostgreSQL::Test::Cluster scripts; each starts its own servers.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
EXTRA_CLEAN = results regression.diffs regression.out tmp_check output_iso

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

rectify--$(EXTVERSION).sql: $(SQL_FRAGMENTS)
	cat $^ > $@

# Every C file includes the shared header: rebuild them all when it changes.
$(OBJS): src/rectify.h

.PHONY: drop-regress-db prove_installcheck upgradecheck
drop-regress-db:
	$(if $(REGRESS),'$(bindir)/psql' -X -q -d postgres -c 'DROP DATABASE IF EXISTS $(CONTRIB_TESTDB) WITH (FORCE)')

prove_installcheck:
	$(prove_installcheck)

upgradecheck:
	test/upgrade-check.sh
