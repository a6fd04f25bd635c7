/*
 * deadline.c — the rectify.deadline type (整改时限) and the deadline
 * arithmetic built on it: due dates, deadline states, days overdue and
 * time-proportional progress (序时进度).
 *
 * Rectification plans write deadlines as free text: "2021年12月31日",
 * "2022年9月", "立行立改,持續推進", "2021年12月31日(長期堅持、防止反彈)".
 * The parser folds full-width punctuation and traditional characters into
 * one alphabet, cuts the text into a few tokens, and accepts only the
 * token sequences that mean something.  Values are 8 bytes, passed by value
 * (layout in rectify.h).
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/namespace.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/syscache.h"

#include "rectify.h"

/* The hint of every deadline input error: the accepted forms, briefly. */
#define DEADLINE_HINT \
	"Write a date (2021-12-31, 2021年12月31日, 2022年9月, 2020年底), a count " \
	"of days (30天) or working days (15个工作日), 立行立改 or 持续推进, " \
	"optionally followed by 遇节假日顺延 or 长期坚持."

/* Years a deadline may name: four digits, so the output always re-parses. */
#define DL_MIN_YEAR 1000
#define DL_MAX_YEAR 9999

/* ----------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------- */

typedef enum TokenKind
{
	TK_DATE,					/* a resolved date */
	TK_IMMEDIATE,				/* 立行立改 / 立即整改 / immediate */
	TK_ONGOING,					/* 持续推进 / 长期坚持 / ongoing */
	TK_REBOUND,					/* 防止反弹: keep the fix from coming back */
	TK_SUSTAIN,					/* English "sustain" */
	TK_AND,						/* 并 / 且 / and: must introduce a clause */
	TK_DAYS,					/* 30日 / 30天 / 30 days: calendar days */
	TK_WORKDAYS,				/* 15个工作日 / 15 workdays: working days */
	TK_ROLLOVER					/* 遇节假日顺延 / rollover (民法典 Art. 203) */
} TokenKind;

#define MAX_TOKENS 8

typedef struct Scanner
{
	const char *input;			/* the text as given, for messages */
	pg_wchar   *cp;				/* folded code points */
	int			len;
	int			pos;
	bool		error_ok;
	bool		bad_date;		/* set when the failure is an impossible date */
	bool		bad_count;		/* set when a day count is out of range */
} Scanner;

/*
 * Fold one code point into the alphabet the scanner matches: full-width
 * forms to ASCII, ideographic punctuation to its ASCII role, ASCII to lower
 * case, and the traditional characters of the deadline phrases to their
 * simplified forms (plans from Hong Kong, Taiwan and many re-posts use them).
 */
static pg_wchar
fold_codepoint(pg_wchar c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;			/* full-width ASCII */
	switch (c)
	{
		case 0x3000:
			return ' ';			/* ideographic space */
		case 0x3001:
			return ',';			/* 、 enumeration comma */
		case 0x3002:
		case 0xFF61:
			return '.';			/* 。 full stop */
		case 0x7E8C:
			return 0x7EED;		/* 續 → 续 */
		case 0x9032:
			return 0x8FDB;		/* 進 → 进 */
		case 0x9577:
			return 0x957F;		/* 長 → 长 */
		case 0x5805:
			return 0x575A;		/* 堅 → 坚 */
		case 0x5F48:
			return 0x5F39;		/* 彈 → 弹 */
		case 0x4E26:
			return 0x5E76;		/* 並 → 并 */
		case 0x865F:
			return 0x53F7;		/* 號 → 号 */
		case 0x500B:
			return 0x4E2A;		/* 個 → 个 */
		case 0x5167:
			return 0x5185;		/* 內 → 内 */
		case 0x9806:
			return 0x987A;		/* 順 → 顺 */
		case 0x7BC0:
			return 0x8282;		/* 節 → 节 */
		case 0x66C6:
			return 0x5386;		/* 曆 → 历 */
	}
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return c;
}

/*
 * Decode the input (in the server encoding) into folded code points.
 * Returns false if the text is not valid UTF-8 after conversion, which
 * can only happen through a bad client or a binary path.
 */
static bool
scanner_init(Scanner *sc, const char *str, bool error_ok)
{
	size_t		slen = strlen(str);
	const unsigned char *u;
	const unsigned char *end;
	char	   *utf8;

	sc->input = str;
	sc->error_ok = error_ok;
	sc->bad_date = false;
	sc->bad_count = false;
	sc->pos = 0;
	sc->len = 0;

	utf8 = pg_server_to_any(str, slen, PG_UTF8);
	slen = strlen(utf8);
	sc->cp = palloc((slen + 1) * sizeof(pg_wchar));
	u = (const unsigned char *) utf8;
	end = u + slen;
	while (u < end)
	{
		int			n = pg_utf_mblen(u);

		if (n > end - u || !pg_utf8_islegal(u, n))
			return false;
		sc->cp[sc->len++] = fold_codepoint(utf8_to_unicode(u));
		u += n;
	}
	return true;
}

