/* SPDX-License-Identifier: Apache-2.0 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* Kept as given: what is shown of it is escaped once, where it is printed (err_line),
 * so no caller can forget and a message quoted in another is not escaped twice. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;

	memmove(dst, src ? src : "", n);  /* src may be dst itself (e->where again) */
	dst[n] = '\0';
}

/* "PROGRAM: " then text made visible (an error line stays one line on the terminal,
 * whatever a hostile file, request or flag put into it), then tail. */
static void err_line(const char *program, const char *text, const char *tail)
{
	char shown[4 * 1040];  /* a file name and a message, each byte at most 4 shown */

	ar_text_escape(shown, sizeof shown, text, 0);
	fprintf(stderr, "%s: %s%s\n", program, shown, tail);
}

int ar_fail(ar_err *e, int status, const char *where, const char *fmt, ...)
{
	char tmp[sizeof e->msg];
	va_list ap;

	e->status = status;
	e->code[0] = '\0';
	copy_text(e->where, sizeof e->where, where ? where : "");
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	copy_text(e->msg, sizeof e->msg, tmp);
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
		copy_text(e->where, sizeof e->where, where);
	return e->status;
}

void ar_err_format(const ar_err *e, char *out, size_t cap)
{
	char line[sizeof e->where + sizeof e->msg + 2];

	snprintf(line, sizeof line, "%s%s%s", e->where, e->where[0] ? ": " : "", e->msg);
	ar_text_escape(out, cap, line, 0);
}

void ar_err_print(const char *program, const ar_err *e)
{
	char line[AR_ERR_LINE_CHARS];

	ar_err_format(e, line, sizeof line);
	fprintf(stderr, "%s: %s\n", program, line);
}

void ar_warn(const char *program, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	snprintf(line, sizeof line, "warning: ");
	va_start(ap, fmt);
	vsnprintf(line + strlen(line), sizeof line - strlen(line), fmt, ap);
	va_end(ap);
	err_line(program, line, "");
}

int ar_usage_error(const char *program, const char *fmt, ...)
{
	char line[1024], tail[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	snprintf(tail, sizeof tail, " (see %s --help)", program);
	err_line(program, line, tail);
	return AR_EUSAGE;
}

int ar_finish(const char *program, int rc, const ar_err *e)
{
	if (rc != AR_OK)
		ar_err_print(program, e);
	return rc;
}
