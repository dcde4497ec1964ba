/* SPDX-License-Identifier: Apache-2.0 */
/* The client of `registrar serve`'s API: libcurl, TLS verified (a CA file, the system's
 * store, or a pinned key), HTTPS but to loopback, answers capped and read as strictly as
 * files, ARM errors mapped to the exit statuses. */
#ifndef CONNECT_HTTP_H
#define CONNECT_HTTP_H

#include <jansson.h>

#include "connect.h"

typedef struct {
	char base[AR_CONNECT_MAX_URL_CHARS + 1]; /* --registrar, no trailing '/' */
	char prefix[AR_CONNECT_MAX_URL_CHARS + 1]; /* base + .../registrations */
	int plain;                /* http:// (loopback only) */
	const char *ca_file, *pin, *secret_file;
	long timeout;
	char *authorization;      /* "Authorization: Bearer ...", in sodium_malloc memory */
} http_client;

typedef struct {
	long status;
	json_t *body;             /* the answer's JSON object; NULL when it had no body */
} http_answer;

/* Checks the URL, the TLS flags and the subscription and group, reads the secret. */
int http_open(http_client *c, const connect_opts *o, ar_err *e);
/* Wipes the secret. */
void http_close(http_client *c);
/* METHOD prefix + path (path "" is the registrations; absolute_path: from the base URL);
 * label names the call in every line ("PUT east"). A status not in ok (a 0-terminated
 * list) is the error the ARM answer says (4: refused by the registrar; 5: not
 * authenticated, unavailable, not a registrar's answer). */
int http_call(http_client *c, const char *method, const char *path, int absolute_path,
	      const char *label, json_t *request, const long *ok, http_answer *a, ar_err *e);
/* http_call on the registration name (action NULL) or its action ("getactivationkey",
 * "deactivate"), labelled "METHOD NAME[/ACTION]" into label. */
#define HTTP_LABEL_CHARS 128
int http_registration(http_client *c, const char *method, const char *name, const char *action,
		      json_t *request, const long *ok, http_answer *a,
		      char label[HTTP_LABEL_CHARS], ar_err *e);
void http_answer_free(http_answer *a);
/* "201 Created" for a status */
const char *http_reason(long status);

#endif
