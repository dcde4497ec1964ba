/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP API's resources, apart from HTTP itself (serve.c): a request in, a status
 * and a JSON body out, on one SQLite connection. */
#ifndef REGISTRAR_API_H
#define REGISTRAR_API_H

#include <stddef.h>
#include <stdint.h>

#include "jws.h"
#include "keys.h"
#include "store.h"

typedef struct {
	const char *method;      /* "GET", "PUT", ... */
	const char *path;        /* decoded, without the query */
	const char *api_version; /* query values, NULL when absent */
	const char *top, *skip_token;
	const char *if_match, *if_none_match;  /* the headers, NULL when absent */
	const char *origin;      /* "SCHEME://HOST:PORT" of this server, for nextLink */
	const uint8_t *body;
	size_t body_len;
} api_request;

typedef struct {
	unsigned status;
	char *body;              /* malloc'd JSON, or NULL (204) */
	const char *allow;       /* the methods a 405 names */
	char etag[40];           /* the ETag header's value, or "" */
	int close;               /* the connection ends with this answer */
} api_response;

void api_handle(store *db, const ar_signer *issuer, const api_request *rq, api_response *rs);
/* An error of the registrar's rules, as ARM names and numbers it (input_code for a
 * plain AR_EINPUT/AR_EUSAGE); the database's own failure is 503 (or 500), its words only
 * in the log. */
void api_refuse(api_response *rs, const ar_err *e, const char *input_code);
/* {"error":{"code","message"}} with status: for what serve.c refuses itself. */
void api_error(api_response *rs, unsigned status, const char *code, const char *message);

#endif
