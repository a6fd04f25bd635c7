/*
 * rectify.h — declarations shared by rectify's C files.
 *
 * Each SQL type has its representation, its Datum macros and its parser
 * here; the parsers take an error_ok flag so the same code serves input
 * functions (which raise) and probing callers (which want a yes/no).
 */
#ifndef RECTIFY_H
#define RECTIFY_H

#include "postgres.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "fmgr.h"
#include "utils/date.h"
#include "utils/syscache.h"

/* ----------------------------------------------------------------
 * rectify.deadline (整改时限): 8 bytes, passed by value.
 *
 *   bits  0..31  value: a DateADT for DL_DATE, 0 otherwise (a count for
 *                the relative kinds reserved below)
 *   bits 32..39  kind (DeadlineKind)
 *   bits 40..47  flags (DLF_*)
 *   bits 48..63  zero: reserved for a format version
 *
 * Relative forms ("15 workdays", "30 days") have kinds 4 and 5, with the
 * count in the value bits.  The layout is on disk and in the binary
 * format: never renumber a kind or a flag.
 * ---------------------------------------------------------------- */
typedef int64 Deadline;

typedef enum DeadlineKind
{
	DL_DATE = 1,				/* a fixed date, e.g. 2021-12-31 */
	DL_IMMEDIATE = 2,			/* 立行立改 / 立即整改 */
	DL_ONGOING = 3,				/* 持续推进 / 长期坚持: no end date */
	DL_DAYS = 4,				/* N calendar days after assignment (30日) */
	DL_WORKDAYS = 5				/* N working days after assignment (15个工作日) */
} DeadlineKind;

#define DLF_SUSTAIN		0x01	/* date, then sustained (长期坚持、防止反弹) */
#define DLF_ONGOING		0x02	/* immediate, then ongoing (立行立改,持续推进) */
/* 0x04 is not defined: binary input rejects it like any unknown flag. */
#define DLF_ROLLOVER	0x08	/* a due day off moves to the next working
								 * day (遇节假日顺延, 民法典 Art. 203) */
#define DLF_ALL			(DLF_SUSTAIN | DLF_ONGOING | DLF_ROLLOVER)

/* Relative forms count 1 to DL_MAX_COUNT days or working days. */
#define DL_MAX_COUNT	9999

#define DL_MAKE(kind, flags, value) \
	((Deadline) (((uint64) (uint8) (flags) << 40) | ((uint64) (uint8) (kind) << 32) | \
				 (uint64) (uint32) (value)))
#define DL_KIND(d)		((int) (((uint64) (d) >> 32) & 0xFF))
#define DL_FLAGS(d)		((int) (((uint64) (d) >> 40) & 0xFF))
#define DL_VALUE(d)		((int32) (uint32) ((uint64) (d) & 0xFFFFFFFF))
#define DL_RESERVED(d)	((int) (((uint64) (d) >> 48) & 0xFFFF))

#define DL_IS_ONGOING(d) \
	(DL_KIND(d) == DL_ONGOING || (DL_FLAGS(d) & DLF_ONGOING) != 0)

#define DatumGetDeadline(X)		((Deadline) DatumGetInt64(X))
#define DeadlineGetDatum(X)		Int64GetDatum(X)
#define PG_GETARG_DEADLINE(n)	DatumGetDeadline(PG_GETARG_DATUM(n))
#define PG_RETURN_DEADLINE(x)	return DeadlineGetDatum(x)

/*
 * A deadline needs a working-day calendar to resolve when it counts
 * working days or rolls a day off over to the next working day.
 */
#define DL_NEEDS_CALENDAR(d) \
	(DL_KIND(d) == DL_WORKDAYS || (DL_FLAGS(d) & DLF_ROLLOVER) != 0)

extern bool parse_deadline(const char *str, bool error_ok, Deadline *result);

/*
 * Deadline arithmetic for src/score.c (defined in src/deadline.c): the
 * due date of a deadline that needs no calendar, false if it has none.
 */
extern bool resolve_due_fixed(Deadline d, DateADT assigned, int32 immediate_days,
							  DateADT *due);

/*
 * Small date helpers shared by deadline.c, calendar.c and score.c.  They
 * are static inline here, not exported by one of those files, so that no
 * two C files call each other (the file-level call graph stays acyclic).
 */

/*
 * Raise 22008 for an infinite date: a ledger date is always a real day,
 * and date arithmetic on infinity has no answer.  `what` names the
 * argument in the message ("asof", "due date", ...).
 */
static inline void
check_finite_date(DateADT d, const char *what)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be a finite date, not %s", what,
						DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity"),
				 errhint("Pass a calendar date such as 2021-12-31.")));
}

/*
 * 序时进度 in ten-thousandths (0..10000), rounded half up: the share of
 * assigned..due elapsed at asof.  The integer behind expected_progress and
 * due_progress (deadline.c) and item_score's lag (score.c), kept in one
 * place so the three agree to the last digit.
 */
static inline int32
expected_permyriad(DateADT assigned, DateADT due, DateADT asof)
{
	if (asof >= due)
		return 10000;
	if (asof <= assigned)
		return 0;
	return (int32) (((int64) (asof - assigned) * 20000 / (due - assigned) + 1) / 2);
}

/*
 * Days overdue of an item due on `due` as of `asof`: counted to the
 * completion date when the item was completed by asof (closed_null false
 * and closed <= asof), else to asof, and 0 when not past due.  An item
 * completed after asof is still open as of asof (time travel).  The one
 * rule behind rectify.days_overdue (both forms); the caller has checked
 * that due and asof are finite.
 */
