/* SPDX-License-Identifier: Apache-2.0 */
/* `token-gen probe`: one host's hardware identity as a host record (common/host.h). */
#ifndef TOKENGEN_PROBE_H
#define TOKENGEN_PROBE_H

#include <jansson.h>

#include "err.h"

enum probe_field {
	PF_UUID, PF_MANUFACTURER, PF_PRODUCT, PF_SERIAL, PF_BOARD_SERIAL, PF_BIOS_VENDOR,
	PF_BIOS_VERSION, PF_BIOS_DATE, PF_CPU_MODEL, PF_CPU_SOCKETS, PF_CPU_CORES, PF_CPU_THREADS, PF_MEMORY,
	PF_COUNT
};

typedef struct {
	const char *root;                 /* NULL: this machine */
	const char *name;                 /* NULL: the root's host name */
	const char *operator_value[PF_COUNT]; /* values given by the operator, or NULL */
	const char *program;              /* who warns (key-import check --probe); NULL: token-gen */
	int need_cores;                   /* CPU cores mandatory too (a Capacity token) */
} probe_opts;

/* Reads the hardware under opts->root and builds a validated host record.
 * A mandatory value that is missing or a placeholder is AR_EHARDWARE with
 * "Could not retrieve mandatory hardware info for HOST: WHAT". */
int probe_host(const probe_opts *opts, json_t **record, ar_err *e);

#endif
