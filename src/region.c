/*
 * region.c — the rectify.region type: a GB/T 2260 administrative division
 * code (行政区划代码), six decimal digits PPCCXX stored as an int32 by value.
 *
 *   PP0000  province-level division (省级: province, autonomous region,
 *           municipality, SAR); PP must be one of the 34 real codes
 *   PPCC00  prefecture level (地级), CC != 00; this includes municipal
 *           "districts" groups such as 110100 and the groups of
 *           province-administered counties, CC = 90 (429000)
 *   PPCCXX  county level (县级), XX != 00, e.g. 130602, 110101, 429004
 *
 * Only the province part is checked against a list: the prefecture and
 * county lists change every year (the ledger must keep codes that have since
 * been abolished), so they are checked for shape only.  A code PP00XX
 * (county part without a prefecture part) is rejected: no GB/T 2260 code
 * has that shape, and its prefecture() would be a province.
 *
 * Containment is by digit prefix, so "everything within X" is the closed
 * integer range region_range() computes; a planner support function hands
 * that range to btree indexes.
 */
#include "rectify.h"

#include "access/stratnum.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_type_d.h"
#include "libpq/pqformat.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/typcache.h"

#define REGION_MAX		999999

/*
 * The 34 province-level divisions of GB/T 2260, indexed by the first two
 * digits.  Compiled in so input is IMMUTABLE and needs no catalog access.
 */
static const bool province_known[100] = {
	[11] = true, [12] = true, [13] = true, [14] = true, [15] = true,
	[21] = true, [22] = true, [23] = true,
	[31] = true, [32] = true, [33] = true, [34] = true, [35] = true,
	[36] = true, [37] = true,
	[41] = true, [42] = true, [43] = true, [44] = true, [45] = true,
	[46] = true,
	[50] = true, [51] = true, [52] = true, [53] = true, [54] = true,
	[61] = true, [62] = true, [63] = true, [64] = true, [65] = true,
	[71] = true, [81] = true, [82] = true,
};

/*
 * The three levels of a code, coarsest first: the one classification behind
 * province(), prefecture(), parent(), region_level() and containment.  A
 * code of a level is a multiple of its `unit` (and a code's level is the
 * coarsest whose unit divides it), so r / unit * unit is r's division at
 * that level (an ancestor, or r itself) and r + unit - 1 the last code a
 * division of that level contains.
 */
typedef enum RegionLevel
{
	RL_PROVINCE,
	RL_PREFECTURE,
	RL_COUNTY
} RegionLevel;

static const struct
{
	int32		unit;
	const char *name;			/* what rectify.region_level() returns */
}			region_levels[] = {
	[RL_PROVINCE] = {10000, "province"},
	[RL_PREFECTURE] = {100, "prefecture"},
	[RL_COUNTY] = {1, "county"},
};

/* The level of a code: province PP0000, prefecture PPCC00, else county. */
static inline RegionLevel
region_level_of(Region r)
{
	if (r % 10000 == 0)
		return RL_PROVINCE;
	if (r % 100 == 0)
		return RL_PREFECTURE;
	return RL_COUNTY;
}

/* r's division at level `level` (r itself at its own level). */
static inline Region
region_at_level(Region r, RegionLevel level)
{
	return r / region_levels[level].unit * region_levels[level].unit;
}

/* Why a text or a code is refused: the three errors of region_refuse(). */
typedef enum RegionRefusal
{
	RR_SYNTAX,					/* not six digits (text input only) */
	RR_PROVINCE,				/* no such province-level division */
	RR_NO_PREFECTURE			/* a county part without a prefecture part */
} RegionRefusal;

/*
 * region_refuse: the one place a text or code is refused: with error_ok
 * return false (the caller probes), else raise the refusal's error for str
 * (text input) or code.
 */