static inline int32
days_overdue_for_due(DateADT due, bool closed_null, DateADT closed, DateADT asof)
{
	DateADT		end = (!closed_null && closed <= asof) ? closed : asof;

	return end > due ? (int32) (end - due) : 0;
}

/*
 * The OID of the type rectify.<name>, 42704 if there is none: how
 * deadline.c (deadline_state's labels) and score.c (the escalation levels)
 * find the extension's enums, whose OIDs differ between databases.  Called
 * once per call site, whose fn_extra keeps what it finds.
 */
static inline Oid
rectify_type_oid(const char *name)
{
	Oid			nsp = get_namespace_oid("rectify", false);
	Oid			typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										CStringGetDatum(name),
										ObjectIdGetDatum(nsp));

	if (!OidIsValid(typid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type rectify.%s does not exist", name)));
	return typid;
}

/* ----------------------------------------------------------------
 * Working-day calendars (calendar.c)
 * ---------------------------------------------------------------- */
typedef struct WorkCalendar WorkCalendar;

extern WorkCalendar *calendar_get(const char *name);
extern bool calendar_is_workday(WorkCalendar *cal, DateADT d);
extern DateADT calendar_add_workdays(WorkCalendar *cal, DateADT d, int32 n);
extern DateADT calendar_roll_forward(WorkCalendar *cal, DateADT d);

/* ----------------------------------------------------------------
 * rectify.region: a GB/T 2260 six-digit code, stored as int32 by value.
 * ---------------------------------------------------------------- */
typedef int32 Region;

#define DatumGetRegion(X)		((Region) DatumGetInt32(X))
#define RegionGetDatum(X)		Int32GetDatum(X)
#define PG_GETARG_REGION(n)		DatumGetRegion(PG_GETARG_DATUM(n))
#define PG_RETURN_REGION(x)		return RegionGetDatum(x)

extern bool parse_region(const char *str, bool error_ok, Region *result);

/* ----------------------------------------------------------------
 * rectify.emission (src/emission.c): an amount of exactly one pollutant,
 * 16 bytes, passed by reference (INTERNALLENGTH 16, ALIGNMENT double).
 *
 * The amount is integer grams, so sums never drift; the pollutant code is
 * the first sort key.  The codes are stored on disk: never renumber them.
 * `reserved` is zero in every value (in, recv and every function make
 * sure of it); it is room for later use, e.g. the unit a value was typed in.
 * ---------------------------------------------------------------- */
typedef enum Pollutant
{
	POL_COD = 1,				/* 化学需氧量 chemical oxygen demand */
	POL_NH3N = 2,				/* 氨氮 ammonia nitrogen */
	POL_TN = 3,					/* 总氮 total nitrogen */
	POL_TP = 4,					/* 总磷 total phosphorus */
	POL_SO2 = 5,				/* 二氧化硫 sulphur dioxide */
	POL_NOX = 6,				/* 氮氧化物 nitrogen oxides */
	POL_VOCS = 7,				/* 挥发性有机物 volatile organic compounds */
	POL_PM = 8,					/* 颗粒物 particulate matter */
	POL_CO2 = 9					/* 二氧化碳 carbon dioxide */
} Pollutant;

#define POLLUTANT_MAX	POL_CO2

typedef struct Emission
{
	int64		grams;			/* amount in grams; negative is allowed */
	int32		pollutant;		/* a Pollutant code */
	int32		reserved;		/* always zero */
} Emission;

#define DatumGetEmissionP(X)		((Emission *) DatumGetPointer(X))
#define EmissionPGetDatum(X)		PointerGetDatum(X)
#define PG_GETARG_EMISSION_P(n)		DatumGetEmissionP(PG_GETARG_DATUM(n))
#define PG_RETURN_EMISSION_P(x)		return EmissionPGetDatum(x)

extern bool parse_emission(const char *str, bool error_ok, Emission *result);

/* ----------------------------------------------------------------
 * Scoring (src/score.c): the deduction model behind rectify.item_score.
 * The SQL composite type rectify.score_weights has these eight fields, in
 * this order, each double precision.
 * ---------------------------------------------------------------- */
typedef struct ScoreWeights
{
	double		late_per_day;		/* closed late: points per day late */
	double		late_floor;			/* closed late: never below this */
	double		lag_weight;			/* open: points per unit of lag behind 序时进度 */
	double		overdue_base;		/* open and overdue: starting score */
	double		overdue_per_day;	/* open and overdue: points per day overdue */
	double		overdue_floor;		/* open and overdue: never below this */
	double		per_level;			/* points per escalation level above none */
	double		per_reopening;		/* points per reopening (反弹) */
} ScoreWeights;

#define SCORE_WEIGHTS_NATTS 8

/* ----------------------------------------------------------------
 * Settings (GUC variables, defined in src/rectify.c's _PG_init)
 * ---------------------------------------------------------------- */

/* rectify.missing_calendar_year: what a count over a year without data does */
typedef enum MissingCalendarYear
{
	MISSING_YEAR_WARNING,		/* warn once per transaction, count Mon-Fri */
	MISSING_YEAR_ERROR			/* raise 22008 */
} MissingCalendarYear;

extern int	rectify_missing_calendar_year;

#endif							/* RECTIFY_H */
