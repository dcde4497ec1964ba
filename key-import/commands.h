/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs of key-import, called by main() once the flags are parsed. */
#ifndef KEYIMPORT_COMMANDS_H
#define KEYIMPORT_COMMANDS_H

#include <jansson.h>

#include "ar_limits.h"
#include "err.h"
#include "receipt.h"

/* The name every line key-import prints starts with. */
#define PROGRAM "key-import"

typedef struct {
	const char *state_dir;
	int dry_run, json, force;
	long long now;
	const char *host_files[AR_MAX_HOSTS + 1]; /* check --host: one over the most, refused */
	int n_host_files;
	int probe;                /* check/import --probe: this machine, as token-gen probes it */
	const char *root;         /* --root: the probe's root (a capture); NULL: / */
	const char *warn_days_arg; /* status --warn-days as given (checked by status) */
	int warn_days;            /* status --warn-days N; 0: not given */
	const char *metrics;      /* status --metrics FILE|-; NULL: not given */
	const char *output, *qr;  /* remove -o RECEIPT|- and --qr FILE.png|-; NULL: not given */
	const char *registration; /* import_text: the key must be this registration's (NULL: any) */
} keyimport_opts;

int cmd_import_run(const keyimport_opts *o, const char *file, ar_err *e);

/* What an import did: same, the key was imported already (nothing written). */
typedef struct {
	int same;
	char registration[AR_MAX_HOST_NAME_CHARS + 1];
	long long serial, expires_at;
	char sha256_hex[AR_SHA256_HEX_CHARS + 1];
} import_outcome;
/* The import of a key already in memory (text, len: compact JWS), by every check and rule of
 * cmd_import_run; where names it in every line. Prints nothing. airreg-connect's way in. */
int import_text(const keyimport_opts *o, const char *text, size_t len, const char *where,
		import_outcome *out, ar_err *e);
int cmd_status_run(const keyimport_opts *o, ar_err *e);
int cmd_remove_run(const keyimport_opts *o, ar_err *e);
/* airreg-connect unregister's removal: the activation held (of name, when not NULL; another
 * is AR_EINPUT, nothing changed) removed as remove does, its receipt made and kept, and
 * *removed the resource that was (the caller's); none held, *removed NULL and the kept
 * receipt read back (*kept filled, to say so). *compact (malloc'd) is the receipt to send;
 * with neither, AR_EINPUT. */
int remove_for_receipt(const keyimport_opts *o, const char *name, json_t **removed,
		       char **compact, ar_receipt *kept, ar_err *e);
/* check --host FILE...|--probe: the given hardware against the activation */
int cmd_check_run(const keyimport_opts *o, ar_err *e);

#endif
