/*
 * score.c — rectify.item_score: the deduction model (扣分制) that scores one
 * rectification item from 0 to 100 for the assessment (考核) scorecards.
 *
 * The rules, with the default weights (the weights arrive as one value of
 * the composite type rectify.score_weights; NULL, or a NULL field, means
 * the default below, which the SQL side's defaults mirror):
 *
 *   closed on time (or an ongoing item closed)        100
 *   closed late                                       100 - 2 per day late, not below 40
 *   open, not overdue                                 100 - 50 x max(0, 序时进度 - progress)
 *   open, ongoing (no due date)                       100
 *   open and overdue                                  60 - 1 per day overdue, not below 0
 *   then, whatever the case                           - 5 per escalation level above none
 *                                                     - 20 per reopening (反弹)
 *   finally clamped to [0, 100], two decimals.
 *
 * "Closed" is the completion date (整改完成), the date judged against the
 * deadline, as in deadline_state; an item closed after asof is open as of
 * asof.  The function is IMMUTABLE: everything it depends on arrives as an
 * argument.  Inside it works in ten-thousandths of a point with doubles
 * (exact for whole-number weights, since every term is an integer) and
 * builds one numeric at the end: per-row numeric arithmetic is what makes
 * the same formula slow in SQL.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "catalog/namespace.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "rectify.h"

/* Ten-thousandths of a point: 100 points. */
#define SCORE_MAX_E4	1000000.0

/* The largest ladder we expect; a longer enum still works (see below). */
#define LEVELS_MAX		64

/* item_score's arguments: the weights and immediate_days come last. */
#define ARG_WEIGHTS			7
#define ARG_IMMEDIATE_DAYS	8
#define ITEM_SCORE_NARGS	9

/*
 * The default weights, field by field in ScoreWeights order: what a NULL
 * weights argument or a NULL field stands for.  They must match the
 * defaults of the SQL side (rectify.score_settings' comments and the
 * rectify.score_weights defaults).
 */
static const ScoreWeights default_weights = {
	.late_per_day = 2,
	.late_floor = 40,
	.lag_weight = 50,
	.overdue_base = 60,
	.overdue_per_day = 1,
	.overdue_floor = 0,
	.per_level = 5,
	.per_reopening = 20,
};

/* Field names of rectify.score_weights, in ScoreWeights order, for messages. */
static const char *const weight_names[SCORE_WEIGHTS_NATTS] = {
	"late_per_day", "late_floor", "lag_weight", "overdue_base",
	"overdue_per_day", "overdue_floor", "per_level", "per_reopening"
};

/*
 * What one call site keeps between rows (fn_extra): the labels of
 * rectify.escalation_level in their sort order, so a level's OID maps to
 * its position (none = 0, notice = 1, ...) without trusting OID order, and
 * the numeric constants used to check and convert progress.
 */
typedef struct ScoreCache
{
	Oid			level_type;
	int			nlevels;
	Oid			level_oids[LEVELS_MAX];
	Numeric		zero;
	Numeric		one;
	Numeric		ten_thousand;
	/* the weights' row type, once checked (InvalidOid: not yet) */
	Oid			weights_type;
	int32		weights_typmod;
	TupleDesc	weights_desc;	/* its descriptor, copied into fn_mcxt */
} ScoreCache;

/* qsort comparator: pg_enum rows by enumsortorder. */
static int
enum_sortorder_cmp(const void *a, const void *b)
{
	float4		x = (*(Form_pg_enum const *) a)->enumsortorder;
	float4		y = (*(Form_pg_enum const *) b)->enumsortorder;

	return (x > y) - (x < y);
}

/*
 * Load the labels of the level enum (typid) in sort order into the cache.
 * The enum's OIDs differ between databases and need not follow the label
 * order (ALTER TYPE ... ADD VALUE BEFORE), so the order comes from
 * pg_enum.enumsortorder.
 */
static void
load_levels(ScoreCache *cache, Oid typid)
{
	CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(typid));
	Form_pg_enum rows[LEVELS_MAX];
	int			n = list->n_members;
	int			i;

	if (n == 0 || n > LEVELS_MAX)
	{
		ReleaseSysCacheList(list);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("escalation level type %s has %d labels", format_type_be(typid), n),
				 errdetail("rectify.item_score expects an enum of 1 to %d labels, mildest first.",
						   LEVELS_MAX)));
	}
	for (i = 0; i < n; i++)
		rows[i] = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);
	qsort(rows, n, sizeof(Form_pg_enum), enum_sortorder_cmp);
	for (i = 0; i < n; i++)
		cache->level_oids[i] = rows[i]->oid;
	cache->nlevels = n;
	cache->level_type = typid;
	ReleaseSysCacheList(list);
}