/* Does the folded input continue with the given UTF-8 phrase? */
static bool
scan_phrase(Scanner *sc, const char *phrase)
{
	const unsigned char *p = (const unsigned char *) phrase;
	int			pos = sc->pos;

	while (*p)
	{
		if (pos >= sc->len || sc->cp[pos] != utf8_to_unicode(p))
			return false;
		pos++;
		p += pg_utf_mblen(p);
	}
	/* an English word must end at a word boundary */
	if (pos < sc->len && ((const unsigned char *) phrase)[0] < 0x80 &&
		sc->cp[pos] >= 'a' && sc->cp[pos] <= 'z')
		return false;
	sc->pos = pos;
	return true;
}

/* Is there an ASCII digit at pos?  (Full-width digits are folded already.) */
static bool
is_digit(Scanner *sc, int pos)
{
	return pos < sc->len && sc->cp[pos] >= '0' && sc->cp[pos] <= '9';
}

/* Read 1 to maxdigits decimal digits; -1 if there are none or too many. */
static int
scan_number(Scanner *sc, int maxdigits)
{
	int			value = 0;
	int			n = 0;

	while (is_digit(sc, sc->pos))
	{
		if (++n > maxdigits)
			return -1;
		value = value * 10 + (int) (sc->cp[sc->pos++] - '0');
	}
	return n == 0 ? -1 : value;
}

/*
 * Turn year/month/day into a DateADT.  day == 0 means "the last day of the
 * month" (a month-only deadline is due on its last day).  An impossible
 * date marks the scanner so the caller reports 22007 rather than 22P02.
 */
static bool
dl_make_date(Scanner *sc, int year, int month, int day, DateADT *result)
{
	int			mdays;

	if (year < DL_MIN_YEAR || year > DL_MAX_YEAR || month < 1 || month > 12)
	{
		sc->bad_date = true;
		return false;
	}
	mdays = day_tab[isleap(year)][month - 1];
	if (day == 0)
		day = mdays;
	else if (day > mdays)
	{
		sc->bad_date = true;
		return false;
	}
	*result = date2j(year, month, day) - POSTGRES_EPOCH_JDATE;
	return true;
}

/*
 * Scan a date starting at a digit: 2021-12-31, 2021/12/31, 2022-09,
 * 2021年12月31日, 2021年12月31号, 2022年9月, 2024年12月底, 2020年底,
 * each optionally followed by 前 ("by").  Leading zeros are allowed.
 */
static bool
scan_date(Scanner *sc, DateADT *result)
{
	int			year,
				month,
				day = 0;

	year = scan_number(sc, 4);
	if (year < 0 || !(sc->pos < sc->len))
		return false;

	if (sc->cp[sc->pos] == '-' || sc->cp[sc->pos] == '/')
	{
		pg_wchar	sep = sc->cp[sc->pos++];

		if ((month = scan_number(sc, 2)) < 0)
			return false;
		if (sc->pos < sc->len && sc->cp[sc->pos] == sep)
		{
			sc->pos++;
			if ((day = scan_number(sc, 2)) < 0 || day == 0)
			{
				sc->bad_date = (day == 0);
				return false;
			}
		}
	}
	else if (scan_phrase(sc, "年"))
	{
		if (scan_phrase(sc, "底"))
			month = 12;			/* 年底: the end of the year */
		else
		{
			if ((month = scan_number(sc, 2)) < 0 || !scan_phrase(sc, "月"))
				return false;
			if (scan_phrase(sc, "底") || scan_phrase(sc, "末"))
				day = 0;
			else if (is_digit(sc, sc->pos))
			{
				if ((day = scan_number(sc, 2)) < 0 ||
					!(scan_phrase(sc, "日") || scan_phrase(sc, "号")))
					return false;
				if (day == 0)
				{
					sc->bad_date = true;
					return false;
				}
			}
		}
		(void) scan_phrase(sc, "前");
	}
	else
		return false;

	return dl_make_date(sc, year, month, day, result);
}

/* Skip spaces: "30 天" and "15 个工作日" are written with and without. */
static void
skip_spaces(Scanner *sc)
{
	while (sc->pos < sc->len && sc->cp[sc->pos] == ' ')
		sc->pos++;
}

typedef enum CountScan
{
	COUNT_NONE,					/* digits not followed by a unit: not a count */
	COUNT_OK,
	COUNT_BAD					/* a unit, but the count is out of range */
} CountScan;

/*
 * Scan a relative deadline starting at a digit: a count of calendar days
 * (30日, 30天, 30个自然日, 30 days, 30 calendar days) or of working days
 * (15个工作日, 15工作日, 15 workdays, 15 working days), the Chinese ones
 * optionally followed by 内 ("within").  Without a unit after the digits
 * the position is restored and COUNT_NONE returned, so the caller can try
 * a date: "2021年…" never reads as a count.
 */
