/* SPDX-License-Identifier: Apache-2.0 */
/* One error type: the exit status of docs/spec.md and a one-line message naming the file. */
#ifndef AIRREG_ERR_H
#define AIRREG_ERR_H

#include <stddef.h>

enum ar_status {
	AR_OK = 0,
	AR_EINTERNAL = 1,
	AR_EUSAGE = 2,
	AR_EHARDWARE = 3,
	AR_EINPUT = 4,
	AR_EENV = 5,
	/* not a failure: key-import status --warn-days N, valid but expiring within N days */
	AR_EXPIRING = 6,
	/* key-import status: the activation imported is revoked by the revocation list held */
	AR_EREVOKED = 7
};

typedef struct {
	int status;
	char where[512];  /* the file (or host) the error is about; may be empty */
	char msg[512];
	char code[40];    /* a machine-readable name of the refusal (an ARM error code), or "" */
} ar_err;

/* Records the error and returns its status, so callers can `return ar_fail(...)`. */
int ar_fail(ar_err *e, int status, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Names the refusal for programs that map it (the HTTP API); returns its status. */
int ar_err_code(ar_err *e, const char *code);
/* Sets `where` when the error does not name a file yet. */
int ar_err_at(ar_err *e, const char *where);
/* The bytes of an error line: a file name and a message, each byte at most 4 shown. */
#define AR_ERR_LINE_CHARS (4 * 1040)
/* "WHERE: MSG" (or "MSG"), made visible as every error line (libairreg's message). */
void ar_err_format(const ar_err *e, char *out, size_t cap);
/* "PROGRAM: WHERE: MSG\n" (or "PROGRAM: MSG\n") on stderr. */
void ar_err_print(const char *program, const ar_err *e);
/* "PROGRAM: MSG (see PROGRAM --help)" on stderr; returns AR_EUSAGE. */
int ar_usage_error(const char *program, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints e when rc is an error; returns rc (the exit status). */
int ar_finish(const char *program, int rc, const ar_err *e);
void ar_warn(const char *program, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
