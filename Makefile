# rectify — PGXS build.  `make && make install` builds against the pg_config
# on PATH (PG_CONFIG=... to choose another).  The tests are run by
# scripts/test.sh, which starts its own temporary clusters.

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

# pg_regress tests: every sql/*.sql, in the order given by test/schedule.
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))

PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
EXTRA_CLEAN = results regression.diffs regression.out tmp_check

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

rectify--$(EXTVERSION).sql: $(SQL_FRAGMENTS)
	cat $^ > $@

# Every C file includes the shared header: rebuild them all when it changes.
$(OBJS): src/rectify.h