static CountScan
scan_count(Scanner *sc, TokenKind *kind, int32 *count)
{
	int			start = sc->pos;
	int64		value = 0;

	while (is_digit(sc, sc->pos))
	{
		value = value * 10 + (int) (sc->cp[sc->pos++] - '0');
		if (value > DL_MAX_COUNT)
			value = DL_MAX_COUNT + 1;	/* saturate: only "too big" matters */
	}
	skip_spaces(sc);

	if (scan_phrase(sc, "个工作日") || scan_phrase(sc, "工作日"))
	{
		*kind = TK_WORKDAYS;
		(void) scan_phrase(sc, "内");
	}
	else if (scan_phrase(sc, "个自然日") || scan_phrase(sc, "自然日") ||
			 scan_phrase(sc, "个日历日") || scan_phrase(sc, "日历日") ||
			 scan_phrase(sc, "日") || scan_phrase(sc, "天"))
	{
		*kind = TK_DAYS;
		(void) scan_phrase(sc, "内");
	}
	else if (scan_phrase(sc, "workdays") || scan_phrase(sc, "workday") ||
			 scan_phrase(sc, "working days") || scan_phrase(sc, "working day"))
		*kind = TK_WORKDAYS;
	else if (scan_phrase(sc, "days") || scan_phrase(sc, "day") ||
			 scan_phrase(sc, "calendar days") || scan_phrase(sc, "calendar day"))
		*kind = TK_DAYS;
	else
	{
		sc->pos = start;
		return COUNT_NONE;
	}
	if (value < 1 || value > DL_MAX_COUNT)
	{
		sc->bad_count = true;
		return COUNT_BAD;
	}
	*count = (int32) value;
	return COUNT_OK;
}

/*
 * Report a parse failure: 22007 for an impossible date, 22P02 for
 * anything else.  Returns false for the error_ok path.
 */
static bool
deadline_syntax_error(Scanner *sc)
{
	if (sc->error_ok)
		return false;
	if (sc->bad_count)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("day count out of range in deadline: \"%s\"", sc->input),
				 errdetail("A deadline counts 1 to %d days or working days.", DL_MAX_COUNT),
				 errhint(DEADLINE_HINT)));
	if (sc->bad_date)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
				 errmsg("invalid date in deadline: \"%s\"", sc->input),
				 errdetail("The year must be between %d and %d, the month between 1 and 12, and the day must exist in that month.",
						   DL_MIN_YEAR, DL_MAX_YEAR),
				 errhint(DEADLINE_HINT)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type deadline: \"%s\"", sc->input),
			 errhint(DEADLINE_HINT)));
	return false;				/* keep the compiler quiet */
}

/*
 * Cut the folded input into tokens.  Commas, semicolons and balanced
 * parentheses separate tokens; a full stop may only end the text.
 */
static bool
tokenize(Scanner *sc, TokenKind *tokens, DateADT *date, int32 *count,
		 int *ntokens)
{
	int			depth = 0;
	bool		after_separator = true; /* nothing before the first token */

	*ntokens = 0;
	while (sc->pos < sc->len)
	{
		pg_wchar	c = sc->cp[sc->pos];
		TokenKind	tk;

		if (c == ' ' || c == '\t')
		{
			sc->pos++;
			continue;
		}
		if (c == ',' || c == ';')
		{
			if (after_separator)
				return false;
			after_separator = true;
			sc->pos++;
			continue;
		}
		if (c == '(')
		{
			if (*ntokens == 0)
				return false;
			depth++;
			after_separator = true;
			sc->pos++;
			continue;
		}
		if (c == ')')
		{
			if (depth == 0 || after_separator)
				return false;
			depth--;
			sc->pos++;
			continue;
		}
		if (c == '.')
		{
			/* only a closing full stop, possibly followed by spaces */
			sc->pos++;
			while (sc->pos < sc->len && sc->cp[sc->pos] == ' ')
				sc->pos++;
			if (sc->pos < sc->len || *ntokens == 0)
				return false;
			break;
		}

		if (is_digit(sc, sc->pos))
		{
			CountScan	cs = scan_count(sc, &tk, count);

			if (cs == COUNT_BAD)
				return false;
			if (cs == COUNT_NONE)
			{
				if (!scan_date(sc, date))
					return false;
				tk = TK_DATE;
			}
		}
		else if (scan_phrase(sc, "立行立改") || scan_phrase(sc, "立即整改") ||
				 scan_phrase(sc, "immediate"))
			tk = TK_IMMEDIATE;
		else if (scan_phrase(sc, "持续推进") || scan_phrase(sc, "长期坚持") ||
				 scan_phrase(sc, "ongoing"))
			tk = TK_ONGOING;
		else if (scan_phrase(sc, "防止反弹"))
			tk = TK_REBOUND;
		else if (scan_phrase(sc, "sustain"))
			tk = TK_SUSTAIN;
		else if (scan_phrase(sc, "并") || scan_phrase(sc, "且") ||
				 scan_phrase(sc, "and"))
			tk = TK_AND;
		else if (scan_phrase(sc, "遇法定节假日顺延") || scan_phrase(sc, "遇节假日顺延") ||
				 scan_phrase(sc, "遇休息日顺延") || scan_phrase(sc, "节假日顺延") ||
				 scan_phrase(sc, "顺延") || scan_phrase(sc, "rollover"))
			tk = TK_ROLLOVER;
		else
			return false;

		/* two tokens need a separator between them, except after 并 */
		if (!after_separator && !(*ntokens > 0 && tokens[*ntokens - 1] == TK_AND))
			return false;
		if (*ntokens == MAX_TOKENS)
			return false;
		tokens[(*ntokens)++] = tk;
		after_separator = (tk == TK_AND);
	}
	return depth == 0 && *ntokens > 0 && !after_separator;
}

