/* SPDX-License-Identifier: Apache-2.0 */
/* last-check.json: {"compliant", "reason", "checkedAt" (ISO 8601 UTC), "serial", "keySha256"}
 * of the activation the last hardware check judged (docs/spec.md, "key-import"). */
#ifndef KEYIMPORT_LASTCHECK_H
#define KEYIMPORT_LASTCHECK_H

#include <jansson.h>
#include <stddef.h>

#include "check.h"
#include "err.h"

/* Writes the verdict of rep about resource (the caller holds the directory's lock). */
int lastcheck_write(const char *dir, json_t *resource, const check_report *rep, long long now,
		    ar_err *e);
/* Reads last-check.json (*verdict NULL when there is none); one of another shape than
 * lastcheck_write's is refused, exit 5 naming the file. */
int lastcheck_read(const char *dir, json_t **verdict, ar_err *e);
/* status's line: "none", "in compliance, TIME", "out of compliance, TIME: REASON", with
 * " (for an earlier activation, serial N)" before the reason when it judged another key. */
void lastcheck_describe(json_t *verdict, json_t *resource, char *out, size_t cap);
/* status --json's lastCheck: null, or {"compliant","reason","checkedAt","serial",
 * "currentActivation"}. */
json_t *lastcheck_json(json_t *verdict, json_t *resource);

#endif
