/*
 * calendar.c — working-day calendars (工作日): Chinese public holidays and
 * the make-up working days (调休) that move work onto weekends.
 *
 * A calendar is Monday to Friday plus exceptions: days off that would be
 * working days (holidays) and working days that would be off (a 调休
 * Saturday).  The exceptions live in rectify.calendar_days, one set per
 * load of a (calendar, year), and a regional calendar layers its own
 * exceptions over a base calendar (SQL side: rectify.calendar_effective).
 *
 * Each backend keeps every calendar it has used, compiled into a sorted
 * array of the days whose status differs from the weekday rule and a
 * running sum of their effect on the working-day count.  With
 *
 *     W(x) = number of working days up to x (from a fixed origin)
 *          = W0(x) + C(x)
 *
 * where W0 counts Mondays to Fridays in O(1) and C(x) is the running sum
 * at the last exception <= x (a binary search), workdays_between is one
 * subtraction and add_workdays one binary search over the exceptions:
 * O(log holidays) per call, whatever the distance.
 *
 * Plain INSERT/UPDATE/DELETE on the calendar tables send no cache
 * invalidation by themselves, so statement triggers on those tables call
 * calendar_invalidate(), which sends a relcache invalidation for the table;
 * every backend (this one at the next command) then drops its compiled
 * calendars and rebuilds them on next use.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "rectify.h"

struct WorkCalendar
{
	char	   *name;
	int			namelen;
	int64		version;		/* rectify.calendar_version(name) when built */
	int			nexc;			/* days whose status differs from Mon-Fri */
	DateADT    *days;			/* sorted */
	int32	   *cum;			/* cum[i]: sum of +1 (extra working day) and
								 * -1 (weekday off) over days[0..i] */
	int			first_year;		/* years with data: first_year .. */
	int			nyears;			/* .. first_year + nyears - 1, of which */
	int32	   *covered_upto;	/* covered_upto[k]: covered years before
								 * first_year + k (nyears + 1 entries) */
	LocalTransactionId warned_lxid; /* warned about a missing year */
	struct WorkCalendar *next;
};

static MemoryContext calendar_cxt = NULL;
static WorkCalendar *calendars = NULL;
static bool calendars_stale = false;
static bool callback_registered = false;
static Oid	watched_relids[3];

/* ----------------------------------------------------------------
 * Weekday arithmetic.  DateADT 0 is 2000-01-01, a Saturday.
 * ---------------------------------------------------------------- */

/* a / b rounded towards minus infinity: dates before 2000 are negative. */
static inline int64
floordiv(int64 a, int64 b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* a mod b in 0..b-1 (for b > 0), whatever the sign of a. */
static inline int64
floormod(int64 a, int64 b)
{
	return a - floordiv(a, b) * b;
}

/* Saturday or Sunday? */
static inline bool
is_weekend(DateADT d)
{
	return floormod(d, 7) < 2;
}

/*
 * Mondays to Fridays among the m days starting on Monday 2000-01-03
 * (negative m counts back), so W0(x) = g(x - 1) counts the weekdays up
 * to and including x, relative to that Monday.
 */
static inline int64
weekdays_g(int64 m)
{
	int64		r = floormod(m, 7);

	return 5 * floordiv(m, 7) + (r < 5 ? r : 5);
}

/* W0(x): Mondays to Fridays up to and including x, from that Monday. */
static inline int64
weekdays_upto(int64 x)
{
	return weekdays_g(x - 1);
}

/* The first day x with weekdays_upto(x) >= w: the inverse of W0. */
static inline int64
weekdays_inverse(int64 w)
{
	int64		q = floordiv(w, 5);
	int64		r = floormod(w, 5);

	return (r == 0 ? 7 * q - 2 : 7 * q + r) + 1;
}

/* ----------------------------------------------------------------
 * The cache
 * ---------------------------------------------------------------- */

/*
 * Relcache callback: a change to any calendar table (or a full reset)
 * makes every compiled calendar stale.  Only a flag: this can run in the
 * middle of a build, which then serves its one call and is dropped.
 */
static void
calendar_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (relid == InvalidOid)
	{
		calendars_stale = true;
		return;
	}
	for (i = 0; i < (int) lengthof(watched_relids); i++)
		if (relid == watched_relids[i])
			calendars_stale = true;
}

