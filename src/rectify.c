/*
 * rectify.c — the module's one PG_MODULE_MAGIC.  Each type and concern has
 * its own file; this one only marks the shared library as a PostgreSQL
 * extension module.
 */
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;
