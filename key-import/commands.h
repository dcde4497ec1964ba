/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs of key-import, called by main() once the flags are parsed. */
#ifndef KEYIMPORT_COMMANDS_H
#define KEYIMPORT_COMMANDS_H

#include "ar_limits.h"
#include "err.h"

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
} keyimport_opts;

int cmd_import_run(const keyimport_opts *o, const char *file, ar_err *e);
int cmd_status_run(const keyimport_opts *o, ar_err *e);
int cmd_remove_run(const keyimport_opts *o, ar_err *e);
/* check --host FILE...|--probe: the given hardware against the activation */
int cmd_check_run(const keyimport_opts *o, ar_err *e);

#endif