/*
 * Accept only meaningful token sequences: a date, a count of days or
 * working days, "immediate" or "ongoing" first, then clauses that say the
 * work goes on.  A date or a count followed by such clauses sustains;
 * immediate followed by them becomes "immediate, ongoing".  A rollover
 * clause (遇节假日顺延) follows a date or a count of calendar days; after a
 * count of working days it changes nothing (the count ends on a working
 * day) and is dropped.
 */
static bool
tokens_to_deadline(const TokenKind *tokens, int ntokens, DateADT date,
				   int32 count, Deadline *result)
{
	bool		clause = false;
	bool		rollover = false;
	bool		dated = (tokens[0] == TK_DATE || tokens[0] == TK_DAYS ||
						 tokens[0] == TK_WORKDAYS);
	int			i;

	for (i = 1; i < ntokens; i++)
	{
		switch (tokens[i])
		{
			case TK_ONGOING:
			case TK_REBOUND:
				clause = true;
				break;
			case TK_SUSTAIN:
				/* the English sustain clause follows a date or count only */
				if (!dated)
					return false;
				clause = true;
				break;
			case TK_ROLLOVER:
				if (!dated)
					return false;
				rollover = true;
				break;
			case TK_AND:
				if (i + 1 == ntokens || tokens[i + 1] == TK_AND)
					return false;
				break;
			default:
				return false;
		}
	}

	switch (tokens[0])
	{
		case TK_DATE:
			*result = DL_MAKE(DL_DATE, (clause ? DLF_SUSTAIN : 0) |
							  (rollover ? DLF_ROLLOVER : 0), date);
			return true;
		case TK_IMMEDIATE:
			*result = DL_MAKE(DL_IMMEDIATE, clause ? DLF_ONGOING : 0, 0);
			return true;
		case TK_ONGOING:
			*result = DL_MAKE(DL_ONGOING, 0, 0);
			return true;
		case TK_DAYS:
			*result = DL_MAKE(DL_DAYS, (clause ? DLF_SUSTAIN : 0) |
							  (rollover ? DLF_ROLLOVER : 0), count);
			return true;
		case TK_WORKDAYS:
			*result = DL_MAKE(DL_WORKDAYS, clause ? DLF_SUSTAIN : 0, count);
			return true;
		default:
			return false;
	}
}

/*
 * parse_deadline — the one parser behind input, casts and probing callers.
 * With error_ok it returns false instead of raising.
 */
bool
parse_deadline(const char *str, bool error_ok, Deadline *result)
{
	Scanner		sc;
	TokenKind	tokens[MAX_TOKENS];
	DateADT		date = 0;
	int32		count = 0;
	int			ntokens;
	bool		ok;

	ok = scanner_init(&sc, str, error_ok) &&
		tokenize(&sc, tokens, &date, &count, &ntokens) &&
		tokens_to_deadline(tokens, ntokens, date, count, result);
	pfree(sc.cp);
	if (!ok)
		return deadline_syntax_error(&sc);
	return true;
}

/* Is this a value the parser could have produced?  Guards binary input. */
static bool
deadline_is_valid(Deadline d)
{
	if (DL_RESERVED(d) != 0)
		return false;
	switch (DL_KIND(d))
	{
		case DL_DATE:
			if ((DL_FLAGS(d) & ~(DLF_SUSTAIN | DLF_ROLLOVER)) != 0)
				return false;
			if (DL_VALUE(d) < date2j(DL_MIN_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE ||
				DL_VALUE(d) > date2j(DL_MAX_YEAR, 12, 31) - POSTGRES_EPOCH_JDATE)
				return false;
			return true;
		case DL_IMMEDIATE:
			return (DL_FLAGS(d) & ~DLF_ONGOING) == 0 && DL_VALUE(d) == 0;
		case DL_ONGOING:
			return DL_FLAGS(d) == 0 && DL_VALUE(d) == 0;
		case DL_DAYS:
			return (DL_FLAGS(d) & ~(DLF_SUSTAIN | DLF_ROLLOVER)) == 0 &&
				DL_VALUE(d) >= 1 && DL_VALUE(d) <= DL_MAX_COUNT;
		case DL_WORKDAYS:
			return (DL_FLAGS(d) & ~DLF_SUSTAIN) == 0 &&
				DL_VALUE(d) >= 1 && DL_VALUE(d) <= DL_MAX_COUNT;
		default:
			return false;
	}
}

/* ----------------------------------------------------------------
 * I/O functions
 * ---------------------------------------------------------------- */

/* Text input: parse_deadline, raising on error (22P02, 22007, 22003). */
PG_FUNCTION_INFO_V1(deadline_in);
Datum
deadline_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Deadline	result;

	parse_deadline(str, false, &result);
	PG_RETURN_DEADLINE(result);
}

