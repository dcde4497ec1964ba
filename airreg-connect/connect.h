/* SPDX-License-Identifier: Apache-2.0 */
/* airreg-connect: the stamp's one-step path to a registrar it can reach (`registrar serve`).
 * It makes the token as token-gen create does and imports the key as key-import does, with
 * their code; what it adds is the HTTP client (http.c) and the two verbs. */
#ifndef CONNECT_CONNECT_H
#define CONNECT_CONNECT_H

#include <jansson.h>

#include "ar_limits.h"
#include "err.h"

/* The name every line airreg-connect prints starts with. */
#define PROGRAM "airreg-connect"

typedef struct {
	const char *registrar;          /* --registrar URL */
	const char *name, *subscription, *resource_group;
	const char *api_secret;         /* --api-secret FILE */
	const char *ca_file, *pin;      /* --ca-file FILE, --pin sha256//BASE64 */
	const char *timeout_arg;        /* --timeout as given (once) */
	long timeout;                   /* --timeout SECONDS */
	const char *state_dir, *root;
	const char *billing_model, *agreement_number, *asset_tag;
	int usage_reporting, marketplace_syndication, renew;
	const char *host_files[AR_MAX_HOSTS + 1];
	int n_host_files;               /* may be AR_MAX_HOSTS + 1: refused */
	long long now;
} connect_opts;

int connect_register(const connect_opts *o, ar_err *e);
int connect_unregister(const connect_opts *o, ar_err *e);

/* The stamp's side, on token-gen's and key-import's code (stamp_side.c). */
/* The claims create would sign, the host records, and the stamp's key to sign them with:
 * *compact is the token; nothing is written. cloud_id: the stamp's. */
int stamp_make_token(const connect_opts *o, json_t **claims, json_t **records,
		     char **compact, char cloud_id[AR_UUID_CHARS + 1], ar_err *e);
/* key-import's import of the key text, where naming it; the line of what was imported. */
int stamp_import_key(const connect_opts *o, const char *text, size_t len, const char *where,
		     ar_err *e);
/* key-import remove's removal, the receipt to send (malloc'd), the registration's name and
 * the serial removed. */
int stamp_remove(const connect_opts *o, char **receipt, char name[AR_MAX_HOST_NAME_CHARS + 1],
		 long long *serial, ar_err *e);
/* The activation held: *held, its registration's name and serial (nothing read is changed). */
int stamp_held(const connect_opts *o, int *held, char name[AR_MAX_HOST_NAME_CHARS + 1],
	       long long *serial, ar_err *e);
/* The stamp trusts an issuer key (trusted/KID.pub): else no key could be imported (AR_EENV). */
int stamp_trusts(const connect_opts *o, ar_err *e);
/* The activation held is NAME's, verified, not expiring within AR_CONNECT_RENEW_DAYS, and of
 * the billing settings and hosts of claims and records (unchanged.c): *same, and the line. */
int stamp_unchanged(const connect_opts *o, json_t *claims, json_t *records,
		    const char *cloud_id, int *same, ar_err *e);

#endif