/* Remember the OIDs of the calendar tables, whose changes we watch. */
static void
watch_calendar_tables(void)
{
	static const char *const names[] = {"calendars", "calendar_loads", "calendar_days"};
	Oid			nsp = get_namespace_oid("rectify", false);
	int			i;

	for (i = 0; i < (int) lengthof(watched_relids); i++)
		watched_relids[i] = get_relname_relid(names[i], nsp);
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(calendar_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
}

/* Run a read-only query with the calendar name as $1. */
static void
calendar_query(const char *sql, const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	int			rc;

	args[0] = CStringGetTextDatum(name);
	rc = SPI_execute_with_args(sql, 1, argtypes, args, NULL, true, 0);
	/* a failing query raises its own error: anything else cannot happen */
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading calendar \"%s\" failed: %s", name,
			 SPI_result_code_string(rc));
}

/* Column 1 of row i of the last query, which must not be NULL. */
static Datum
spi_value(uint64 i, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
								  col, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unexpected NULL while reading a rectify calendar")));
	return d;
}

/*
 * Compile one calendar from the tables: its effective exceptions (layers
 * resolved by rectify.calendar_effective), the years it has data for, and
 * its version.  Raises 42704 if there is no such calendar.
 */
static WorkCalendar *
calendar_build(const char *name)
{
	WorkCalendar *cal;
	MemoryContext old;
	uint64		n,
				i;
	int			k;

	if (calendar_cxt == NULL)
		calendar_cxt = AllocSetContextCreate(CacheMemoryContext,
											 "rectify calendars",
											 ALLOCSET_SMALL_SIZES);
	watch_calendar_tables();

	SPI_connect();
	calendar_query("SELECT rectify.calendar_version(name) FROM rectify.calendars WHERE name = $1",
				   name);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("calendar \"%s\" does not exist", name),
				 errhint("The calendars are listed in rectify.calendars; rectify.create_calendar() adds one.")));

	cal = MemoryContextAllocZero(calendar_cxt, sizeof(WorkCalendar));
	cal->name = MemoryContextStrdup(calendar_cxt, name);
	cal->namelen = strlen(name);
	cal->version = DatumGetInt64(spi_value(0, 1));

	calendar_query("SELECT day, is_off FROM rectify.calendar_effective($1) ORDER BY day",
				   name);
	n = SPI_processed;
	cal->days = MemoryContextAlloc(calendar_cxt, (n + 1) * sizeof(DateADT));
	cal->cum = MemoryContextAlloc(calendar_cxt, (n + 1) * sizeof(int32));
	for (i = 0; i < n; i++)
	{
		DateADT		day = DatumGetDateADT(spi_value(i, 1));
		bool		is_off = DatumGetBool(spi_value(i, 2));
		int32		prev = cal->nexc > 0 ? cal->cum[cal->nexc - 1] : 0;

		/* a holiday on a Sunday changes nothing: keep only real changes */
		if (is_off == is_weekend(day))
			continue;
		cal->days[cal->nexc] = day;
		cal->cum[cal->nexc] = prev + (is_off ? -1 : 1);
		cal->nexc++;
	}

	calendar_query("SELECT year FROM rectify.calendar_years($1) AS year ORDER BY 1", name);
	n = SPI_processed;
	if (n > 0)
	{
		int			last;

		cal->first_year = DatumGetInt32(spi_value(0, 1));
		last = DatumGetInt32(spi_value(n - 1, 1));
		cal->nyears = last - cal->first_year + 1;
		cal->covered_upto = MemoryContextAllocZero(calendar_cxt,
												   (cal->nyears + 1) * sizeof(int32));
		for (i = 0; i < n; i++)
			cal->covered_upto[DatumGetInt32(spi_value(i, 1)) - cal->first_year + 1] = 1;
		for (k = 1; k <= cal->nyears; k++)
			cal->covered_upto[k] += cal->covered_upto[k - 1];
	}
	SPI_finish();

	old = MemoryContextSwitchTo(calendar_cxt);
	cal->next = calendars;
	calendars = cal;
	MemoryContextSwitchTo(old);
	return cal;
}

/* The compiled calendar of that name, built on first use. */
static WorkCalendar *
calendar_lookup(const char *name, int len)
{
	WorkCalendar *cal;

	if (calendars_stale)
	{
		calendars = NULL;
		if (calendar_cxt != NULL)
			MemoryContextReset(calendar_cxt);
		calendars_stale = false;
	}
	for (cal = calendars; cal != NULL; cal = cal->next)
		if (cal->namelen == len && memcmp(cal->name, name, len) == 0)
			return cal;
	return calendar_build(pnstrdup(name, len));
}