/* The canonical English form, which parse_deadline reads back unchanged. */
PG_FUNCTION_INFO_V1(deadline_out);
Datum
deadline_out(PG_FUNCTION_ARGS)
{
	Deadline	d = PG_GETARG_DEADLINE(0);
	int			y,
				m,
				day;

	const char *rollover = (DL_FLAGS(d) & DLF_ROLLOVER) ? ", rollover" : "";
	const char *sustain = (DL_FLAGS(d) & DLF_SUSTAIN) ? ", sustain" : "";

	switch (DL_KIND(d))
	{
		case DL_DATE:
			j2date(DL_VALUE(d) + POSTGRES_EPOCH_JDATE, &y, &m, &day);
			PG_RETURN_CSTRING(psprintf("%04d-%02d-%02d%s%s", y, m, day,
									   rollover, sustain));
		case DL_DAYS:
			PG_RETURN_CSTRING(psprintf("%d %s%s%s", DL_VALUE(d),
									   DL_VALUE(d) == 1 ? "day" : "days",
									   rollover, sustain));
		case DL_WORKDAYS:
			PG_RETURN_CSTRING(psprintf("%d %s%s", DL_VALUE(d),
									   DL_VALUE(d) == 1 ? "workday" : "workdays",
									   sustain));
		case DL_IMMEDIATE:
			PG_RETURN_CSTRING(pstrdup((DL_FLAGS(d) & DLF_ONGOING) ?
									  "immediate, ongoing" : "immediate"));
		case DL_ONGOING:
			PG_RETURN_CSTRING(pstrdup("ongoing"));
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupt deadline value %lld", (long long) d)));
	PG_RETURN_NULL();
}

/* Binary input: the 8-byte value, checked as strictly as text input. */
PG_FUNCTION_INFO_V1(deadline_recv);
Datum
deadline_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Deadline	d = (Deadline) pq_getmsgint64(buf);

	if (!deadline_is_valid(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type deadline: %lld", (long long) d),
				 errdetail("The kind, flags, date or reserved bits are out of range.")));
	PG_RETURN_DEADLINE(d);
}

/* Binary output: the 8-byte value, which deadline_recv checks back. */
PG_FUNCTION_INFO_V1(deadline_send);
Datum
deadline_send(PG_FUNCTION_ARGS)
{
	Deadline	d = PG_GETARG_DEADLINE(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, d);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ----------------------------------------------------------------
 * Comparison: by kind (dates, then immediate, then ongoing), then date,
 * then flags, so a sorted ledger lists fixed dates in calendar order.
 * ---------------------------------------------------------------- */

/* The one comparison behind the btree support function and the operators. */
static int
deadline_cmp_internal(Deadline a, Deadline b)
{
	if (DL_KIND(a) != DL_KIND(b))
		return DL_KIND(a) < DL_KIND(b) ? -1 : 1;
	if (DL_VALUE(a) != DL_VALUE(b))
		return DL_VALUE(a) < DL_VALUE(b) ? -1 : 1;
	if (DL_FLAGS(a) != DL_FLAGS(b))
		return DL_FLAGS(a) < DL_FLAGS(b) ? -1 : 1;
	return 0;
}

/* btree support function 1: the default operator class's order. */
PG_FUNCTION_INFO_V1(deadline_cmp);
Datum
deadline_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(deadline_cmp_internal(PG_GETARG_DEADLINE(0),
										  PG_GETARG_DEADLINE(1)));
}

/*
 * The six comparison operators, one function each (operators need a
 * function of their own); every one is deadline_cmp_internal against 0.
 */
#define DEADLINE_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(deadline_cmp_internal(PG_GETARG_DEADLINE(0), \
										 PG_GETARG_DEADLINE(1)) op 0); \
}

DEADLINE_CMP_FN(deadline_lt, <)
DEADLINE_CMP_FN(deadline_le, <=)
DEADLINE_CMP_FN(deadline_eq, ==)
DEADLINE_CMP_FN(deadline_ne, !=)
DEADLINE_CMP_FN(deadline_ge, >=)
DEADLINE_CMP_FN(deadline_gt, >)

/* ----------------------------------------------------------------
 * Deadline arithmetic
 * ---------------------------------------------------------------- */

/* Raise 22023 for a negative day count (warning or immediate window). */
static void
check_day_count(int32 days, const char *what)
{
	if (days < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative: %d", what, days),
				 errhint("Give a number of calendar days, 0 or more.")));
}

/*
 * Raise 22023 for a deadline that needs a working-day calendar in one of
 * the IMMUTABLE functions, which cannot read one.
 */
static void
needs_calendar_error(Deadline d)
{
	char	   *text = DatumGetCString(DirectFunctionCall1(deadline_out,
														   DeadlineGetDatum(d)));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 DL_KIND(d) == DL_WORKDAYS ?
			 errmsg("deadline \"%s\" counts working days and needs a calendar", text) :
			 errmsg("deadline \"%s\" rolls over to a working day and needs a calendar", text),
			 errdetail("due_date, deadline_state, days_overdue and expected_progress are IMMUTABLE and read no calendar."),
			 errhint("Use rectify.resolve_due(deadline, assigned, calendar), which resolves every form of deadline against a working-day calendar (default 'cn').")));
}

/* assigned + days, or 22008 if that leaves the range of dates. */
static DateADT
add_days(DateADT assigned, int32 days)
{
	DateADT		due;

	if (pg_add_s32_overflow(assigned, days, &due) || !IS_VALID_DATE(due))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("due date out of range: assigned date plus %d days", days)));
	return due;
}

/*
 * The due date of a deadline, or false if it has none (ongoing).  An
 * immediate deadline falls due immediate_days after assignment; "N days"
 * N calendar days after it, "N workdays" N working days after it (the day
 * of assignment is not counted, 民法典 Art. 201).  A rollover deadline
 * whose day is not a working day moves to the next working day (Art. 203).
 * cal is NULL in the IMMUTABLE callers, which refuse calendar forms.
 */
