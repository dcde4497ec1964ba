/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs of token-gen, called by main() once the flags are parsed. */
#ifndef TOKENGEN_COMMANDS_H
#define TOKENGEN_COMMANDS_H

#include <jansson.h>

#include "ar_limits.h"
#include "err.h"
#include "probe.h"
#include "stamp.h"

/* The name every line token-gen prints starts with. */
#define PROGRAM "token-gen"

typedef struct {
	const char *output;            /* -o; NULL means stdout for probe */
	const char *qr;                /* --qr: the token drawn as QR codes too */
	const char *state_dir;
	const char *billing_model, *agreement_number, *asset_tag, *cloud_id;
	int usage_reporting, marketplace_syndication, json;
	const char *host_files[AR_MAX_HOSTS + 1];
	int n_host_files;              /* may be AR_MAX_HOSTS + 1: refused */
	probe_opts probe;              /* for `probe`, and `create` without --host */
} tokengen_opts;

/* token-gen init: the stamp's identity, made once. */
int cmd_init_run(const tokengen_opts *o, ar_err *e);
int cmd_probe_run(const tokengen_opts *o, ar_err *e);
int cmd_create_run(const tokengen_opts *o, ar_err *e);
/* What create signs, made in memory (nothing written): the billing flags checked, the hosts
 * taken (--host files, else this machine probed), the stamp opened (closed by the caller:
 * ar_stamp_close, also on error). *claims and *records (the host records) are the caller's.
 * program: the name a warning starts with (airreg-connect makes tokens too). */
int create_claims(const tokengen_opts *o, const char *program, json_t **claims,
		  json_t **records, ar_stamp *stamp, ar_err *e);
int cmd_show_run(const char *file, int json, ar_err *e);

#endif