/*
 * calendar_get: the compiled calendar of that name, for src/deadline.c's
 * resolve_due (the calendar forms of deadlines); 42704 if none.
 */
WorkCalendar *
calendar_get(const char *name)
{
	return calendar_lookup(name, strlen(name));
}

/* calendar_get for a text argument, without copying the name. */
static WorkCalendar *
calendar_get_text(text *name)
{
	return calendar_lookup(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
}

/* ----------------------------------------------------------------
 * Years without data
 * ---------------------------------------------------------------- */

/* The calendar year of a date: calendars hold data per year. */
static int
year_of(DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return y;
}

/* How many years of first..last the calendar has data for. */
static int
covered_years(WorkCalendar *cal, int first, int last)
{
	int			lo = Max(first, cal->first_year) - cal->first_year;
	int			hi = Min(last, cal->first_year + cal->nyears - 1) - cal->first_year;

	if (cal->nyears == 0 || lo > hi)
		return 0;
	return cal->covered_upto[hi + 1] - cal->covered_upto[lo];
}

/*
 * A count over days lo..hi in a year the calendar has no data for would
 * silently treat that year as Monday to Friday.  The setting
 * rectify.missing_calendar_year (src/rectify.c) decides: 'warning' (the
 * default) warns once per transaction and calendar and counts Monday to
 * Friday; 'error' raises 22008.
 */
static void
check_years(WorkCalendar *cal, DateADT lo, DateADT hi)
{
	int			first = year_of(lo),
				last = year_of(hi),
				missing;

	if (covered_years(cal, first, last) == last - first + 1)
		return;
	for (missing = first; missing <= last; missing++)
		if (covered_years(cal, missing, missing) == 0)
			break;

	if (rectify_missing_calendar_year == MISSING_YEAR_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("calendar \"%s\" has no data for %d", cal->name, missing),
				 errdetail("Working days cannot be counted in a year whose holidays are not loaded."),
				 errhint("Load the year with rectify.load_calendar('%s', ...), or SET rectify.missing_calendar_year = 'warning' to count Monday to Friday.",
						 cal->name)));
	if (cal->warned_lxid == MyProc->lxid)
		return;
	cal->warned_lxid = MyProc->lxid;
	ereport(WARNING,
			(errmsg("calendar \"%s\" has no data for %d", cal->name, missing),
			 errdetail("Days in %d are counted as working days Monday to Friday, without holidays or make-up working days.",
					   missing),
			 errhint("Load the year with rectify.load_calendar('%s', ...); that re-resolves the due dates of open items.",
					 cal->name)));
}

/* ----------------------------------------------------------------
 * Counting
 * ---------------------------------------------------------------- */