static bool
resolve_due(Deadline d, DateADT assigned, int32 immediate_days,
			WorkCalendar *cal, DateADT *due)
{
	if (DL_IS_ONGOING(d))
		return false;
	if (DL_NEEDS_CALENDAR(d) && cal == NULL)
		needs_calendar_error(d);
	switch (DL_KIND(d))
	{
		case DL_DATE:
			*due = DL_VALUE(d);
			break;
		case DL_DAYS:
			check_finite_date(assigned, "assigned date");
			*due = add_days(assigned, DL_VALUE(d));
			break;
		case DL_WORKDAYS:
			check_finite_date(assigned, "assigned date");
			*due = calendar_add_workdays(cal, assigned, DL_VALUE(d));
			break;
		default:				/* immediate */
			check_finite_date(assigned, "assigned date");
			check_day_count(immediate_days, "immediate_days");
			*due = add_days(assigned, immediate_days);
			break;
	}
	if (DL_FLAGS(d) & DLF_ROLLOVER)
		*due = calendar_roll_forward(cal, *due);
	return true;
}

/* Does the deadline count from the day of assignment? */
#define DL_IS_RELATIVE(d) \
	(DL_KIND(d) == DL_IMMEDIATE || DL_KIND(d) == DL_DAYS || DL_KIND(d) == DL_WORKDAYS)

/*
 * due_date(deadline, assigned, immediate_days): NULL for ongoing deadlines
 * and when a needed argument is NULL.  A fixed date needs no assigned date.
 */
PG_FUNCTION_INFO_V1(deadline_due_date);
Datum
deadline_due_date(PG_FUNCTION_ARGS)
{
	Deadline	d;
	DateADT		due;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = PG_GETARG_DEADLINE(0);
	if (DL_NEEDS_CALENDAR(d))
		needs_calendar_error(d);
	if (DL_IS_ONGOING(d))
		PG_RETURN_NULL();
	if (DL_KIND(d) == DL_DATE)
		PG_RETURN_DATEADT(DL_VALUE(d));
	if (PG_ARGISNULL(1) || (DL_KIND(d) == DL_IMMEDIATE && PG_ARGISNULL(2)))
		PG_RETURN_NULL();
	resolve_due(d, PG_GETARG_DATEADT(1), PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2),
				NULL, &due);
	PG_RETURN_DATEADT(due);
}

/*
 * resolve_due(deadline, assigned, calendar, immediate_days): the due date
 * of every form of deadline, counting working days and rolling over days
 * off in the named calendar.  STABLE: it reads the calendar tables (through
 * the per-backend cache in calendar.c).  NULL for ongoing deadlines and
 * when a needed argument is NULL; the calendar is checked whenever given.
 */
PG_FUNCTION_INFO_V1(deadline_resolve_due);
Datum
deadline_resolve_due(PG_FUNCTION_ARGS)
{
	Deadline	d;
	WorkCalendar *cal = NULL;
	DateADT		due;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = PG_GETARG_DEADLINE(0);
	if (!PG_ARGISNULL(2))
		cal = calendar_get(text_to_cstring(PG_GETARG_TEXT_PP(2)));
	else if (DL_NEEDS_CALENDAR(d))
		PG_RETURN_NULL();
	if (DL_IS_ONGOING(d))
		PG_RETURN_NULL();
	if (DL_IS_RELATIVE(d) &&
		(PG_ARGISNULL(1) || (DL_KIND(d) == DL_IMMEDIATE && PG_ARGISNULL(3))))
		PG_RETURN_NULL();
	resolve_due(d, PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1),
				PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3), cal, &due);
	PG_RETURN_DATEADT(due);
}

/* needs_calendar(deadline): only resolve_due can resolve it. */
PG_FUNCTION_INFO_V1(deadline_needs_calendar);
Datum
deadline_needs_calendar(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(DL_NEEDS_CALENDAR(PG_GETARG_DEADLINE(0)));
}

typedef enum DeadlineState
{
	DS_NOT_DUE,
	DS_DUE_SOON,
	DS_DUE_TODAY,
	DS_OVERDUE,
	DS_CLOSED_ON_TIME,
	DS_CLOSED_LATE,
	DS_ONGOING,
	DS_COUNT
} DeadlineState;

/* Labels of rectify.deadline_state, in DeadlineState order. */
static const char *const state_labels[DS_COUNT] = {
	"not_due", "due_soon", "due_today", "overdue",
	"closed_on_time", "closed_late", "ongoing"
};

/*
 * The state of an item due on due (has_due false: ongoing) as of asof.  An
 * item closed after asof is still open as of asof, which is what makes
 * time travel work.
 */
static DeadlineState
state_for_due(bool has_due, DateADT due, bool closed_null, DateADT closed,
			  DateADT asof, int32 warning_days)
{
	check_finite_date(asof, "asof");
	check_day_count(warning_days, "warning_days");

	if (!closed_null && closed <= asof)
		return (!has_due || closed <= due) ? DS_CLOSED_ON_TIME : DS_CLOSED_LATE;
	if (!has_due)
		return DS_ONGOING;
	if (asof > due)
		return DS_OVERDUE;
	if (asof == due)
		return DS_DUE_TODAY;
	if ((int64) due - asof <= warning_days)
		return DS_DUE_SOON;
	return DS_NOT_DUE;
}

