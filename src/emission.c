/*
 * emission.c — the rectify.emission type: an amount of one pollutant.
 *
 * Values are integer grams plus a pollutant code (see rectify.h), so sums
 * are exact and never drift.  Text input takes the forms the reduction
 * reports use (`12.5 t NOx`, `3.2万吨 COD`, `氨氮 1.2吨`, traditional
 * characters too); output is tonnes with trailing zeros trimmed and the
 * canonical pollutant name, and always re-parses to an equal value.
 *
 * Rounding: decimals finer than a gram are rounded to the gram, half away
 * from zero (0.5 g -> 1 g, -0.5 g -> -1 g), with integer arithmetic only.
 * Multiplying or dividing by a float8 rounds the same way; it is exact when
 * the factor is a whole number and otherwise carries double precision
 * (exact for results below 2^53 g, about nine billion tonnes).
 *
 * Only arithmetic checks the pollutant (22023 when two differ).  Comparisons
 * never fail: they order by pollutant code, then grams, so mixed columns
 * sort, group, index and hash-join.
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "rectify.h"

#define GRAMS_PER_TONNE 1000000

/* One accepted spelling of a unit: grams = amount * 10^exponent. */
typedef struct UnitName
{
	const char *name;
	int			exponent;
	bool		exact_case;		/* "Mt" only: "MT"/"mt" often mean a tonne */
} UnitName;

static const UnitName unit_names[] = {
	{"g", 0, false}, {"kg", 3, false}, {"t", 6, false}, {"kt", 9, false},
	{"Mt", 12, true},
	{"克", 0, true}, {"千克", 3, true}, {"公斤", 3, true},
	{"吨", 6, true}, {"噸", 6, true}, {"万吨", 10, true}, {"萬噸", 10, true},
};

/* One accepted spelling of a pollutant (ASCII ones in any case). */
typedef struct PollutantName
{
	const char *name;
	Pollutant	code;
} PollutantName;

static const PollutantName pollutant_names[] = {
	{"COD", POL_COD}, {"化学需氧量", POL_COD}, {"化學需氧量", POL_COD},
	{"NH3-N", POL_NH3N}, {"NH3N", POL_NH3N}, {"氨氮", POL_NH3N},
	{"TN", POL_TN}, {"总氮", POL_TN}, {"總氮", POL_TN},
	{"TP", POL_TP}, {"总磷", POL_TP}, {"總磷", POL_TP},
	{"SO2", POL_SO2}, {"二氧化硫", POL_SO2},
	{"NOx", POL_NOX}, {"氮氧化物", POL_NOX},
	{"VOCs", POL_VOCS}, {"挥发性有机物", POL_VOCS}, {"揮發性有機物", POL_VOCS},
	{"PM", POL_PM}, {"颗粒物", POL_PM}, {"顆粒物", POL_PM},
	{"CO2", POL_CO2}, {"二氧化碳", POL_CO2},
};

/* Canonical names, indexed by Pollutant code: what output prints. */
static const char *const pollutant_canonical[POLLUTANT_MAX + 1] = {
	NULL, "COD", "NH3-N", "TN", "TP", "SO2", "NOx", "VOCs", "PM", "CO2"
};

/* The hint of every emission input error: the parts, briefly. */
#define EMISSION_HINT \
	"Write an amount, a unit such as t, kg, 吨 or 万吨, and a pollutant " \
	"(COD, NH3-N, TN, TP, SO2, NOx, VOCs, PM, CO2 or its Chinese name), " \
	"such as \"12.5 t NOx\" or \"氨氮 1.2吨\"."

/* ----------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------- */

/*
 * Skip ASCII white space and the ideographic space U+3000, which Chinese
 * text puts between a number and its unit.
 */
static const char *
skip_space(const char *p)
{
	for (;;)
	{
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
			*p == '\f' || *p == '\v')
			p++;
		else if ((unsigned char) p[0] == 0xE3 && (unsigned char) p[1] == 0x80 &&
				 (unsigned char) p[2] == 0x80)
			p += 3;
		else
			return p;
	}
}

/* ASCII letters and digits: the characters that glue into one word. */
static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/*
 * Does `name` start `p`?  ASCII letters compare without case unless
 * exact_case; other bytes (UTF-8) compare exactly.  A name ending in an
 * ASCII letter or digit must not run on into another one ("tNOx", "TNT"),
 * so a unit and a pollutant cannot blur into each other.  Returns the
 * length matched, or 0.
 */
