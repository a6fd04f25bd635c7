/*
 * rectify.c — the module's one PG_MODULE_MAGIC and its settings.
 *
 * Each type and concern has its own file; this one marks the shared library
 * as a PostgreSQL extension module and defines the rectify.* settings when
 * the library is loaded.  Once they are defined the prefix is reserved, so
 * a misspelt rectify.* setting is an error instead of a silent placeholder,
 * and C code reads a setting from its variable instead of parsing a
 * placeholder's text on every call.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "rectify.h"

PG_MODULE_MAGIC;

/* rectify.missing_calendar_year, read by src/calendar.c */
int			rectify_missing_calendar_year = MISSING_YEAR_WARNING;

/* rectify.asof, rectify.reason, rectify.fact_date: read from SQL with current_setting() */
static char *rectify_asof = NULL;
static char *rectify_reason = NULL;
static char *rectify_known_at = NULL;
static char *rectify_fact_date = NULL;

/*
 * The values of rectify.missing_calendar_year.  Matching is case-blind,
 * as for every enum setting.  The hidden empty value means 'warning', as
 * it did when the setting was a placeholder read as text.
 */
static const struct config_enum_entry missing_calendar_year_options[] = {
	{"warning", MISSING_YEAR_WARNING, false},
	{"error", MISSING_YEAR_ERROR, false},
	{"", MISSING_YEAR_WARNING, true},
	{NULL, 0, false}
};

void		_PG_init(void);

/*
 * _PG_init: define the rectify.* settings when the library is loaded (by
 * the first call of a rectify C function in a session, or through
 * shared_preload_libraries), then reserve the prefix.  A value set in the
 * session before the library was loaded is taken over here; one that is
 * not valid draws a warning and the default.
 */
void
_PG_init(void)
{
	DefineCustomEnumVariable("rectify.missing_calendar_year",
							 "What a working-day count over a year without calendar data does.",
							 "warning counts the year Monday to Friday and warns once per transaction; error raises 22008.",
							 &rectify_missing_calendar_year,
							 MISSING_YEAR_WARNING,
							 missing_calendar_year_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("rectify.asof",
							   "The date the scoring views compute as of (YYYY-MM-DD); empty means rectify.today().",
							   "Set for the length of a call by item_scores(), unit_scorecard() and region_scorecard().",
							   &rectify_asof,
							   "",
							   PGC_USERSET,
							   GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("rectify.known_at",
							   "The moment the scoring views answer as known at (a timestamptz); empty means now().",
							   "Set for the length of a call by item_scores(), unit_scorecard() and region_scorecard().",
							   &rectify_known_at,
							   "",
							   PGC_USERSET,
							   GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("rectify.reason",
							   "The reason the audit trail records for the change being made.",
							   "Set for the length of a call by the rectify functions that take a reason.",
							   &rectify_reason,
							   "",
							   PGC_USERSET,
							   GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("rectify.fact_date",
							   "The date the audit trail records for the change being made (YYYY-MM-DD); empty means rectify.today().",
							   "Set for the length of a call by rectify.unassign_unit(), whose removal the audit trigger records.",
							   &rectify_fact_date,
							   "",
							   PGC_USERSET,
							   GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);

	MarkGUCPrefixReserved("rectify");
}

/*
 * caller(): the role the session acts as outside any SECURITY DEFINER
 * function.  SET ROLE and SET LOCAL ROLE change it (a pool that logs in
 * once and switches to each person gets that person's rights, and a switch
 * to a weaker role reduces them); SECURITY DEFINER does not, so rectify's
 * own functions, which run as their owner, still see who called them.
 * session_user would ignore SET ROLE, current_user would be the owner.
 */
PG_FUNCTION_INFO_V1(rectify_caller);
Datum
rectify_caller(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(GetOuterUserId());
}
