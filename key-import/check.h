/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import check`: what the check found (check.c) and how it is shown (check_report.c). */
#ifndef KEYIMPORT_CHECK_H
#define KEYIMPORT_CHECK_H

#include <jansson.h>
#include <stddef.h>

#include "commands.h"
#include "err.h"
#include "hostmatch.h"

/* the verdict line: hostmatch's reason and the capacity's, well under this */
#define CHECK_REASON_CHARS 512

/* A Capacity key's totals against the given hosts (known: the key states `licensed`). */
typedef struct {
	int known, over_hosts, over_cores;
	long long given_hosts, licensed_hosts, given_cores, licensed_cores; /* cores 0: untold */
} check_capacity;

typedef struct {
	json_t *resource;       /* activation.json */
	json_t *licensed_hosts; /* its hosts (digests, biosVersion, cpuCores) */
	json_t *records;        /* the given host records, as their files hold them */
	size_t n_licensed, n_given, n_duplicates;
	hm_policy policy;
	hm_assignment a;
	check_capacity cap;
	int compliant;
	char reason[CHECK_REASON_CHARS];
} check_report;

/* The hardware given: the --host records, each host once (two of one UUID or one name:
 * AR_EINPUT naming both files), or this machine probed (--probe [--root DIR]), appended to
 * records (a JSON array); check_given.c. */
int check_gather(const keyimport_opts *o, json_t *records, ar_err *e);
/* records against an activation resource (activation.json, or the one an import is about to
 * write): fills rep, reason and verdict; AR_OK whatever the verdict. where names the
 * resource in errors (a key with no policy: AR_EENV). */
int check_judge(json_t *resource, json_t *records, check_report *rep, const char *where,
		ar_err *e);

/* import --host|--probe, before anything is written: the key's resource r against the
 * hardware given, shown as check shows it; AR_OK whatever the verdict (rep->compliant: the
 * caller refuses), a key with no policy AR_EINPUT naming where. */
int check_import_key(const keyimport_opts *o, json_t *r, json_t *records, check_report *rep,
		     const char *where, ar_err *e);
/* --probe reads one machine: refused (AR_EUSAGE) when the activation licenses more. */
int check_probe_fits(const keyimport_opts *o, json_t *resource, const char *what, ar_err *e);
/* The verdict kept in last-check.json, under the state directory's lock; not written (AR_EENV
 * naming the file) when activation.json holds another key by then (an import meanwhile). */
int check_record_verdict(const char *dir, json_t *resource, const check_report *rep,
			 long long now, ar_err *e);

/* One line per licensed host, one per given host that is none of them, the verdict. */
/* The activation resource's key verified again; every field check reads must be that key's
 * (verify_copy.c). AR_EENV naming what differs. */
int check_verify_copy(const char *dir, json_t *resource, ar_err *e);
/* status: the same comparison when the key verifies (*verified 1; AR_EENV with check's line
 * when a field differs); *verified 0, AR_OK, when it does not verify here. */
int check_verify_shown(const char *dir, json_t *resource, int *verified, ar_err *e);
int check_print_text(const check_report *r, ar_err *e);
/* One JSON object (docs/formats.md, "key-import check --json"). */
int check_print_json(const check_report *r, ar_err *e);

#endif