static int
match_name(const char *p, const char *name, bool exact_case)
{
	int			n = 0;

	for (; name[n] != '\0'; n++)
	{
		char		a = p[n],
					b = name[n];

		if (a == '\0')
			return 0;
		if (!exact_case && a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (!exact_case && b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return 0;
	}
	if (is_word_char(name[n - 1]) && is_word_char(p[n]))
		return 0;
	return n;
}

/* Longest unit spelling starting `p`: its length, or 0 if none. */
static int
match_unit(const char *p, int *exponent)
{
	int			best = 0;

	for (size_t i = 0; i < lengthof(unit_names); i++)
	{
		int			n = match_name(p, unit_names[i].name, unit_names[i].exact_case);

		if (n > best)
		{
			best = n;
			*exponent = unit_names[i].exponent;
		}
	}
	return best;
}

/* Longest pollutant spelling starting `p`: its length, or 0 if none. */
static int
match_pollutant(const char *p, int32 *code)
{
	int			best = 0;

	for (size_t i = 0; i < lengthof(pollutant_names); i++)
	{
		int			n = match_name(p, pollutant_names[i].name, false);

		if (n > best)
		{
			best = n;
			*code = pollutant_names[i].code;
		}
	}
	return best;
}

/* The scanned parts of a decimal number, without a copy of its digits. */
typedef struct Decimal
{
	bool		negative;
	const char *int_digits;
	int			int_len;
	const char *frac_digits;
	int			frac_len;
} Decimal;

/*
 * Scan an optional sign, digits, an optional point and digits (at least
 * one digit in all).  Returns the length scanned, or 0 if no number.
 */
static int
scan_decimal(const char *p, Decimal *d)
{
	const char *s = p;

	d->negative = (*s == '-');
	if (*s == '-' || *s == '+')
		s++;
	d->int_digits = s;
	while (*s >= '0' && *s <= '9')
		s++;
	d->int_len = s - d->int_digits;
	d->frac_digits = s;
	d->frac_len = 0;
	if (*s == '.')
	{
		d->frac_digits = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		d->frac_len = s - d->frac_digits;
	}
	if (d->int_len == 0 && d->frac_len == 0)
		return 0;
	return s - p;
}

/*
 * Grams in the decimal `d` times 10^exponent, rounded half away from zero
 * on the first dropped digit (exact: a dropped tail of 5xxx is >= 0.5 g).
 * Works on the magnitude in uint64 so that the full int64 range, including
 * its minimum, is reachable.  Returns false on overflow.
 */
static bool
decimal_to_grams(const Decimal *d, int exponent, int64 *grams)
{
	uint64		limit = d->negative ? (uint64) PG_INT64_MAX + 1 : (uint64) PG_INT64_MAX;
	uint64		mag = 0;
	int			ndigits = d->int_len + exponent;

	for (int i = 0; i < ndigits; i++)
	{
		int			digit;

		if (i < d->int_len)
			digit = d->int_digits[i] - '0';
		else if (i - d->int_len < d->frac_len)
			digit = d->frac_digits[i - d->int_len] - '0';
		else
			digit = 0;
		if (mag > (limit - digit) / 10)
			return false;
		mag = mag * 10 + digit;
	}
	if (exponent < d->frac_len && d->frac_digits[exponent] >= '5')
	{
		if (mag == limit)
			return false;
		mag++;
	}
	if (!d->negative)
		*grams = (int64) mag;
	else if (mag == (uint64) PG_INT64_MAX + 1)
		*grams = PG_INT64_MIN;
	else
		*grams = -(int64) mag;
	return true;
}

/*
 * Raise 22P02 for `str`, saying what went wrong where, unless error_ok.
 * Always returns false so parsers can `return syntax_error(...)`.
 */
static bool
syntax_error(const char *str, bool error_ok, const char *what, const char *at)
{
	if (error_ok)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type rectify.emission: \"%s\"", str),
			 *at ? errdetail("%s at \"%s\".", what, at) :
			 errdetail("%s at the end of the input.", what),
			 errhint("%s", EMISSION_HINT)));
	return false;
}

