/* pgstubs.h — the harness side of pgstubs.c. */
#ifndef PGSTUBS_H
#define PGSTUBS_H

#include <setjmp.h>

/* Where ereport(ERROR) jumps to; NULL means "abort: unexpected error". */
extern sigjmp_buf *stub_error_jmp;
/* SQLSTATE of the last error (ERRCODE_INTERNAL_ERROR if none was given). */
extern int	stub_error_sqlstate;
extern int	stub_error_count;

#endif