/* Index of the last exception <= d, or -1. */
static int
last_exception_upto(WorkCalendar *cal, int64 d)
{
	int			lo = 0,
				hi = cal->nexc;	/* first index with days[i] > d */

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (cal->days[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* W(x): working days up to and including x, from a fixed origin. */
static int64
workdays_upto(WorkCalendar *cal, int64 x)
{
	int			i = last_exception_upto(cal, x);

	return weekdays_upto(x) + (i >= 0 ? cal->cum[i] : 0);
}

/*
 * The first day t with W(t) >= target.  Between two exceptions C is
 * constant, so find by binary search the first stretch (exception i up to
 * the day before exception i + 1; i = -1 is everything before the first)
 * whose last day reaches target, then invert W0 inside it.
 */
static int64
first_reaching(WorkCalendar *cal, int64 target)
{
	int			lo = -1,
				hi = cal->nexc - 1;
	int64		t;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;	/* lo < mid + 1 <= hi */
		int64		c = mid >= 0 ? cal->cum[mid] : 0;

		if (weekdays_upto((int64) cal->days[mid + 1] - 1) + c >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	t = weekdays_inverse(target - (lo >= 0 ? cal->cum[lo] : 0));
	if (lo >= 0 && t < cal->days[lo])
		t = cal->days[lo];
	return t;
}

/*
 * calendar_is_workday: is d a working day in cal?  Shared by the SQL
 * function is_workday and by the rollover of due dates (roll_forward).
 */
bool
calendar_is_workday(WorkCalendar *cal, DateADT d)
{
	int			i;

	check_finite_date(d, "date");
	check_years(cal, d, d);
	i = last_exception_upto(cal, d);
	if (i >= 0 && cal->days[i] == d)
		return is_weekend(d);	/* an exception turns the weekday rule round */
	return !is_weekend(d);
}

/*
 * The n-th working day after d (d itself not counted, 民法典 Art. 201);
 * negative n counts back: the |n|-th working day before d.  n = 0 is d,
 * working day or not.
 */
DateADT
calendar_add_workdays(WorkCalendar *cal, DateADT d, int32 n)
{
	int64		t;

	check_finite_date(d, "start date");
	if (n == 0)
		return d;
	if (n > 0)
		t = first_reaching(cal, workdays_upto(cal, d) + n);
	else
		t = first_reaching(cal, workdays_upto(cal, (int64) d - 1) + n + 1);
	if (t < PG_INT32_MIN || t > PG_INT32_MAX || !IS_VALID_DATE((DateADT) t) ||
		DATE_NOT_FINITE((DateADT) t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date out of range: %d working days from the start date", n)));
	check_years(cal, Min(d, (DateADT) t), Max(d, (DateADT) t));
	return (DateADT) t;
}

/* d if it is a working day, else the next working day (民法典 Art. 203). */
DateADT
calendar_roll_forward(WorkCalendar *cal, DateADT d)
{
	if (calendar_is_workday(cal, d))
		return d;
	return calendar_add_workdays(cal, d, 1);
}

/* ----------------------------------------------------------------
 * SQL functions
 * ---------------------------------------------------------------- */

/*
 * is_workday(date, calendar): whether a day is worked in that calendar
 * (holidays off, 调休 weekends worked), for reports and SQL callers.
 */
PG_FUNCTION_INFO_V1(calendar_is_workday_sql);
Datum
calendar_is_workday_sql(PG_FUNCTION_ARGS)
{
	WorkCalendar *cal = calendar_get_text(PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL(calendar_is_workday(cal, PG_GETARG_DATEADT(0)));
}

/*
 * add_workdays(date, n, calendar): the n-th working day after (n < 0:
 * before) a date, the arithmetic of "N working days" deadlines.
 */
PG_FUNCTION_INFO_V1(calendar_add_workdays_sql);
Datum
calendar_add_workdays_sql(PG_FUNCTION_ARGS)
{
	WorkCalendar *cal = calendar_get_text(PG_GETARG_TEXT_PP(2));

	PG_RETURN_DATEADT(calendar_add_workdays(cal, PG_GETARG_DATEADT(0),
											PG_GETARG_INT32(1)));
}

/*
 * workdays_between(a, b, calendar): the working days in (a, b]; negative
 * when b is before a (minus the working days in (b, a]).
 */
PG_FUNCTION_INFO_V1(calendar_workdays_between_sql);
Datum
calendar_workdays_between_sql(PG_FUNCTION_ARGS)
{
	WorkCalendar *cal = calendar_get_text(PG_GETARG_TEXT_PP(2));
	DateADT		a = PG_GETARG_DATEADT(0);
	DateADT		b = PG_GETARG_DATEADT(1);

	check_finite_date(a, "start date");
	check_finite_date(b, "end date");
	if (a == b)
		PG_RETURN_INT32(0);
	check_years(cal, Min(a, b) + 1, Max(a, b));
	PG_RETURN_INT32((int32) (workdays_upto(cal, b) - workdays_upto(cal, a)));
}

/*
 * calendar_invalidate(): statement trigger on the calendar tables.  Sends
 * a relcache invalidation for the table, which every backend's callback
 * (this one's at the next command) turns into a rebuild of its calendars;
 * a rolled-back change is invalidated again at rollback.
 */
PG_FUNCTION_INFO_V1(calendar_invalidate);
Datum
calendar_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("calendar_invalidate() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	PG_RETURN_POINTER(NULL);
}

/*
 * calendar_cache_version(calendar): the version the backend's compiled
 * calendar was built from (tests use it to see the cache follow a load).
 */
PG_FUNCTION_INFO_V1(calendar_cache_version);
Datum
calendar_cache_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(calendar_get_text(PG_GETARG_TEXT_PP(0))->version);
}