/*
 * The OIDs of rectify.deadline_state's labels, looked up once per call
 * site and kept in fn_extra: enum OIDs differ between databases.
 */
static Oid *
state_label_oids(FunctionCallInfo fcinfo)
{
	Oid		   *oids = (Oid *) fcinfo->flinfo->fn_extra;
	Oid			typid;
	int			i;

	if (oids != NULL)
		return oids;
	typid = rectify_type_oid("deadline_state");
	oids = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, DS_COUNT * sizeof(Oid));
	for (i = 0; i < DS_COUNT; i++)
	{
		oids[i] = GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid,
								  ObjectIdGetDatum(typid),
								  CStringGetDatum(state_labels[i]));
		if (!OidIsValid(oids[i]))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("rectify.deadline_state has no label \"%s\"",
							state_labels[i])));
	}
	fcinfo->flinfo->fn_extra = oids;
	return oids;
}

/*
 * The rest of deadline_state and due_state once the due date is known: the
 * state's label OID for an item whose closed, asof and warning_days are
 * the arguments closed_arg, closed_arg + 1 and closed_arg + 2.
 */
static inline Datum
state_result(FunctionCallInfo fcinfo, bool has_due, DateADT due, int closed_arg)
{
	DeadlineState st;

	st = state_for_due(has_due, due, PG_ARGISNULL(closed_arg),
					   PG_ARGISNULL(closed_arg) ? 0 : PG_GETARG_DATEADT(closed_arg),
					   PG_GETARG_DATEADT(closed_arg + 1), PG_GETARG_INT32(closed_arg + 2));
	PG_RETURN_OID(state_label_oids(fcinfo)[st]);
}

/*
 * deadline_state(deadline, assigned, closed, asof, warning_days,
 * immediate_days).  Not strict: closed is NULL for open items.  NULL when
 * the deadline, asof or a needed parameter is NULL.
 */
PG_FUNCTION_INFO_V1(deadline_state);
Datum
deadline_state(PG_FUNCTION_ARGS)
{
	Deadline	d;
	DateADT		due = 0;
	bool		has_due;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(3) || PG_ARGISNULL(4) || PG_ARGISNULL(5))
		PG_RETURN_NULL();
	d = PG_GETARG_DEADLINE(0);
	if (DL_NEEDS_CALENDAR(d))
		needs_calendar_error(d);
	if (PG_ARGISNULL(1) && DL_IS_RELATIVE(d) && !DL_IS_ONGOING(d))
		PG_RETURN_NULL();
	has_due = resolve_due(d, PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1),
						  PG_GETARG_INT32(5), NULL, &due);
	return state_result(fcinfo, has_due, due, 2);
}

/*
 * due_state(due, closed, asof, warning_days): the same states for a due
 * date already resolved (NULL due = ongoing).  The ledger stores resolved
 * due dates, so its views use this one.
 */
PG_FUNCTION_INFO_V1(deadline_due_state);
Datum
deadline_due_state(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(0))
		check_finite_date(PG_GETARG_DATEADT(0), "due date");
	return state_result(fcinfo, !PG_ARGISNULL(0), PG_ARGISNULL(0) ? 0 : PG_GETARG_DATEADT(0), 1);
}

/*
 * days_overdue(deadline, assigned, closed, asof, immediate_days): days past
 * the due date, as of asof for an open item or at closing for a closed
 * one; 0 when on time or ongoing.  Resolves the deadline, then counts with
 * the same rule as days_overdue(due, closed, asof) below.
 */
PG_FUNCTION_INFO_V1(deadline_days_overdue);
Datum
deadline_days_overdue(PG_FUNCTION_ARGS)
{
	Deadline	d;
	DateADT		due,
				asof;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_NULL();
	d = PG_GETARG_DEADLINE(0);
	if (DL_IS_ONGOING(d))
		PG_RETURN_INT32(0);
	if (DL_NEEDS_CALENDAR(d))
		needs_calendar_error(d);
	if (PG_ARGISNULL(1) && DL_IS_RELATIVE(d))
		PG_RETURN_NULL();
	asof = PG_GETARG_DATEADT(3);
	check_finite_date(asof, "asof");
	resolve_due(d, PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1),
				PG_GETARG_INT32(4), NULL, &due);
	PG_RETURN_INT32(days_overdue_for_due(due, PG_ARGISNULL(2),
										 PG_ARGISNULL(2) ? 0 : PG_GETARG_DATEADT(2),
										 asof));
}

/*
 * days_overdue(due, closed, asof): the same count for a due date already
 * resolved, as the ledger stores it, so that ledger(), the scoring views
 * and escalate() count days overdue with one rule instead of each
 * repeating it in SQL.  Not strict: a NULL due date is an ongoing item
 * (0 days) and a NULL closed date an open one; NULL when asof is NULL.
 * A completion date after asof does not count (open as of asof).
 */