/* The type of argument 4 (the level), from the call, or by name. */
static Oid
level_type_oid(FunctionCallInfo fcinfo)
{
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 4);

	if (!OidIsValid(typid) || get_typtype(typid) != TYPTYPE_ENUM)
		typid = rectify_type_oid("escalation_level");
	return typid;
}

/* The cache of this call site, built on first use. */
static ScoreCache *
score_cache(FunctionCallInfo fcinfo)
{
	ScoreCache *cache = (ScoreCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (cache != NULL)
		return cache;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache = palloc0(sizeof(ScoreCache));
	cache->zero = int64_to_numeric(0);
	cache->one = int64_to_numeric(1);
	cache->ten_thousand = int64_to_numeric(10000);
	MemoryContextSwitchTo(old);
	load_levels(cache, level_type_oid(fcinfo));
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/*
 * The position of a level in the ladder (none = 0).  A label added to the
 * enum since the cache was built gets one reload.
 */
static int
level_position(ScoreCache *cache, Oid level)
{
	int			attempt,
				i;

	for (attempt = 0; attempt < 2; attempt++)
	{
		for (i = 0; i < cache->nlevels; i++)
			if (cache->level_oids[i] == level)
				return i;
		load_levels(cache, cache->level_type);
	}
	/* the argument's type is the enum, whose labels were just reloaded */
	elog(ERROR, "invalid escalation level OID %u", level);
	return 0;					/* keep the compiler quiet */
}

/* 22023 unless a weight is a finite number of points, 0 or more. */
static void
check_weight(double w, const char *name)
{
	if (isnan(w) || isinf(w) || w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score weight %s must be a finite number, 0 or more, not %g", name, w),
				 errhint("The weights are points; see rectify.score_weights for the office's values.")));
}

/*
 * Check once per call site that the weights' row type is eight double
 * precision fields (the layout of ScoreWeights), so that each row only
 * has to deform the tuple.  The declared type is rectify.score_weights,
 * but a function declared over another row type must fail clearly (42804)
 * instead of reading the wrong fields.
 */
static void
check_weights_type(FunctionCallInfo fcinfo, ScoreCache *cache, Oid typid, int32 typmod)
{
	TupleDesc	tupdesc;
	MemoryContext old;
	bool		ok;
	int			i;

	if (typid == cache->weights_type && typmod == cache->weights_typmod)
		return;
	tupdesc = lookup_rowtype_tupdesc(typid, typmod);
	ok = (tupdesc->natts == SCORE_WEIGHTS_NATTS);
	for (i = 0; ok && i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		ok = !att->attisdropped && att->atttypid == FLOAT8OID;
	}
	if (!ok)
	{
		ReleaseTupleDesc(tupdesc);
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("score weights of type %s do not have the fields of rectify.score_weights",
						format_type_be(typid)),
				 errdetail("rectify.item_score expects %d double precision fields: late_per_day, late_floor, lag_weight, overdue_base, overdue_per_day, overdue_floor, per_level, per_reopening.",
						   SCORE_WEIGHTS_NATTS)));
	}
	if (cache->weights_desc != NULL)
		FreeTupleDesc(cache->weights_desc);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache->weights_desc = CreateTupleDescCopy(tupdesc);
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(tupdesc);
	cache->weights_type = typid;
	cache->weights_typmod = typmod;
}

/*
 * The weights of one call: the defaults for a NULL argument, else the
 * fields of the rectify.score_weights value, a NULL field standing for its
 * default (as in rectify.score_settings).  Each weight must be a finite
 * number, 0 or more (22023).
 */
static void
read_weights(FunctionCallInfo fcinfo, ScoreCache *cache, ScoreWeights *w)
{
	HeapTupleHeader row;
	HeapTupleData tuple;
	double	   *fields = (double *) w;
	Datum		values[SCORE_WEIGHTS_NATTS];
	bool		nulls[SCORE_WEIGHTS_NATTS];
	int			i;

	StaticAssertStmt(sizeof(ScoreWeights) == SCORE_WEIGHTS_NATTS * sizeof(double),
					 "ScoreWeights must be SCORE_WEIGHTS_NATTS doubles");
	*w = default_weights;
	if (PG_ARGISNULL(ARG_WEIGHTS))
		return;
	row = PG_GETARG_HEAPTUPLEHEADER(ARG_WEIGHTS);
	check_weights_type(fcinfo, cache, HeapTupleHeaderGetTypeId(row),
					   HeapTupleHeaderGetTypMod(row));

	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, cache->weights_desc, values, nulls);
	for (i = 0; i < SCORE_WEIGHTS_NATTS; i++)
		if (!nulls[i])
		{
			fields[i] = DatumGetFloat8(values[i]);
			check_weight(fields[i], weight_names[i]);
		}
}

