/*
 * pgfuzz.c — in-server fuzzer for rectify's input and receive functions.
 *
 *   pgfuzz [-n COUNT] [-r RANDOM_SEED] [-s SEEDS_FILE] CONNINFO
 *
 * For each target it generates COUNT inputs and runs each as its own
 * statement, pipelined through libpq (a batch of statements per round trip,
 * each with its own sync point so an error ends only its own statement):
 *
 *   text targets (text parameter; the input function runs at bind time,
 *   then the value is printed and re-read and must compare equal):
 *     deadline, region, emission, deadline_state
 *   binary targets (binary parameter: the type's recv function runs on the
 *   raw bytes, as with COPY ... BINARY; then printed, re-read, compared):
 *     deadline_recv (mostly 8-byte payloads), region_recv (4),
 *     emission_recv (16), deadline_state_recv (enum_recv, text bytes)
 *
 * Inputs: the seeds verbatim (test/fuzz/seeds.txt: JSON strings, one a
 * line); every seed with one character deleted, replaced or inserted;
 * stacked random edits with a dictionary of the parsers' words, digits,
 * full-width forms and invalid UTF-8 sequences; random bytes, random code
 * points; long strings (to 200 kB); huge numbers; deep nesting of
 * parentheses; crossovers of two seeds; for binary, random payloads of the
 * type's size and of other sizes, and valid values with bits flipped.
 *
 * Output: per target, the inputs tried, how many were accepted, and the
 * errors by SQLSTATE.  Failures: an error with SQLSTATE XX000 (or none), a
 * value that does not survive print and re-read, a lost connection (the
 * backend crashed).  Exit status 0 if there were none, 1 otherwise.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpq-fe.h"

#define BATCH 64
#define BATCH_BYTES (256 * 1024)
#define MAX_STATES 64

/* ---------------- random numbers: xorshift64* ---------------- */

static uint64_t rng_state = 1;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* uniform in [0, n) */
static size_t
rn(size_t n)
{
	return n ? (size_t) (rnd() % n) : 0;
}

/* ---------------- growable byte buffer ---------------- */

typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

