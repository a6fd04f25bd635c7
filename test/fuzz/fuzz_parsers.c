/*
 * fuzz_parsers.c — libFuzzer harness for rectify's input parsers and binary
 * receive functions, linked outside the server (see pgstubs.c, Makefile).
 *
 * The first byte of an input picks the target, the rest is its argument:
 *   0 parse_deadline   1 parse_region   2 parse_emission     (text, NUL cut)
 *   3 deadline_recv    4 region_recv    5 emission_recv      (raw bytes)
 * For text, both error_ok = true and false are called and must agree; an
 * accepted value must print (…_out) and re-parse to itself.  Any error must
 * carry a SQLSTATE other than XX000.  A value a recv function accepts must
 * also be one the text form produces (out → parse gives it back).
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/errcodes.h"

#include "../../src/rectify.h"
#include "pgstubs.h"

extern Datum deadline_out(PG_FUNCTION_ARGS);
extern Datum deadline_recv(PG_FUNCTION_ARGS);
extern Datum region_out(PG_FUNCTION_ARGS);
extern Datum region_recv(PG_FUNCTION_ARGS);
extern Datum emission_out(PG_FUNCTION_ARGS);
extern Datum emission_recv(PG_FUNCTION_ARGS);

enum
{
	T_DEADLINE, T_REGION, T_EMISSION,
	T_DEADLINE_RECV, T_REGION_RECV, T_EMISSION_RECV,
	T_COUNT
};

typedef union Value
{
	Deadline	deadline;
	Region		region;
	Emission	emission;
} Value;

static void
fail(const char *what, const char *input)
{
	fprintf(stderr, "rectify fuzz: %s (input \"%s\")\n", what, input);
	abort();
}

/* Call a one-argument V1 function; errors jump to the caller's handler. */
static Datum
call1(PGFunction fn, Datum arg)
{
	LOCAL_FCINFO(fcinfo, 1);

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	return fn(fcinfo);
}

/* Run the parser of type t; true if accepted.  Errors longjmp out. */
static bool
parse(int t, const char *s, bool error_ok, Value *v)
{
	switch (t)
	{
		case T_DEADLINE:
			return parse_deadline(s, error_ok, &v->deadline);
		case T_REGION:
			return parse_region(s, error_ok, &v->region);
		default:
			return parse_emission(s, error_ok, &v->emission);
	}
}

static bool
same(int t, const Value *a, const Value *b)
{
	switch (t)
	{
		case T_DEADLINE:
			return a->deadline == b->deadline;
		case T_REGION:
			return a->region == b->region;
		default:
			return a->emission.grams == b->emission.grams &&
				a->emission.pollutant == b->emission.pollutant &&
				a->emission.reserved == b->emission.reserved;
	}
}

static char *
output(int t, const Value *v)
{
	switch (t)
	{
		case T_DEADLINE:
			return DatumGetCString(call1(deadline_out, DeadlineGetDatum(v->deadline)));
		case T_REGION:
			return DatumGetCString(call1(region_out, RegionGetDatum(v->region)));
		default:
			return DatumGetCString(call1(emission_out,
										 PointerGetDatum(unconstify(Emission *, &v->emission))));
	}
}

/* Run body; true if it raised an error (with a proper SQLSTATE). */
#define RAISES(input, body) \
	({ \
		sigjmp_buf	jb; \
		sigjmp_buf *save = stub_error_jmp; \
		volatile bool raised = false; \
		if (sigsetjmp(jb, 0) == 0) \
		{ \
			stub_error_jmp = &jb; \
			body; \
		} \
		else \
		{ \
			raised = true; \
			if (stub_error_sqlstate == ERRCODE_INTERNAL_ERROR) \
				fail("error without a SQLSTATE (XX000)", input); \
		} \
		stub_error_jmp = save; \
		raised; \
	})

/* The text value printed by out must parse back to itself, quietly. */
static void
check_round_trip(int t, const Value *v, const char *input)
{
	char	   *out = output(t, v);
	Value		again;

	memset(&again, 0, sizeof(again));
	if (!parse(t, out, true, &again))
		fail("output does not re-parse", out);
	if (!same(t, v, &again))
		fail("output re-parses to a different value", out);
	pfree(out);
}

static void
fuzz_text(int t, const char *s)
{
	Value		quiet,
				loud;
	bool		ok;
	bool		raised;

	memset(&quiet, 0, sizeof(quiet));
	memset(&loud, 0, sizeof(loud));
	/* error_ok = true must never raise */
	stub_error_jmp = NULL;
	ok = parse(t, s, true, &quiet);
	raised = RAISES(s, (void) parse(t, s, false, &loud));
	if (ok == raised)
		fail(ok ? "error_ok=false raised on input error_ok=true accepted"
			 : "error_ok=true refused input error_ok=false accepted", s);
	if (!ok)
		return;
	if (!same(t, &quiet, &loud))
		fail("error_ok=true and false give different values", s);
	check_round_trip(t, &quiet, s);
}

static void
fuzz_recv(int t, const uint8_t *data, size_t size)
{
	StringInfoData buf;
	volatile Datum d = 0;
	Value		v;
	bool		raised;
	PGFunction	fn = t == T_DEADLINE_RECV ? deadline_recv :
		t == T_REGION_RECV ? region_recv : emission_recv;

	/* what COPY BINARY hands a recv function: a buffer with a NUL after it */
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, (const char *) data, (int) size);
	raised = RAISES("(binary)", d = call1(fn, PointerGetDatum(&buf)));
	/* the caller checks that the whole field was read (else 22P03) */
	if (!raised && buf.cursor == buf.len)
	{
		memset(&v, 0, sizeof(v));
		switch (t)
		{
			case T_DEADLINE_RECV:
				v.deadline = DatumGetDeadline(d);
				check_round_trip(T_DEADLINE, &v, "(binary deadline)");
				break;
			case T_REGION_RECV:
				v.region = DatumGetRegion(d);
				check_round_trip(T_REGION, &v, "(binary region)");
				break;
			default:
				v.emission = *DatumGetEmissionP(d);
				check_round_trip(T_EMISSION, &v, "(binary emission)");
		}
	}
	if (!raised && t == T_EMISSION_RECV)
		pfree(DatumGetPointer(d));
	pfree(buf.data);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int			t;
	char	   *s;

	if (size < 1)
		return 0;
	t = data[0] % T_COUNT;
	if (t >= T_DEADLINE_RECV)
	{
		fuzz_recv(t, data + 1, size - 1);
		return 0;
	}
	/* a cstring ends at the first NUL, as the server's would */
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	fuzz_text(t, s);
	free(s);
	return 0;
}