PG_FUNCTION_INFO_V1(deadline_due_days_overdue);
Datum
deadline_due_days_overdue(PG_FUNCTION_ARGS)
{
	DateADT		due,
				asof;

	if (PG_ARGISNULL(2))
		PG_RETURN_NULL();
	asof = PG_GETARG_DATEADT(2);
	check_finite_date(asof, "asof");
	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);
	due = PG_GETARG_DATEADT(0);
	check_finite_date(due, "due date");
	PG_RETURN_INT32(days_overdue_for_due(due, PG_ARGISNULL(1),
										 PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1),
										 asof));
}

/*
 * The elapsed share of assigned..due as of asof, in [0, 1] with four
 * decimals rounded half up: 1 from the due date on, 0 up to assignment.
 */
static Numeric
progress_share(DateADT assigned, DateADT asof, DateADT due)
{
	return int64_div_fast_to_numeric(expected_permyriad(assigned, due, asof), 4);
}

/*
 * expected_progress(deadline, assigned, asof, immediate_days) — 序时进度:
 * the share of the time from assignment to the due date that has passed,
 * in [0, 1] with four decimals; NULL for ongoing deadlines.
 */
PG_FUNCTION_INFO_V1(deadline_expected_progress);
Datum
deadline_expected_progress(PG_FUNCTION_ARGS)
{
	Deadline	d;
	DateADT		assigned,
				asof,
				due;
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	d = PG_GETARG_DEADLINE(0);
	if (DL_IS_ONGOING(d))
		PG_RETURN_NULL();
	assigned = PG_GETARG_DATEADT(1);
	asof = PG_GETARG_DATEADT(2);
	check_finite_date(assigned, "assigned date");
	check_finite_date(asof, "asof");
	resolve_due(d, assigned, PG_GETARG_INT32(3), NULL, &due);
	PG_RETURN_NUMERIC(progress_share(assigned, asof, due));
}

/*
 * due_progress(due, assigned, asof): 序时进度 for a due date already
 * resolved (NULL due = ongoing: NULL), as the ledger stores it; the same
 * arithmetic as expected_progress.
 */
PG_FUNCTION_INFO_V1(deadline_due_progress);
Datum
deadline_due_progress(PG_FUNCTION_ARGS)
{
	DateADT		due,
				assigned,
				asof;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	due = PG_GETARG_DATEADT(0);
	assigned = PG_GETARG_DATEADT(1);
	asof = PG_GETARG_DATEADT(2);
	check_finite_date(due, "due date");
	check_finite_date(assigned, "assigned date");
	check_finite_date(asof, "asof");
	PG_RETURN_NUMERIC(progress_share(assigned, asof, due));
}

/*
 * resolve_due_fixed: resolve_due without a calendar, for item_score
 * (src/score.c), which is IMMUTABLE and so refuses the calendar forms.
 */
bool
resolve_due_fixed(Deadline d, DateADT assigned, int32 immediate_days, DateADT *due)
{
	return resolve_due(d, assigned, immediate_days, NULL, due);
}

/* is_ongoing(deadline): no end date, so never overdue. */
PG_FUNCTION_INFO_V1(deadline_is_ongoing);
Datum
deadline_is_ongoing(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(DL_IS_ONGOING(PG_GETARG_DEADLINE(0)));
}

/*
 * sustains(deadline): the work must be kept up after closing (长期坚持,
 * 防止反弹), so a look-back (回头看) may reopen the item.
 */
PG_FUNCTION_INFO_V1(deadline_sustains);
Datum
deadline_sustains(PG_FUNCTION_ARGS)
{
	Deadline	d = PG_GETARG_DEADLINE(0);

	PG_RETURN_BOOL(DL_IS_ONGOING(d) || (DL_FLAGS(d) & DLF_SUSTAIN) != 0);
}

/*
 * deadline_kind(deadline): 'date', 'immediate', 'ongoing', 'days' or
 * 'workdays', for reports.
 */
PG_FUNCTION_INFO_V1(deadline_kind);
Datum
deadline_kind(PG_FUNCTION_ARGS)
{
	switch (DL_KIND(PG_GETARG_DEADLINE(0)))
	{
		case DL_DATE:
			PG_RETURN_TEXT_P(cstring_to_text("date"));
		case DL_IMMEDIATE:
			PG_RETURN_TEXT_P(cstring_to_text("immediate"));
		case DL_DAYS:
			PG_RETURN_TEXT_P(cstring_to_text("days"));
		case DL_WORKDAYS:
			PG_RETURN_TEXT_P(cstring_to_text("workdays"));
		default:
			PG_RETURN_TEXT_P(cstring_to_text("ongoing"));
	}
}

/*
 * deadline(date): the fixed-date deadline of a date already resolved, so
 * IMMUTABLE code (item_score) can judge working-day items by their stored
 * due date.  Years outside 1000..9999 could not print and re-parse.
 */
PG_FUNCTION_INFO_V1(deadline_from_date);
Datum
deadline_from_date(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);

	if (DATE_NOT_FINITE(d) ||
		d < date2j(DL_MIN_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE ||
		d > date2j(DL_MAX_YEAR, 12, 31) - POSTGRES_EPOCH_JDATE)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date out of range for a deadline: \"%s\"",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)))),
				 errhint("A deadline names a year from %d to %d.", DL_MIN_YEAR, DL_MAX_YEAR)));
	PG_RETURN_DEADLINE(DL_MAKE(DL_DATE, 0, d));
}