static bool
region_refuse(RegionRefusal why, bool error_ok, const char *str, int32 code)
{
	if (error_ok)
		return false;
	switch (why)
	{
		case RR_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type rectify.region: \"%s\"",
							str),
					 errhint("A region is a six-digit GB/T 2260 code such as \"130600\".")));
			break;
		case RR_PROVINCE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown province code %02d in region \"%06d\"",
							code / 10000, code),
					 errdetail("The first two digits of a GB/T 2260 code must name one of the 34 province-level divisions (11 to 82)."),
					 errhint("Use a code such as \"130000\" (Hebei) or \"130600\" (Baoding).")));
			break;
		case RR_NO_PREFECTURE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("region \"%06d\" has a county part but no prefecture part",
							code),
					 errdetail("In a GB/T 2260 county-level code the third and fourth digits are not 00."),
					 errhint("Province-administered counties use prefecture part 90, as in \"429004\".")));
			break;
	}
	pg_unreachable();
}

/*
 * region_valid: does a number in 0..999999 name a code we accept?  Shared by
 * text input, binary input and the integer cast so all three accept exactly
 * the same set.  Errors are 22023: the value is well formed but names no
 * division.
 */
static bool
region_valid(int32 code, bool error_ok)
{
	if (!province_known[code / 10000])
		return region_refuse(RR_PROVINCE, error_ok, NULL, code);
	if (code / 100 % 100 == 0 && code % 100 != 0)
		return region_refuse(RR_NO_PREFECTURE, error_ok, NULL, code);
	return true;
}

/*
 * parse_region: the text form is exactly six ASCII digits, with optional
 * surrounding white space.  With error_ok a bad input returns false instead
 * of raising, so callers can probe (see rectify.h).
 */
bool
parse_region(const char *str, bool error_ok, Region *result)
{
	const char *p = str;
	int32		code = 0;
	int			ndigits = 0;

	while (scanner_isspace(*p))
		p++;
	while (*p >= '0' && *p <= '9' && ndigits <= 6)
	{
		code = code * 10 + (*p - '0');
		ndigits++;
		p++;
	}
	while (scanner_isspace(*p))
		p++;

	if (ndigits != 6 || *p != '\0')
		return region_refuse(RR_SYNTAX, error_ok, str, code);
	if (!region_valid(code, error_ok))
		return false;
	*result = code;
	return true;
}

/*
 * region_range: the closed range of codes a region contains, itself
 * included: a province PP0000 holds PP0000..PP9999, a prefecture PPCC00
 * holds PPCC00..PPCC99, a county only itself.
 */
static void
region_range(Region r, Region *lo, Region *hi)
{
	*lo = r;
	*hi = r + region_levels[region_level_of(r)].unit - 1;
}

/* Whether container holds r (inclusive); the body of @> and <@. */
static bool
region_holds(Region container, Region r)
{
	Region		lo,
				hi;

	region_range(container, &lo, &hi);
	return r >= lo && r <= hi;
}

/* Text input: parse_region, raising on error. */
PG_FUNCTION_INFO_V1(region_in);
Datum
region_in(PG_FUNCTION_ARGS)
{
	Region		result;

	parse_region(PG_GETARG_CSTRING(0), false, &result);
	PG_RETURN_REGION(result);
}

/* Text output: always the six digits, which re-parse to the same value. */
PG_FUNCTION_INFO_V1(region_out);
Datum
region_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(psprintf("%06d", PG_GETARG_REGION(0)));
}

/*
 * Binary input: a 4-byte big-endian integer.  Values above 999999 (the
 * unused high bits) are refused, and the rest is checked as strictly as
 * text input, so COPY BINARY cannot smuggle in what '...' would reject.
 */
PG_FUNCTION_INFO_V1(region_recv);
Datum
region_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		code = (int32) pq_getmsgint(buf, sizeof(int32));

	if (code < 0 || code > REGION_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value %d for type rectify.region", code),
				 errdetail("A region is sent as an integer between 0 and 999999.")));
	region_valid(code, false);
	PG_RETURN_REGION(code);
}