/* Raise 22003 for `str`, unless error_ok.  Returns false. */
static bool
range_error(const char *str, bool error_ok)
{
	if (error_ok)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value \"%s\" is out of range for type rectify.emission", str),
			 errdetail("An emission lies between -9223372036854.775808 t and 9223372036854.775807 t.")));
	return false;
}

/*
 * The one overflow error of rectify.emission(amount, unit, pollutant) and
 * of every arithmetic function.
 */
static void
overflow_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("emission out of range"),
			 errdetail("An emission lies between -9223372036854.775808 t and 9223372036854.775807 t.")));
}

/*
 * Parse `str` into *result: [pollutant] amount unit [pollutant], with the
 * pollutant given exactly once, white space optional between the parts
 * (but an ASCII unit and an ASCII pollutant need some between them).
 * On bad input raise 22P02 (22003 if too large), or with error_ok return
 * false; the one code path serves both the input function and probes.
 */
bool
parse_emission(const char *str, bool error_ok, Emission *result)
{
	const char *utf8 = str;
	const char *p;
	Decimal		d;
	int			n,
				exponent = 0;
	int32		code = 0;

	/* The spellings are UTF-8; other server encodings are converted. */
	if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
		utf8 = pg_server_to_any(str, strlen(str), PG_UTF8);

	p = skip_space(utf8);
	if ((n = match_pollutant(p, &code)) > 0)
		p = skip_space(p + n);

	if ((n = scan_decimal(p, &d)) == 0)
		return syntax_error(str, error_ok,
							code ? "Expected an amount" : "Expected an amount or a pollutant", p);
	p = skip_space(p + n);

	if ((n = match_unit(p, &exponent)) == 0)
		return syntax_error(str, error_ok, "Expected a unit", p);
	p = skip_space(p + n);

	if (code == 0)
	{
		if ((n = match_pollutant(p, &code)) == 0)
			return syntax_error(str, error_ok, "Expected a pollutant", p);
		p = skip_space(p + n);
	}
	if (*p != '\0')
		return syntax_error(str, error_ok, "Unexpected text", p);

	if (!decimal_to_grams(&d, exponent, &result->grams))
		return range_error(str, error_ok);
	result->pollutant = code;
	result->reserved = 0;
	return true;
}

/*
 * `grams` as tonnes, trailing zeros trimmed: "12.5", "-0.000001", "32000"
 * (palloc'd).  Uses the magnitude so that the int64 minimum prints too.
 * The text output and rectify.tonnes() both print through here.
 */
static char *
tonnes_string(int64 grams)
{
	uint64		mag = grams < 0 ? (uint64) 0 - (uint64) grams : (uint64) grams;
	uint64		frac = mag % GRAMS_PER_TONNE;
	char		digits[8];
	int			len;

	if (frac == 0)
		return psprintf("%s" UINT64_FORMAT, grams < 0 ? "-" : "", mag / GRAMS_PER_TONNE);
	snprintf(digits, sizeof(digits), "%06d", (int) frac);
	for (len = 6; digits[len - 1] == '0'; len--)
		;
	return psprintf("%s" UINT64_FORMAT ".%.*s", grams < 0 ? "-" : "",
					mag / GRAMS_PER_TONNE, len, digits);
}

/* Canonical name of a valid pollutant code. */
static const char *
pollutant_name(int32 code)
{
	Assert(code >= 1 && code <= POLLUTANT_MAX);
	return pollutant_canonical[code];
}

/* A fresh palloc'd emission: every constructor goes through here. */
static Emission *
make_emission(int64 grams, int32 pollutant)
{
	Emission   *e = (Emission *) palloc(sizeof(Emission));

	e->grams = grams;
	e->pollutant = pollutant;
	e->reserved = 0;
	return e;
}

/* ----------------------------------------------------------------
 * I/O
 * ---------------------------------------------------------------- */

/* Text input: see parse_emission. */
PG_FUNCTION_INFO_V1(emission_in);
Datum
emission_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Emission   *result = (Emission *) palloc(sizeof(Emission));

	parse_emission(str, false, result);
	PG_RETURN_EMISSION_P(result);
}

