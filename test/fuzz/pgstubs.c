/*
 * pgstubs.c — the few backend symbols rectify's parsers need, so that
 * src/deadline.c, src/region.c and src/emission.c link into a libFuzzer
 * program outside the server.  palloc, psprintf, StringInfo and the UTF-8
 * helpers come from PostgreSQL's own libpgcommon/libpgport; what is here is
 * written for this harness, not copied from PostgreSQL:
 *
 *   ereport(ERROR)     errstart..errfinish record the SQLSTATE, format every
 *                      message part (so a bad argument shows up under ASan)
 *                      and longjmp back to the harness
 *   date2j, j2date     Julian day numbers by the days-from-civil method
 *   day_tab            month lengths
 *   pq_getmsgint(64)   big-endian reads with a bounds check (08P01)
 *   scanner_isspace    the SQL lexer's white space
 *   pg_server_to_any   identity (the server encoding is UTF-8)
 */
#include "postgres.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "parser/scansup.h"
#include "utils/datetime.h"

#include "pgstubs.h"

sigjmp_buf *stub_error_jmp = NULL;
int			stub_error_sqlstate = 0;
int			stub_error_count = 0;

static char stub_message[4096];

/* ---- elog.h ---- */

bool
errstart(int elevel, const char *domain)
{
	if (elevel < ERROR)
		return false;			/* NOTICE and below: ignored */
	stub_error_sqlstate = ERRCODE_INTERNAL_ERROR;	/* unless errcode() says */
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	stub_error_count++;
	if (stub_error_jmp == NULL)
	{
		fprintf(stderr, "ereport(ERROR) outside the harness at %s:%d: %s\n",
				filename, lineno, stub_message);
		abort();
	}
	siglongjmp(*stub_error_jmp, 1);
}

int
errcode(int sqlerrcode)
{
	stub_error_sqlstate = sqlerrcode;
	return 0;
}

/* Format a message part for real: every %s argument gets read. */
#define STUB_FORMAT(fmt) \
	do { \
		va_list		ap; \
		va_start(ap, fmt); \
		vsnprintf(stub_message, sizeof(stub_message), fmt, ap); \
		va_end(ap); \
	} while (0)

int
errmsg(const char *fmt,...)
{
	STUB_FORMAT(fmt);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	STUB_FORMAT(fmt);
	return 0;
}

int
errhint(const char *fmt,...)
{
	STUB_FORMAT(fmt);
	return 0;
}

/* ---- mbutils.c ---- */

char *
pg_server_to_any(const char *s, int len, int encoding)
{
	return unconstify(char *, s);
}

int
GetDatabaseEncoding(void)
{
	return PG_UTF8;
}

/* ---- datetime.c ---- */

const int	day_tab[2][13] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}
};

/*
 * Days from 0000-03-01 in the proleptic Gregorian calendar, counting years
 * from March so the leap day comes last; Julian day 1721120 is 0000-03-01.
 */
int
date2j(int year, int month, int day)
{
	int			y = month <= 2 ? year - 1 : year;
	int			m = month <= 2 ? month + 9 : month - 3;	/* March = 0 */
	int			era = (y >= 0 ? y : y - 399) / 400;
	int			yoe = y - era * 400;
	int			doy = (153 * m + 2) / 5 + day - 1;
	int			doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe + 1721120;
}

void
j2date(int jd, int *year, int *month, int *day)
{
	int			z = jd - 1721120;
	int			era = (z >= 0 ? z : z - 146096) / 146097;
	int			doe = z - era * 146097;
	int			yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int			doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int			mp = (5 * doy + 2) / 153;

	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = yoe + era * 400 + (*month <= 2);
}

/* ---- scansup.c ---- */

bool
scanner_isspace(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

/* ---- pqformat.c ---- */

static uint64
stub_getbytes(StringInfo msg, int n)
{
	uint64		v = 0;

	if (n < 0 || msg->cursor < 0 || n > msg->len - msg->cursor)
	{
		errstart(ERROR, NULL);
		errcode(ERRCODE_PROTOCOL_VIOLATION);
		errmsg("insufficient data left in message");
		errfinish(__FILE__, __LINE__, __func__);
	}
	for (int i = 0; i < n; i++)
		v = (v << 8) | (unsigned char) msg->data[msg->cursor++];
	return v;
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	if (b != 1 && b != 2 && b != 4)
	{
		errstart(ERROR, NULL);
		errmsg("unsupported integer size %d", b);
		errfinish(__FILE__, __LINE__, __func__);
	}
	return (unsigned int) stub_getbytes(msg, b);
}

int64
pq_getmsgint64(StringInfo msg)
{
	return (int64) stub_getbytes(msg, 8);
}