/* Binary output: the code as a 4-byte big-endian integer. */
PG_FUNCTION_INFO_V1(region_send);
Datum
region_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, PG_GETARG_REGION(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * integer -> region cast: checked like text input, so 130602 works and
 * 990000 fails the same way '990000' does.
 */
PG_FUNCTION_INFO_V1(region_from_int4);
Datum
region_from_int4(PG_FUNCTION_ARGS)
{
	int32		code = PG_GETARG_INT32(0);

	if (code < 0 || code > REGION_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer %d is out of range for type rectify.region",
						code),
				 errhint("A region is a six-digit GB/T 2260 code such as 130600.")));
	region_valid(code, false);
	PG_RETURN_REGION(code);
}

/* The province-level division a code lies in (itself for a province). */
PG_FUNCTION_INFO_V1(region_province);
Datum
region_province(PG_FUNCTION_ARGS)
{
	PG_RETURN_REGION(region_at_level(PG_GETARG_REGION(0), RL_PROVINCE));
}

/*
 * The prefecture-level code: the first four digits followed by 00, itself
 * for a prefecture, NULL for a province (which lies in no prefecture).
 */
PG_FUNCTION_INFO_V1(region_prefecture);
Datum
region_prefecture(PG_FUNCTION_ARGS)
{
	Region		r = PG_GETARG_REGION(0);

	if (region_level_of(r) == RL_PROVINCE)
		PG_RETURN_NULL();
	PG_RETURN_REGION(region_at_level(r, RL_PREFECTURE));
}

/* One level up: county -> prefecture -> province -> NULL. */
PG_FUNCTION_INFO_V1(region_parent);
Datum
region_parent(PG_FUNCTION_ARGS)
{
	Region		r = PG_GETARG_REGION(0);
	RegionLevel level = region_level_of(r);

	if (level == RL_PROVINCE)
		PG_RETURN_NULL();
	PG_RETURN_REGION(region_at_level(r, level - 1));
}

/* 'province', 'prefecture' or 'county', for reports and grouping. */
PG_FUNCTION_INFO_V1(region_level);
Datum
region_level(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(region_levels[region_level_of(PG_GETARG_REGION(0))].name));
}

/* a @> b: b lies within a, or is a. */
PG_FUNCTION_INFO_V1(region_contains);
Datum
region_contains(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(region_holds(PG_GETARG_REGION(0), PG_GETARG_REGION(1)));
}

/* a <@ b: a lies within b, or is b. */
PG_FUNCTION_INFO_V1(region_contained);
Datum
region_contained(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(region_holds(PG_GETARG_REGION(1), PG_GETARG_REGION(0)));
}

/*
 * range_clauses: "expr >= lo AND expr <= hi" (or "expr = lo" when the range
 * is one code), using the operators of btree family opfamily.  NIL if the
 * family lacks them.  Used both to build index conditions and to estimate
 * selectivity.
 */
static List *
range_clauses(Oid opfamily, Oid typid, Expr *expr, Region lo, Region hi)
{
	Oid			ge = get_opfamily_member(opfamily, typid, typid,
										 BTGreaterEqualStrategyNumber);
	Oid			le = get_opfamily_member(opfamily, typid, typid,
										 BTLessEqualStrategyNumber);
	Oid			eq = get_opfamily_member(opfamily, typid, typid,
										 BTEqualStrategyNumber);

	if (!OidIsValid(ge) || !OidIsValid(le) || !OidIsValid(eq))
		return NIL;
	if (lo == hi)
		return list_make1(make_opclause(eq, BOOLOID, false, expr,
										(Expr *) makeConst(typid, -1, InvalidOid, sizeof(int32),
														   RegionGetDatum(lo), false, true),
										InvalidOid, InvalidOid));
	return list_make2(make_opclause(ge, BOOLOID, false, expr,
									(Expr *) makeConst(typid, -1, InvalidOid, sizeof(int32),
													   RegionGetDatum(lo), false, true),
									InvalidOid, InvalidOid),
					  make_opclause(le, BOOLOID, false, expr,
									(Expr *) makeConst(typid, -1, InvalidOid, sizeof(int32),
													   RegionGetDatum(hi), false, true),
									InvalidOid, InvalidOid));
}