/* Text output: "<tonnes> t <canonical name>", which re-parses equal. */
PG_FUNCTION_INFO_V1(emission_out);
Datum
emission_out(PG_FUNCTION_ARGS)
{
	Emission   *e = PG_GETARG_EMISSION_P(0);
	char	   *tonnes = tonnes_string(e->grams);
	char	   *result = psprintf("%s t %s", tonnes, pollutant_name(e->pollutant));

	pfree(tonnes);
	PG_RETURN_CSTRING(result);
}

/*
 * Binary input: int64 grams, int32 pollutant, int32 reserved.  As strict
 * as text input: an unknown pollutant or a non-zero reserved field is
 * rejected, so no value exists that the text form could not produce.
 */
PG_FUNCTION_INFO_V1(emission_recv);
Datum
emission_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		grams = pq_getmsgint64(buf);
	int32		pollutant = pq_getmsgint(buf, 4);
	int32		reserved = pq_getmsgint(buf, 4);

	if (pollutant < 1 || pollutant > POLLUTANT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid pollutant code %d in external emission value", pollutant)));
	if (reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid reserved field %d in external emission value", reserved),
				 errdetail("The reserved field must be zero in this version.")));
	PG_RETURN_EMISSION_P(make_emission(grams, pollutant));
}

/* Binary output: the three fields in network byte order. */
PG_FUNCTION_INFO_V1(emission_send);
Datum
emission_send(PG_FUNCTION_ARGS)
{
	Emission   *e = PG_GETARG_EMISSION_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, e->grams);
	pq_sendint32(&buf, e->pollutant);
	pq_sendint32(&buf, e->reserved);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Look a whole word up in a table: `word` with surrounding white space,
 * nothing else.  Returns the code found or -1.
 */
static int
lookup_word(const char *word, bool unit)
{
	const char *p = skip_space(word);
	int			code = -1,
				n;

	n = unit ? match_unit(p, &code) : match_pollutant(p, &code);
	if (n == 0 || *skip_space(p + n) != '\0')
		return -1;
	return code;
}

/* Convert a text argument to a UTF-8 C string for the tables. */
static char *
text_to_utf8(text *t)
{
	char	   *s = text_to_cstring(t);

	if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
		s = pg_server_to_any(s, strlen(s), PG_UTF8);
	return s;
}

/*
 * rectify.emission(amount numeric, unit text, pollutant text): for
 * programs that hold the three parts apart.  Rounds like text input;
 * bad arguments are invalid parameter values (22023).
 */
PG_FUNCTION_INFO_V1(emission_make);
Datum
emission_make(PG_FUNCTION_ARGS)
{
	Numeric		amount = PG_GETARG_NUMERIC(0);
	char	   *unit = text_to_utf8(PG_GETARG_TEXT_PP(1));
	char	   *pollutant = text_to_utf8(PG_GETARG_TEXT_PP(2));
	char	   *digits;
	int			exponent = lookup_word(unit, true);
	int			code = lookup_word(pollutant, false);
	Decimal		d;
	int64		grams;

	if (exponent < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown emission unit \"%s\"", text_to_cstring(PG_GETARG_TEXT_PP(1))),
				 errhint("%s", EMISSION_HINT)));
	if (code < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown pollutant \"%s\"", text_to_cstring(PG_GETARG_TEXT_PP(2))),
				 errhint("%s", EMISSION_HINT)));
	if (numeric_is_nan(amount) || numeric_is_inf(amount))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("emission amount must be a finite number, not %s",
						DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(amount))))));

	/* numeric_out never uses an exponent: plain digits, point, digits */
	digits = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(amount)));
	if (scan_decimal(digits, &d) != (int) strlen(digits))
		elog(ERROR, "unexpected numeric form \"%s\"", digits);
	if (!decimal_to_grams(&d, exponent, &grams))
		overflow_error();
	PG_RETURN_EMISSION_P(make_emission(grams, code));
}

/* rectify.tonnes(emission): the exact amount in tonnes, as numeric. */
PG_FUNCTION_INFO_V1(emission_tonnes);
Datum
emission_tonnes(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(DirectFunctionCall3(numeric_in,
										CStringGetDatum(tonnes_string(PG_GETARG_EMISSION_P(0)->grams)),
										ObjectIdGetDatum(InvalidOid),
										Int32GetDatum(-1)));
}

