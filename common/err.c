/* SPDX-License-Identifier: Apache-2.0 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void copy_clean(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	/* An error line must stay one line, whatever a hostile file name holds. */
	for (; src && *src && i + 1 < cap; src++, i++)
		dst[i] = (*src == '\n' || *src == '\r') ? ' ' : *src;
	dst[i] = '\0';
}

int ar_fail(ar_err *e, int status, const char *where, const char *fmt, ...)
{
	char tmp[sizeof e->msg];
	va_list ap;

	e->status = status;
	e->code[0] = '\0';
	copy_clean(e->where, sizeof e->where, where ? where : "");
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	copy_clean(e->msg, sizeof e->msg, tmp);
	return status;
}

int ar_err_code(ar_err *e, const char *code)
{
	snprintf(e->code, sizeof e->code, "%s", code);
	return e->status;
}

int ar_err_at(ar_err *e, const char *where)
{
	if (e->where[0] == '\0' && where)
		copy_clean(e->where, sizeof e->where, where);
	return e->status;
}

void ar_err_print(const char *program, const ar_err *e)
{
	if (e->where[0])
		fprintf(stderr, "%s: %s: %s\n", program, e->where, e->msg);
	else
		fprintf(stderr, "%s: %s\n", program, e->msg);
}

void ar_warn(const char *program, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ar_usage_error(const char *program, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", program);
	return AR_EUSAGE;
}

int ar_finish(const char *program, int rc, const ar_err *e)
{
	if (rc != AR_OK)
		ar_err_print(program, e);
	return rc;
}