static void
buf_reserve(Buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
	{
		b->cap = (b->len + extra + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
		{
			perror("realloc");
			exit(2);
		}
	}
}

static void
buf_add(Buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_adds(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_addc(Buf *b, char c)
{
	buf_add(b, &c, 1);
}

static void
buf_set(Buf *b, const char *p, size_t n)
{
	b->len = 0;
	buf_add(b, p, n);
}

/* ---------------- seeds and dictionary ---------------- */

typedef struct Str
{
	char	   *s;
	size_t		len;
} Str;

static Str *seeds;
static size_t nseeds;

/* Decode one JSON string literal (the form make-seeds.py writes). */
static int
json_string(const char *p, Buf *out)
{
	out->len = 0;
	buf_reserve(out, 0);
	out->data[0] = '\0';
	if (*p++ != '"')
		return 0;
	while (*p && *p != '"')
	{
		if (*p != '\\')
		{
			buf_addc(out, *p++);
			continue;
		}
		p++;
		if (*p == 'u')
		{
			unsigned	cp = 0;

			if (sscanf(p + 1, "%4x", &cp) != 1)
				return 0;
			p += 4;
			/* seeds only escape control characters */
			if (cp < 0x80)
				buf_addc(out, (char) cp);
		}
		else
		{
			/* \n \t \r \b \f stand for a control character, others for themselves */
			static const char named[] = "ntrbf";
			static const char controls[] = "\n\t\r\b\f";
			const char *e = *p ? strchr(named, *p) : NULL;

			buf_addc(out, e ? controls[e - named] : *p);
		}
		p++;
	}
	return *p == '"';
}

static void
load_seeds(const char *path)
{
	FILE	   *f = fopen(path, "r");
	char		line[4096];
	Buf			b = {0};
	size_t		cap = 0;

	if (!f)
	{
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
	{
		if (!json_string(line, &b))
			continue;
		if (nseeds == cap)
			seeds = realloc(seeds, (cap = cap * 2 + 64) * sizeof(Str));
		seeds[nseeds].s = strndup(b.data, b.len);
		seeds[nseeds].len = b.len;
		nseeds++;
	}
	fclose(f);
	free(b.data);
	if (nseeds == 0)
	{
		fprintf(stderr, "no seeds in %s\n", path);
		exit(2);
	}
}

/* Words the parsers know, their neighbours, and troublemakers. */
static const char *const dict[] = {
	/* deadline */
	"年", "月", "日", "号", "號", "底", "末", "前", "立行立改", "立即整改", "持续推进",
	"持續推進", "长期坚持", "長期堅持", "防止反弹", "防止反彈", "并", "並", "且", "and",
	"sustain", "immediate", "ongoing", "IMMEDIATE", "Sustain",
	"，", "（", "）", "、", "。", "；", "　", "．", "／", "－",
	"-", "/", ",", ";", "(", ")", ".", " ", "\t", "\n", "\r", "\v", "\f",
	/* emission */
	"g", "kg", "t", "kt", "Mt", "MT", "克", "千克", "公斤", "吨", "噸", "万吨", "萬噸",
	"COD", "NH3-N", "NH3N", "氨氮", "TN", "TP", "SO2", "NOx", "VOCs", "PM", "CO2",
	"化学需氧量", "化學需氧量", "总氮", "總磷", "二氧化硫", "氮氧化物", "挥发性有机物",
	"颗粒物", "二氧化碳", "e", "E", "e10", "x",
	/* numbers */
	"+", "-", "0", "1", "5", "9", "00", "29", "30", "31", "32", "12", "13", "02",
	"0.5", ".5", "5.", "-0", "0000", "1000", "9999", "10000", "0999",
	"2147483647", "2147483648", "-2147483648", "4294967296",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"18446744073709551616", "99999999999999999999999999999999",
	"0.0000005", "0.4999999", "9223372036854.775807", "9223372036854.775808",
	"1e5", "NaN", "Infinity", "-Infinity", "∞",
	"１", "２０２１", "１２", "３１", "０",
	/* region */
	"130600", "130602", "820000", "429004", "999999", "000000", "110000", "7100",
	/* deadline_state */
	"not_due", "due_soon", "due_today", "overdue", "closed_on_time", "closed_late",
	/* Unicode and invalid UTF-8 */
	"\xef\xbb\xbf", "😀", "é", "\xcc\x81", "\xe2\x80\x8b", "\xe2\x80\xae", "\xc2\xa0",
	"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",
	"\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xff", "\xfe", "\x80", "\xbf",
	"\xe5\xb9", "\xe5", "\xf0\x9f", "\xef\xbf\xbf", "\xef\xbf\xbe", "%s", "%n", "\\",
	"'", "\"", "\x01", "\x7f",
};
#define NDICT (sizeof(dict) / sizeof(dict[0]))

static const char *const units[] = {
	"g", "kg", "t", "kt", "Mt", "克", "千克", "公斤", "吨", "噸", "万吨", "萬噸", "mt", "T",
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

static const char *const pollutants[] = {
	"COD", "NH3-N", "NH3N", "氨氮", "TN", "总氮", "總氮", "TP", "总磷", "SO2", "NOx",
	"VOCs", "PM", "CO2", "化学需氧量", "挥发性有机物", "揮發性有機物", "颗粒物", "cod", "nox",
};
#define NPOLLUTANTS (sizeof(pollutants) / sizeof(pollutants[0]))

/* Characters for the systematic one-character edits. */
static const char *const edit_chars[] = {
	"0", "1", "2", "9", "-", "/", ",", ";", "(", ")", ".", " ", "\t", "a", "z",
	"t", "g", "k", "M", "x", "+", "年", "月", "日", "底", "前", "并", "，", "（",
	"）", "、", "。", "　", "１", "吨", "万", "氮", "😀", "\xff", "\xe5\xb9",
};
#define NEDIT (sizeof(edit_chars) / sizeof(edit_chars[0]))

/* ---------------- text input generation ---------------- */

/* Byte length of the UTF-8 character at p (1 for a stray byte). */
static size_t
u8len(const char *p, size_t left)
{
	unsigned char c = (unsigned char) *p;
	size_t		n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	if (c >= 0x80 && c < 0xC0)
		n = 1;
	return n > left ? left : n;
}

/* Number of characters in s, and the byte offset of character k. */
static size_t
u8count(const Str *s)
{
	size_t		n = 0;

	for (size_t i = 0; i < s->len; i += u8len(s->s + i, s->len - i))
		n++;
	return n;
}

static size_t
u8offset(const Str *s, size_t k)
{
	size_t		i = 0;

	while (k-- > 0 && i < s->len)
		i += u8len(s->s + i, s->len - i);
	return i;
}

/* Systematic edits: seed, character position, kind; iterates them all. */
typedef struct EditCursor
{
	size_t		seed;
	size_t		pos;
	size_t		kind;			/* 0 delete, 1..NEDIT replace, NEDIT+1.. insert */
	int			done;
} EditCursor;

static int
next_edit(EditCursor *c, Buf *out)
{
	for (;;)
	{
		const Str  *s;
		size_t		nchars,
					off,
					clen;

		if (c->seed >= nseeds)
		{
			c->done = 1;
			return 0;
		}
		s = &seeds[c->seed];
		nchars = u8count(s);
		if (c->pos > nchars || c->kind > 2 * NEDIT)
		{
			/* next position; inserting at the end is position nchars */
			if (c->kind > 2 * NEDIT)
			{
				c->kind = 0;
				c->pos++;
			}
			if (c->pos > nchars)
			{
				c->pos = 0;
				c->seed++;
			}
			continue;
		}
		off = u8offset(s, c->pos);
		clen = off < s->len ? u8len(s->s + off, s->len - off) : 0;
		out->len = 0;
		buf_add(out, s->s, off);
		if (c->kind == 0 || c->kind <= NEDIT)
		{
			if (c->pos == nchars)
			{
				c->kind = NEDIT + 1;	/* nothing to delete or replace */
				continue;
			}
			if (c->kind > 0)
				buf_adds(out, edit_chars[c->kind - 1]);
			buf_add(out, s->s + off + clen, s->len - off - clen);
		}
		else
		{
			buf_adds(out, edit_chars[c->kind - NEDIT - 1]);
			buf_add(out, s->s + off, s->len - off);
		}
		c->kind++;
		return 1;
	}
}

static void
random_digits(Buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addc(b, (char) ('0' + rn(10)));
}

/* Append one random valid UTF-8 character from an interesting range. */
static void
random_codepoint(Buf *b)
{
	static const uint32_t ranges[][2] = {
		{0x20, 0x7E}, {0x01, 0x1F}, {0x80, 0x7FF}, {0x3000, 0x303F},
		{0x4E00, 0x9FFF}, {0xFF00, 0xFFEF}, {0xE000, 0xF8FF}, {0x10000, 0x10FFFF},
	};
	size_t		r = rn(sizeof(ranges) / sizeof(ranges[0]));
	uint32_t	cp = ranges[r][0] + (uint32_t) rn(ranges[r][1] - ranges[r][0] + 1);
	char		u[4];

	if (cp < 0x80)
		buf_addc(b, (char) cp);
	else if (cp < 0x800)
	{
		u[0] = (char) (0xC0 | cp >> 6);
		u[1] = (char) (0x80 | (cp & 0x3F));
		buf_add(b, u, 2);
	}
	else if (cp < 0x10000)
	{
		u[0] = (char) (0xE0 | cp >> 12);
		u[1] = (char) (0x80 | (cp >> 6 & 0x3F));
		u[2] = (char) (0x80 | (cp & 0x3F));
		buf_add(b, u, 3);
	}
	else
	{
		u[0] = (char) (0xF0 | cp >> 18);
		u[1] = (char) (0x80 | (cp >> 12 & 0x3F));
		u[2] = (char) (0x80 | (cp >> 6 & 0x3F));
		u[3] = (char) (0x80 | (cp & 0x3F));
		buf_add(b, u, 4);
	}
}

/* One random edit of b, in place. */
static void
mutate_once(Buf *b)
{
	Buf			t = {0};
	size_t		pos = rn(b->len + 1),
				n;

	switch (rn(10))
	{
		case 0:					/* delete a byte range */
			n = 1 + rn(4);
			if (pos + n > b->len)
				n = b->len - pos;
			memmove(b->data + pos, b->data + pos + n, b->len - pos - n);
			b->len -= n;
			b->data[b->len] = '\0';
			return;
		case 1:					/* flip or overwrite a byte (often invalid UTF-8) */
			if (b->len && rn(2))
				b->data[rn(b->len)] ^= (char) (1 << rn(8));
			else if (b->len)
				b->data[rn(b->len)] = (char) rn(256);
			return;
		case 2:					/* overwrite a byte with printable ASCII */
			if (b->len)
				b->data[rn(b->len)] = (char) (0x20 + rn(0x5F));
			return;
		case 3:
		case 4:
		case 5:					/* insert a dictionary word */
			buf_adds(&t, dict[rn(NDICT)]);
			break;
		case 6:					/* insert digits */
			random_digits(&t, 1 + (rn(4) ? rn(6) : rn(40)));
			break;
		case 7:					/* insert a random character */
			random_codepoint(&t);
			break;
		case 8:					/* insert part of a seed */
			{
				const Str  *s = &seeds[rn(nseeds)];
				size_t		from = rn(s->len + 1);

				buf_add(&t, s->s + from, rn(s->len - from + 1));
				break;
			}
		default:				/* duplicate a piece of itself */
			{
				size_t		from = rn(b->len + 1);

				buf_add(&t, b->data + from, rn(b->len - from + 1));
				break;
			}
	}
	buf_reserve(b, t.len);
	memmove(b->data + pos + t.len, b->data + pos, b->len - pos);
	memcpy(b->data + pos, t.data, t.len);
	b->len += t.len;
	b->data[b->len] = '\0';
	free(t.data);
}

/* A pathological input: long, huge, deep or random. */
static void
special_input(Buf *b)
{
	const Str  *s = &seeds[rn(nseeds)];
	size_t		n;

	b->len = 0;
	buf_reserve(b, 0);
	b->data[0] = '\0';
	switch (rn(9))
	{
		case 0:					/* random bytes (mostly invalid UTF-8) */
			n = rn(64);
			for (size_t i = 0; i < n; i++)
				buf_addc(b, (char) (1 + rn(255)));
			return;
		case 1:					/* random code points */
			n = rn(32);
			for (size_t i = 0; i < n; i++)
				random_codepoint(b);
			return;
		case 2:					/* a seed repeated */
			n = 2 + rn(rn(4) ? 50 : 5000);
			for (size_t i = 0; i < n && b->len < 200000; i++)
				buf_add(b, s->s, s->len);
			return;
		case 3:					/* one character repeated */
			n = 1 + rn(rn(4) ? 100 : 100000);
			{
				const char *c = edit_chars[rn(NEDIT)];

				for (size_t i = 0; i < n; i++)
					buf_adds(b, c);
			}
			return;
		case 4:					/* huge numbers, in each grammar */
			n = 5 + rn(rn(4) ? 30 : 3000);
			switch (rn(5))
			{
				case 0:
					random_digits(b, n);
					buf_adds(b, " t COD");
					return;
				case 1:
					buf_adds(b, rn(2) ? "-0." : "0.");
					random_digits(b, n);
					buf_adds(b, rn(2) ? " g NOx" : "万吨 氨氮");
					return;
				case 2:
					random_digits(b, n);
					buf_adds(b, rn(2) ? "-12-31" : "年12月31日");
					return;
				case 3:
					for (size_t i = 0; i < n; i++)
						buf_addc(b, '0');
					buf_adds(b, rn(2) ? "2021-12-31" : "130600");
					return;
				default:
					buf_adds(b, "2021-");
					random_digits(b, n);
					buf_adds(b, "-");
					random_digits(b, n);
					return;
			}
		case 5:					/* deep nesting of punctuation */
			n = 1 + rn(rn(4) ? 100 : 50000);
			{
				static const char *const open[] = {"(", "（", ",", ";", "、", "并", " ("};
				static const char *const close[] = {")", "）", ",", ";", "、", "sustain", ")"};
				size_t		k = rn(7);
				size_t		m = rn(3) ? n : rn(n + 1);	/* unbalanced sometimes */

				buf_adds(b, rn(2) ? "2021-12-31" : "立行立改");
				for (size_t i = 0; i < n; i++)
					buf_adds(b, open[k]);
				buf_adds(b, rn(2) ? "sustain" : "长期坚持");
				for (size_t i = 0; i < m; i++)
					buf_adds(b, close[k]);
			}
			return;
		case 6:					/* crossover of two seeds */
			{
				const Str  *t = &seeds[rn(nseeds)];
				size_t		a = rn(s->len + 1),
							c = rn(t->len + 1);

				buf_add(b, s->s, a);
				buf_add(b, t->s + c, t->len - c);
			}
			return;
		case 7:					/* words of the dictionary, separated */
			n = 1 + rn(8);
			for (size_t i = 0; i < n; i++)
			{
				buf_adds(b, dict[rn(NDICT)]);
				if (rn(2))
					buf_adds(b, dict[rn(NDICT)]);
			}
			return;
		default:				/* a date or an amount built at random */
			if (rn(2))
			{
				char		tmp[96];

				snprintf(tmp, sizeof(tmp), "%d%s%d%s%d%s", (int) rn(12000) - 1000,
						 rn(2) ? "-" : "年", (int) rn(15) - 1, rn(2) ? "-" : "月",
						 (int) rn(34) - 1, rn(2) ? "" : "日");
				buf_adds(b, tmp);
			}
			else
			{
				char		tmp[96];

				snprintf(tmp, sizeof(tmp), "%s%lld.%0*lld %s %s", rn(2) ? "-" : "",
						 (long long) (rnd() >> rn(64)), (int) rn(12),
						 (long long) rn(1000000000000ULL), units[rn(NUNITS)],
						 pollutants[rn(NPOLLUTANTS)]);
				buf_adds(b, tmp);
			}
			return;
	}
}

/* The next text input for a target: systematic edits first, then random. */
static void
next_text(EditCursor *cur, long i, Buf *b)
{
	if ((size_t) i < nseeds)
	{
		buf_set(b, seeds[i].s, seeds[i].len);
		return;
	}
	/* up to half of the inputs are the systematic one-character edits */
	if (!cur->done && (i % 2 == 0) && next_edit(cur, b))
		return;
	if (rn(4) == 0)
		special_input(b);
	else
	{
		const Str  *s = &seeds[rn(nseeds)];
		int			n = 1 + (int) rn(rn(3) ? 3 : 12);

		buf_set(b, s->s, s->len);
		while (n-- > 0)
			mutate_once(b);
	}
}

/* ---------------- binary payload generation ---------------- */

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char) v;
}

/* A binary payload for target kind `size` (8 deadline, 4 region, 16 emission). */
static void
next_binary(int size, Buf *b)
{
	unsigned char p[64];
	size_t		len = (size_t) size;
	int			r = (int) rn(10);

	for (size_t i = 0; i < sizeof(p); i++)
		p[i] = (unsigned char) rnd();
	if (r == 0)
		len = rn(25);			/* any length 0..24 */
	else if (r == 1)
		len = size == 4 ? 8 : 16 - (size_t) size + 8;	/* the other sizes */
	else if (r <= 5)
	{
		/* a plausible value, with a few bits flipped */
		if (size == 8)
		{
			uint64_t	kind = 1 + rn(4),
						flags = rn(4),
						value = kind == 1 ? (uint64_t) (uint32_t) ((int32_t) rn(3300000) - 365000) : 0;

			put_be(p, flags << 40 | kind << 32 | value, 8);
		}
		else if (size == 4)
			put_be(p, rn(1000000), 4);
		else
		{
			put_be(p, rnd() >> rn(64), 8);
			put_be(p + 8, rn(11), 4);
			put_be(p + 12, 0, 4);
		}
		for (int k = (int) rn(3); k > 0; k--)
			p[rn(len)] ^= (unsigned char) (1 << rn(8));
	}
	else if (r == 6)
		memset(p, rn(2) ? 0xFF : 0x00, sizeof(p));
	buf_set(b, (const char *) p, len);
}

/* ---------------- running statements ---------------- */

typedef struct StateCount
{
	char		state[6];
	long		count;
} StateCount;

typedef struct Target
{
	const char *name;
	const char *sql;			/* $1 is the input */
	int			binary;			/* 0 text; else payload size (-1: enum text bytes) */
	long		tried;
	long		accepted;
	long		failures;
	StateCount	states[MAX_STATES];
	int			nstates;
} Target;

#define ROUND_TRIP(type) \
	"SELECT v::text::" type " = v, v::text FROM (SELECT $1::" type " AS v) s"

static Target targets[] = {
	{"deadline", ROUND_TRIP("rectify.deadline"), 0},
	{"region", ROUND_TRIP("rectify.region"), 0},
	{"emission", ROUND_TRIP("rectify.emission"), 0},
	{"deadline_state", ROUND_TRIP("rectify.deadline_state"), 0},
	{"deadline_recv", ROUND_TRIP("rectify.deadline"), 8},
	{"region_recv", ROUND_TRIP("rectify.region"), 4},
	{"emission_recv", ROUND_TRIP("rectify.emission"), 16},
	{"deadline_state_recv", ROUND_TRIP("rectify.deadline_state"), -1},
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static void
count_state(Target *t, const char *state)
{
	for (int i = 0; i < t->nstates; i++)
		if (strcmp(t->states[i].state, state) == 0)
		{
			t->states[i].count++;
			return;
		}
	if (t->nstates < MAX_STATES)
	{
		snprintf(t->states[t->nstates].state, 6, "%s", state);
		t->states[t->nstates++].count = 1;
	}
}

static void
show_input(FILE *f, const char *p, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len && i < 200; i++)
	{
		unsigned char c = (unsigned char) p[i];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fprintf(f, len > 200 ? "\"... (%zu bytes)" : "\"", len);
}

static void
die_conn(PGconn *conn, Target *t, Buf *inputs, size_t k)
{
	fprintf(stderr, "pgfuzz: %s: connection lost (backend crash?) in a batch of %zu inputs: %s\n",
			t->name, k, PQerrorMessage(conn));
	for (size_t i = 0; i < k; i++)
	{
		fprintf(stderr, "  input %zu: ", i);
		show_input(stderr, inputs[i].data, inputs[i].len);
		fputc('\n', stderr);
	}
	exit(3);
}

/* Send the batch, read its results, count them. */
static void
run_batch(PGconn *conn, Target *t, Buf *inputs, size_t k, int verbose)
{
	for (size_t i = 0; i < k; i++)
	{
		const char *vals[1] = {inputs[i].data};
		int			lens[1] = {(int) inputs[i].len};
		int			fmts[1] = {t->binary != 0};

		if (!PQsendQueryPrepared(conn, t->name, 1, vals, lens, fmts, 0) ||
			!PQpipelineSync(conn))
			die_conn(conn, t, inputs, k);
	}
	for (size_t i = 0; i < k; i++)
	{
		PGresult   *res = PQgetResult(conn);
		ExecStatusType st;

		if (res == NULL)
			die_conn(conn, t, inputs, k);
		st = PQresultStatus(res);
		t->tried++;
		if (st == PGRES_TUPLES_OK && PQntuples(res) == 1)
		{
			t->accepted++;
			if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			{
				t->failures++;
				fprintf(stderr, "FAIL %s: value does not survive print and re-read: ", t->name);
				show_input(stderr, inputs[i].data, inputs[i].len);
				fprintf(stderr, " -> \"%s\"\n", PQgetvalue(res, 0, 1));
			}
			else if (verbose > 1)
			{
				fprintf(stderr, "ok %s ", t->name);
				show_input(stderr, inputs[i].data, inputs[i].len);
				fprintf(stderr, " -> %s\n", PQgetvalue(res, 0, 1));
			}
		}
		else if (st == PGRES_FATAL_ERROR)
		{
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			if (state == NULL || PQstatus(conn) != CONNECTION_OK)
				die_conn(conn, t, inputs, k);
			count_state(t, state);
			if (strcmp(state, "XX000") == 0 || strncmp(state, "58", 2) == 0 ||
				strncmp(state, "XX", 2) == 0)
			{
				t->failures++;
				fprintf(stderr, "FAIL %s: internal error %s for ", t->name, state);
				show_input(stderr, inputs[i].data, inputs[i].len);
				fprintf(stderr, ": %s", PQresultErrorMessage(res));
			}
		}
		else
		{
			fprintf(stderr, "pgfuzz: unexpected result %s\n", PQresStatus(st));
			die_conn(conn, t, inputs, k);
		}
		PQclear(res);
		/* then the end of this statement's results, then its sync */
		if ((res = PQgetResult(conn)) != NULL)
		{
			fprintf(stderr, "pgfuzz: more than one result\n");
			exit(2);
		}
		res = PQgetResult(conn);
		if (res == NULL || PQresultStatus(res) != PGRES_PIPELINE_SYNC)
			die_conn(conn, t, inputs, k);
		PQclear(res);
	}
}

static int
cmp_states(const void *a, const void *b)
{
	const StateCount *x = a,
			   *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->state, y->state);
}

int
main(int argc, char **argv)
{
	long		count = 1000000;
	unsigned long long seed = 20240601;
	const char *seeds_file = NULL;
	const char *only = NULL;
	int			verbose = 0;
	int			opt;
	PGconn	   *conn;
	Buf			inputs[BATCH] = {{0}};
	long		total_failures = 0;
	char		default_seeds[4096];

	while ((opt = getopt(argc, argv, "n:r:s:t:v")) != -1)
	{
		switch (opt)
		{
			case 'n':
				count = atol(optarg);
				break;
			case 'r':
				seed = strtoull(optarg, NULL, 10);
				break;
			case 's':
				seeds_file = optarg;
				break;
			case 't':
				only = optarg;
				break;
			case 'v':
				verbose++;
				break;
			default:
				fprintf(stderr, "usage: %s [-n COUNT] [-r RANDOM_SEED] [-s SEEDS] [-t TARGET] [-v] CONNINFO\n", argv[0]);
				return 2;
		}
	}
	if (optind != argc - 1)
	{
		fprintf(stderr, "usage: %s [-n COUNT] [-r RANDOM_SEED] [-s SEEDS] [-t TARGET] [-v] CONNINFO\n", argv[0]);
		return 2;
	}
	if (seeds_file == NULL)
	{
		/* beside the program's source: test/fuzz/seeds.txt */
		snprintf(default_seeds, sizeof(default_seeds), "%s", argv[0]);
		*strrchr(default_seeds, '/') = '\0';
		strncat(default_seeds, "/seeds.txt", sizeof(default_seeds) - strlen(default_seeds) - 1);
		seeds_file = default_seeds;
	}
	load_seeds(seeds_file);

	conn = PQconnectdb(argv[optind]);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "pgfuzz: %s", PQerrorMessage(conn));
		return 2;
	}
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	/* the types' operators live in schema rectify */
	PQclear(PQexec(conn, "SET search_path = rectify, pg_catalog"));

	if (!only)
		printf("pgfuzz: %ld inputs per target, random seed %llu, %zu seeds\n",
			   count, seed, nseeds);
	for (size_t ti = 0; ti < NTARGETS; ti++)
	{
		Target	   *t = &targets[ti];
		PGresult   *res;
		EditCursor	cur = {0};
		time_t		started = time(NULL);

		if (only && strcmp(only, t->name) != 0)
			continue;
		rng_state = seed * 2654435761ULL + ti + 1;
		res = PQprepare(conn, t->name, t->sql, 1, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			fprintf(stderr, "pgfuzz: prepare %s: %s", t->name, PQerrorMessage(conn));
			return 2;
		}
		PQclear(res);
		if (!PQenterPipelineMode(conn))
		{
			fprintf(stderr, "pgfuzz: pipeline mode: %s", PQerrorMessage(conn));
			return 2;
		}
		for (long i = 0; i < count;)
		{
			size_t		k = 0,
						bytes = 0;

			while (k < BATCH && i < count && bytes < BATCH_BYTES)
			{
				Buf		   *b = &inputs[k];

				if (t->binary > 0)
					next_binary(t->binary, b);
				else
				{
					next_text(&cur, i, b);
					/* a text parameter ends at its first NUL */
					if (t->binary == 0)
						for (size_t j = 0; j < b->len; j++)
							if (b->data[j] == '\0')
								b->data[j] = '\x01';
				}
				bytes += b->len;
				k++;
				i++;
			}
			run_batch(conn, t, inputs, k, verbose);
		}
		PQexitPipelineMode(conn);

		qsort(t->states, t->nstates, sizeof(StateCount), cmp_states);
		printf("%-20s %9ld inputs, %8ld accepted, errors:", t->name, t->tried, t->accepted);
		for (int i = 0; i < t->nstates; i++)
			printf(" %s %ld", t->states[i].state, t->states[i].count);
		printf("; failures %ld (%lds)\n", t->failures, (long) (time(NULL) - started));
		fflush(stdout);
		total_failures += t->failures;
	}
	PQfinish(conn);
	if (!only)
		printf("pgfuzz: %ld failures, 0 crashes\n", total_failures);
	return total_failures ? 1 : 0;
}