/* rectify.grams(emission): the stored integer, for exact integer work. */
PG_FUNCTION_INFO_V1(emission_grams);
Datum
emission_grams(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_EMISSION_P(0)->grams);
}

/*
 * rectify.pollutant(emission): canonical name, the key to GROUP BY.
 *
 * It runs once per row of every GROUP BY pollutant, so the nine names are
 * made into text once per call site (in fn_mcxt, which lives as long as
 * the query's expression) and returned from there, as functions returning
 * one of their arguments do: no palloc, strlen or copy per row.  Callers
 * copy a by-reference result before keeping it past the row.
 */
PG_FUNCTION_INFO_V1(emission_pollutant);
Datum
emission_pollutant(PG_FUNCTION_ARGS)
{
	int32		code = PG_GETARG_EMISSION_P(0)->pollutant;
	text	  **names;

	if (code < 1 || code > POLLUTANT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid pollutant code %d in an emission value", code)));
	if (fcinfo->flinfo == NULL)
		PG_RETURN_TEXT_P(cstring_to_text(pollutant_name(code)));
	names = (text **) fcinfo->flinfo->fn_extra;
	if (names == NULL)
	{
		names = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(text *) * (POLLUTANT_MAX + 1));
		fcinfo->flinfo->fn_extra = names;
	}
	if (names[code] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		names[code] = cstring_to_text(pollutant_name(code));
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_TEXT_P(names[code]);
}

/* ----------------------------------------------------------------
 * Arithmetic: pollutant-checked, overflow-checked
 * ---------------------------------------------------------------- */

/*
 * The one pollutant check of every binary operation: `verb` the operation
 * ("add", "subtract", ...), naming both pollutants in the message.
 */
static void
check_same_pollutant(const Emission *a, const Emission *b, const char *verb)
{
	if (a->pollutant != b->pollutant)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot %s emissions of different pollutants: %s and %s",
						verb, pollutant_name(a->pollutant), pollutant_name(b->pollutant)),
				 errhint("Group or filter by rectify.pollutant() first.")));
}

/*
 * a + b, or a - b when subtract, in grams, for emissions of one pollutant:
 * the checks and the arithmetic of +, - and sum().  `verb` names the
 * operation in the pollutant error.  Inline, so that the constant
 * `subtract` folds away and each caller keeps its own straight-line body.
 */
static inline int64
combine_grams(const Emission *a, const Emission *b, bool subtract, const char *verb)
{
	int64		r;

	check_same_pollutant(a, b, verb);
	if (subtract ? pg_sub_s64_overflow(a->grams, b->grams, &r)
		: pg_add_s64_overflow(a->grams, b->grams, &r))
		overflow_error();
	return r;
}

/* emission + emission, or emission - emission (a net change, may be negative) */
static inline Datum
add_or_subtract(FunctionCallInfo fcinfo, bool subtract)
{
	Emission   *a = PG_GETARG_EMISSION_P(0);

	PG_RETURN_EMISSION_P(make_emission(combine_grams(a, PG_GETARG_EMISSION_P(1), subtract,
													 subtract ? "subtract" : "add"),
									   a->pollutant));
}

/* - grams (the int64 minimum has no negation) */
static inline int64
negate_grams(int64 grams)
{
	int64		r;

	if (pg_sub_s64_overflow(0, grams, &r))
		overflow_error();
	return r;
}

/* emission + emission */
PG_FUNCTION_INFO_V1(emission_pl);
Datum
emission_pl(PG_FUNCTION_ARGS)
{
	return add_or_subtract(fcinfo, false);
}

/* emission - emission: a net change, may be negative */
PG_FUNCTION_INFO_V1(emission_mi);
Datum
emission_mi(PG_FUNCTION_ARGS)
{
	return add_or_subtract(fcinfo, true);
}

/* - emission */
PG_FUNCTION_INFO_V1(emission_um);
Datum
emission_um(PG_FUNCTION_ARGS)
{
	Emission   *a = PG_GETARG_EMISSION_P(0);

	PG_RETURN_EMISSION_P(make_emission(negate_grams(a->grams), a->pollutant));
}

