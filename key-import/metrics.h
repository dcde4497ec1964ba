/* SPDX-License-Identifier: Apache-2.0 */
/* key-import status --metrics: the status as Prometheus text exposition format 0.0.4, for
 * node_exporter's textfile collector (docs/formats.md, "Metrics"). */
#ifndef KEYIMPORT_METRICS_H
#define KEYIMPORT_METRICS_H

#include <jansson.h>

#include "err.h"

/* What status judged: the activation resource (NULL: none), the last check's verdict (NULL:
 * none), whether the key verifies here, whether it is Registered, whether the revocation list
 * held revokes it, and the time status is shown at. */
typedef struct {
	json_t *resource, *verdict;
	int verified, registered, revoked;
	long long now;
} metrics_status;

/* Writes the metrics to path ("-": stdout), replaced atomically (mode 0644). */
int metrics_write(const char *path, const metrics_status *s, ar_err *e);

#endif