/*
 * Planner support for region_contains (@>) and region_contained (<@): when
 * the containing side is a constant and the other side is a btree-indexed
 * column, replace the call by the equivalent range, so "code <@ '130600'"
 * scans 130600..130699 of the index instead of the whole table.  The range
 * is exact (not lossy): containment is a digit-prefix test.
 */
PG_FUNCTION_INFO_V1(region_support);
Datum
region_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestIndexCondition *req;
	List	   *args;
	char	   *fname;
	int			container_arg;
	Node	   *container;
	Region		lo,
				hi;
	List	   *result;

	if (!IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestIndexCondition *) rawreq;

	if (is_opclause(req->node))
		args = ((OpExpr *) req->node)->args;
	else if (is_funcclause(req->node))
		args = ((FuncExpr *) req->node)->args;
	else
		PG_RETURN_POINTER(NULL);
	if (list_length(args) != 2 || req->index->relam != BTREE_AM_OID)
		PG_RETURN_POINTER(NULL);

	/* Which argument is the container depends on the function. */
	fname = get_func_name(req->funcid);
	if (fname != NULL && strcmp(fname, "region_contains") == 0)
		container_arg = 0;
	else if (fname != NULL && strcmp(fname, "region_contained") == 0)
		container_arg = 1;
	else
		PG_RETURN_POINTER(NULL);
	if (req->indexarg != 1 - container_arg)
		PG_RETURN_POINTER(NULL);

	container = (Node *) list_nth(args, container_arg);
	if (!IsA(container, Const) || ((Const *) container)->constisnull)
		PG_RETURN_POINTER(NULL);

	region_range(DatumGetRegion(((Const *) container)->constvalue), &lo, &hi);
	result = range_clauses(req->opfamily, ((Const *) container)->consttype,
						   (Expr *) list_nth(args, req->indexarg), lo, hi);
	if (result == NIL)
		PG_RETURN_POINTER(NULL);
	req->lossy = false;
	PG_RETURN_POINTER(result);
}

/*
 * Restriction estimator for @> and <@.  "column <@ constant" is estimated
 * as the equivalent range through the column's statistics (so a province
 * is seen to hold far more rows than a county); other shapes get a small
 * default, as for other containment operators.
 */
PG_FUNCTION_INFO_V1(region_contsel);
Datum
region_contsel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	Oid			operator = PG_GETARG_OID(1);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	int			varRelid = PG_GETARG_INT32(3);
	VariableStatData vardata;
	Node	   *other;
	bool		varonleft;
	char	   *opname;
	bool		var_is_container;
	Selectivity sel = DEFAULT_MATCH_SEL;

	if (!get_restriction_variable(root, args, varRelid,
								  &vardata, &other, &varonleft))
		PG_RETURN_FLOAT8(sel);

	opname = get_opname(operator);
	/* @> has its container on the left, <@ on the right. */
	var_is_container = (opname != NULL && strcmp(opname, "@>") == 0) == varonleft;

	if (!var_is_container && IsA(other, Const) && !((Const *) other)->constisnull)
	{
		Const	   *c = (Const *) other;
		TypeCacheEntry *tc = lookup_type_cache(c->consttype,
											   TYPECACHE_BTREE_OPFAMILY);
		Region		lo,
					hi;
		List	   *clauses = NIL;

		region_range(DatumGetRegion(c->constvalue), &lo, &hi);
		if (OidIsValid(tc->btree_opf))
			clauses = range_clauses(tc->btree_opf, c->consttype,
									(Expr *) (varonleft ? linitial(args) : lsecond(args)),
									lo, hi);
		if (clauses != NIL)
			sel = clauselist_selectivity(root, clauses, varRelid,
										 JOIN_INNER, NULL);
	}
	ReleaseVariableStats(vardata);
	CLAMP_PROBABILITY(sel);
	PG_RETURN_FLOAT8(sel);
}