/* A float8 factor or divisor must be finite: NaN has no gram value. */
static void
check_finite(float8 f, const char *what)
{
	if (isnan(f) || isinf(f))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("emission %s must be a finite number, not %s", what,
						isnan(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity")));
}

/* Round a float8 gram count half away from zero, or fail with 22003. */
static int64
float8_to_grams(float8 g)
{
	g = round(g);
	if (isnan(g) || !FLOAT8_FITS_IN_INT64(g))
		overflow_error();
	return (int64) g;
}

/* grams * f: exact integer multiply for whole factors, else rounded. */
static Emission *
multiply(const Emission *e, float8 f)
{
	int64		r;

	check_finite(f, "factor");
	if (f == floor(f) && FLOAT8_FITS_IN_INT64(f))
	{
		if (pg_mul_s64_overflow(e->grams, (int64) f, &r))
			overflow_error();
	}
	else
		r = float8_to_grams((float8) e->grams * f);
	return make_emission(r, e->pollutant);
}

/* emission * float8 */
PG_FUNCTION_INFO_V1(emission_mul_float8);
Datum
emission_mul_float8(PG_FUNCTION_ARGS)
{
	PG_RETURN_EMISSION_P(multiply(PG_GETARG_EMISSION_P(0), PG_GETARG_FLOAT8(1)));
}

/* float8 * emission is emission * float8 with its arguments swapped, in SQL. */

/*
 * a / d rounded half away from zero, for d != 0 and no overflow (the
 * caller handles d == -1).  Shared by "/ float8" and avg.
 */
static int64
div_round(int64 a, int64 d)
{
	int64		q = a / d;
	int64		r = a % d;
	uint64		abs_r = r < 0 ? (uint64) 0 - (uint64) r : (uint64) r;
	uint64		abs_d = d < 0 ? (uint64) 0 - (uint64) d : (uint64) d;

	if (abs_r >= abs_d - abs_r)
		q += ((a < 0) != (d < 0)) ? -1 : 1;
	return q;
}

/* emission / float8: exact for whole divisors, else rounded; 22012 on 0 */
PG_FUNCTION_INFO_V1(emission_div_float8);
Datum
emission_div_float8(PG_FUNCTION_ARGS)
{
	Emission   *e = PG_GETARG_EMISSION_P(0);
	float8		f = PG_GETARG_FLOAT8(1);
	int64		r;

	check_finite(f, "divisor");
	if (f == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("division by zero")));
	if (f == floor(f) && FLOAT8_FITS_IN_INT64(f))
	{
		int64		d = (int64) f;

		if (d == -1)
			r = negate_grams(e->grams);
		else
			r = div_round(e->grams, d);
	}
	else
		r = float8_to_grams((float8) e->grams / f);
	PG_RETURN_EMISSION_P(make_emission(r, e->pollutant));
}

/* emission / emission: a plain ratio (e.g. attainment), same pollutant */
PG_FUNCTION_INFO_V1(emission_div);
Datum
emission_div(PG_FUNCTION_ARGS)
{
	Emission   *a = PG_GETARG_EMISSION_P(0);
	Emission   *b = PG_GETARG_EMISSION_P(1);

	check_same_pollutant(a, b, "divide");
	if (b->grams == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("division by zero")));
	PG_RETURN_FLOAT8((float8) a->grams / (float8) b->grams);
}

/* ----------------------------------------------------------------
 * Comparison and hashing: a total order that never fails
 * ---------------------------------------------------------------- */

/* Order by pollutant code, then grams. */
static int
emission_cmp_internal(const Emission *a, const Emission *b)
{
	if (a->pollutant != b->pollutant)
		return a->pollutant < b->pollutant ? -1 : 1;
	if (a->grams != b->grams)
		return a->grams < b->grams ? -1 : 1;
	return 0;
}

#define EMISSION_CMP(a, b) \
	emission_cmp_internal(PG_GETARG_EMISSION_P(a), PG_GETARG_EMISSION_P(b))

/* The = operator: same pollutant and same grams; never fails, so mixed columns sort and join. */
PG_FUNCTION_INFO_V1(emission_eq);
Datum
emission_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(EMISSION_CMP(0, 1) == 0);
}

/* The <> operator: not emission_eq; never fails, so mixed columns sort and join. */
PG_FUNCTION_INFO_V1(emission_ne);
Datum
emission_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(EMISSION_CMP(0, 1) != 0);
}