/*
 * Reported progress in ten-thousandths, after checking it lies in [0, 1]
 * (22023 quoting the value otherwise).  Progress is used to four decimals,
 * like items.progress and expected_progress.
 */
static int32
progress_permyriad(ScoreCache *cache, Numeric progress)
{
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(progress),
										  NumericGetDatum(cache->zero))) < 0 ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(progress),
										  NumericGetDatum(cache->one))) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("progress must be between 0 and 1, not %s",
						DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(progress)))),
				 errhint("Give progress as a fraction: 0.6 for 60%%.")));
	return numeric_int4_opt_error(numeric_mul_opt_error(progress, cache->ten_thousand, NULL),
								  NULL);
}

/*
 * score_points_e4 — the deduction model itself, in ten-thousandths of a
 * point, before clamping.  closed_null: the item has no completion date
 * (or one after asof, which the caller folds in).
 */
static double
score_points_e4(const ScoreWeights *w, bool has_due, DateADT due, bool closed,
				DateADT closed_on, DateADT asof, DateADT assigned,
				int32 progress_e4, int level, int32 reopened)
{
	double		s;

	if (closed)
	{
		if (!has_due || closed_on <= due)
			s = SCORE_MAX_E4;
		else
			s = fmax(w->late_floor * 1e4,
					 SCORE_MAX_E4 - w->late_per_day * 1e4 * (double) (closed_on - due));
	}
	else if (!has_due)
		s = SCORE_MAX_E4;		/* ongoing: no time deduction */
	else if (asof > due)
		s = fmax(w->overdue_floor * 1e4,
				 w->overdue_base * 1e4 - w->overdue_per_day * 1e4 * (double) (asof - due));
	else
	{
		int32		lag = expected_permyriad(assigned, due, asof) - progress_e4;

		s = SCORE_MAX_E4 - w->lag_weight * (double) (lag > 0 ? lag : 0);
	}
	s -= w->per_level * 1e4 * (double) level;
	s -= w->per_reopening * 1e4 * (double) reopened;
	return s;
}

/*
 * item_score(deadline, assigned, closed, asof, level, progress,
 *            reopened_count, weights, immediate_days)
 *   → numeric in [0, 100], 2 decimals.
 *
 * weights is one rectify.score_weights value (see read_weights), so the
 * scoring views pass the office's weights as one row instead of eight
 * arguments.  Not strict, because closed is NULL for open items and a NULL
 * weights means the defaults; NULL when any other argument is NULL.
 * Errors: progress outside [0, 1], a negative reopening count or a
 * negative or non-finite weight are 22023; infinite dates 22008; weights
 * of a row type other than eight double precision fields 42804.
 */
PG_FUNCTION_INFO_V1(item_score);
Datum
item_score(PG_FUNCTION_ARGS)
{
	ScoreCache *cache;
	ScoreWeights w;
	Deadline	d;
	DateADT		assigned,
				asof,
				closed_on = 0,
				due = 0;
	bool		has_due,
				closed;
	int32		reopened,
				progress_e4;
	int			level;
	double		s;
	int			i;

	if (PG_NARGS() != ITEM_SCORE_NARGS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rectify.item_score takes %d arguments, not %d",
						ITEM_SCORE_NARGS, PG_NARGS())));
	for (i = 0; i < ITEM_SCORE_NARGS; i++)
		if (i != 2 && i != ARG_WEIGHTS && PG_ARGISNULL(i))
			PG_RETURN_NULL();

	cache = score_cache(fcinfo);
	d = PG_GETARG_DEADLINE(0);
	assigned = PG_GETARG_DATEADT(1);
	asof = PG_GETARG_DATEADT(3);
	check_finite_date(assigned, "assigned date");
	check_finite_date(asof, "asof");
	if (!PG_ARGISNULL(2))
	{
		closed_on = PG_GETARG_DATEADT(2);
		check_finite_date(closed_on, "closed date");
	}
	closed = !PG_ARGISNULL(2) && closed_on <= asof;

	level = level_position(cache, PG_GETARG_OID(4));
	progress_e4 = progress_permyriad(cache, PG_GETARG_NUMERIC(5));
	reopened = PG_GETARG_INT32(6);
	if (reopened < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reopened_count must not be negative: %d", reopened)));
	read_weights(fcinfo, cache, &w);

	has_due = resolve_due_fixed(d, assigned, PG_GETARG_INT32(ARG_IMMEDIATE_DAYS), &due);
	s = score_points_e4(&w, has_due, due, closed, closed_on, asof, assigned,
						progress_e4, level, reopened);

	/* clamp, then round half up to hundredths: s is whole for whole weights */
	s = fmin(fmax(s, 0.0), SCORE_MAX_E4);
	PG_RETURN_NUMERIC(int64_div_fast_to_numeric((int64) floor(s / 100.0 + 0.5), 2));
}
