/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import check`: what the check found (check.c) and how it is shown (check_report.c). */
#ifndef KEYIMPORT_CHECK_H
#define KEYIMPORT_CHECK_H

#include <jansson.h>
#include <stddef.h>

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

/* One line per licensed host, one per given host that is none of them, the verdict. */
int check_print_text(const check_report *r, ar_err *e);
/* One JSON object (docs/formats.md, "key-import check --json"). */
int check_print_json(const check_report *r, ar_err *e);

#endif