/* The < operator: before, in the order of emission_cmp_internal; never fails, so mixed columns sort and join. */
PG_FUNCTION_INFO_V1(emission_lt);
Datum
emission_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(EMISSION_CMP(0, 1) < 0);
}

/* The <= operator: not after, in that order; never fails, so mixed columns sort and join. */
PG_FUNCTION_INFO_V1(emission_le);
Datum
emission_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(EMISSION_CMP(0, 1) <= 0);
}

/* The > operator: after, in that order; never fails, so mixed columns sort and join. */
PG_FUNCTION_INFO_V1(emission_gt);
Datum
emission_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(EMISSION_CMP(0, 1) > 0);
}

/* The >= operator: not before, in that order; never fails, so mixed columns sort and join. */
PG_FUNCTION_INFO_V1(emission_ge);
Datum
emission_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(EMISSION_CMP(0, 1) >= 0);
}

/* btree support function 1 */
PG_FUNCTION_INFO_V1(emission_cmp);
Datum
emission_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(EMISSION_CMP(0, 1));
}

/*
 * hash support function 1: the built-in hash of the grams (as for bigint,
 * so it does not depend on byte order) combined with that of the pollutant.
 */
PG_FUNCTION_INFO_V1(emission_hash);
Datum
emission_hash(PG_FUNCTION_ARGS)
{
	Emission   *e = PG_GETARG_EMISSION_P(0);
	uint32		h = DatumGetUInt32(DirectFunctionCall1(hashint8, Int64GetDatum(e->grams)));

	PG_RETURN_UINT32(hash_combine(h, DatumGetUInt32(hash_uint32((uint32) e->pollutant))));
}

/* hash support function 2: the seeded 64-bit form, for hash partitioning */
PG_FUNCTION_INFO_V1(emission_hash_extended);
Datum
emission_hash_extended(PG_FUNCTION_ARGS)
{
	Emission   *e = PG_GETARG_EMISSION_P(0);
	Datum		seed = PG_GETARG_DATUM(1);
	uint64		h = DatumGetUInt64(DirectFunctionCall2(hashint8extended,
													   Int64GetDatum(e->grams), seed));

	PG_RETURN_UINT64(hash_combine64(h, DatumGetUInt64(hash_uint32_extended((uint32) e->pollutant,
																		   DatumGetUInt64(seed)))));
}

/* min() transition: the smaller in the total order (never fails) */
PG_FUNCTION_INFO_V1(emission_smaller);
Datum
emission_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(EMISSION_CMP(0, 1) <= 0 ? PG_GETARG_DATUM(0) : PG_GETARG_DATUM(1));
}

/* max() transition: the larger in the total order (never fails) */
PG_FUNCTION_INFO_V1(emission_larger);
Datum
emission_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(EMISSION_CMP(0, 1) >= 0 ? PG_GETARG_DATUM(0) : PG_GETARG_DATUM(1));
}

/* ----------------------------------------------------------------
 * Aggregates
 * ---------------------------------------------------------------- */

/*
 * sum() transition and combine function (strict, so NULLs are skipped and
 * the first value becomes the state).  Inside an aggregate the state is
 * ours: add in place and skip a palloc and a copy per row.
 */
PG_FUNCTION_INFO_V1(emission_sum_accum);
Datum
emission_sum_accum(PG_FUNCTION_ARGS)
{
	Emission   *state = PG_GETARG_EMISSION_P(0);
	int64		r = combine_grams(state, PG_GETARG_EMISSION_P(1), false, "sum");

	if (AggCheckCallContext(fcinfo, NULL))
	{
		state->grams = r;
		PG_RETURN_EMISSION_P(state);
	}
	PG_RETURN_EMISSION_P(make_emission(r, state->pollutant));
}

#ifndef HAVE_INT128
#error "rectify's avg(emission) needs a 128-bit integer type"
#endif

/*
 * avg() state: a running sum with its count; pollutant 0 = no rows yet.
 * The sum is 128 bits wide: the mean of any set of emissions is itself an
 * emission, even when their sum is not (two amounts over half the range).
 */
typedef struct EmissionAvgState
{
	int128		sum;
	int64		count;
	int32		pollutant;
} EmissionAvgState;

/* The aggregate memory context, or an error outside an aggregate. */
static MemoryContext
aggregate_context(FunctionCallInfo fcinfo)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("emission avg support function called outside an aggregate")));
	return ctx;
}

/*
 * Add `count` rows summing to `sum` grams of `pollutant` to the state.  No
 * overflow: 2^63 rows of at most 2^63 grams each fit in 128 bits.
 */
static void
avg_add(EmissionAvgState *s, int128 sum, int64 count, int32 pollutant)
{
	if (s->count > 0 && s->pollutant != pollutant)
	{
		Emission	a = {0, s->pollutant, 0},
					b = {0, pollutant, 0};

		check_same_pollutant(&a, &b, "average");
	}
	s->sum += sum;
	s->count += count;
	s->pollutant = pollutant;
}

/* avg() transition: not strict, as its internal state starts NULL. */
PG_FUNCTION_INFO_V1(emission_avg_accum);
Datum
emission_avg_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = aggregate_context(fcinfo);
	EmissionAvgState *s = PG_ARGISNULL(0) ? NULL : (EmissionAvgState *) PG_GETARG_POINTER(0);
	Emission   *e;

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	e = PG_GETARG_EMISSION_P(1);
	if (s == NULL)
		s = (EmissionAvgState *) MemoryContextAllocZero(ctx, sizeof(EmissionAvgState));
	avg_add(s, e->grams, 1, e->pollutant);
	PG_RETURN_POINTER(s);
}

/* avg() combine: merge two partial states, copying into our context. */
PG_FUNCTION_INFO_V1(emission_avg_combine);
Datum
emission_avg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = aggregate_context(fcinfo);
	EmissionAvgState *s1 = PG_ARGISNULL(0) ? NULL : (EmissionAvgState *) PG_GETARG_POINTER(0);
	EmissionAvgState *s2 = PG_ARGISNULL(1) ? NULL : (EmissionAvgState *) PG_GETARG_POINTER(1);

	if (s2 == NULL || s2->count == 0)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
		s1 = (EmissionAvgState *) MemoryContextAllocZero(ctx, sizeof(EmissionAvgState));
	avg_add(s1, s2->sum, s2->count, s2->pollutant);
	PG_RETURN_POINTER(s1);
}

/* avg() serialize, for parallel workers: sum, count, pollutant. */
PG_FUNCTION_INFO_V1(emission_avg_serialize);
Datum
emission_avg_serialize(PG_FUNCTION_ARGS)
{
	EmissionAvgState *s;
	StringInfoData buf;

	aggregate_context(fcinfo);
	s = (EmissionAvgState *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendint64(&buf, (int64) (s->sum >> 64));
	pq_sendint64(&buf, (int64) (uint64) s->sum);
	pq_sendint64(&buf, s->count);
	pq_sendint32(&buf, s->pollutant);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* avg() deserialize: the inverse of serialize. */
PG_FUNCTION_INFO_V1(emission_avg_deserialize);
Datum
emission_avg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	StringInfoData buf;
	EmissionAvgState *s;

	aggregate_context(fcinfo);
	b = PG_GETARG_BYTEA_PP(0);
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
	s = (EmissionAvgState *) palloc(sizeof(EmissionAvgState));
	s->sum = (int128) pq_getmsgint64(&buf) << 64;
	s->sum |= (uint64) pq_getmsgint64(&buf);
	s->count = pq_getmsgint64(&buf);
	s->pollutant = pq_getmsgint(&buf, 4);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}

/*
 * avg() final: sum / count rounded half away from zero; NULL if no rows.
 * The mean lies between the smallest and the largest amount, so it fits in
 * an emission whatever the sum.
 */
PG_FUNCTION_INFO_V1(emission_avg_final);
Datum
emission_avg_final(PG_FUNCTION_ARGS)
{
	EmissionAvgState *s = PG_ARGISNULL(0) ? NULL : (EmissionAvgState *) PG_GETARG_POINTER(0);
	int128		q,
				r;

	if (s == NULL || s->count == 0)
		PG_RETURN_NULL();
	q = s->sum / s->count;
	r = s->sum % s->count;
	if (2 * (r < 0 ? -r : r) >= s->count)
		q += (s->sum < 0) ? -1 : 1;
	PG_RETURN_EMISSION_P(make_emission((int64) q, s->pollutant));
}
