/* SPDX-License-Identifier: Apache-2.0 */
/* What libairreg's opaque handles hold: never part of the ABI (airreg.h names them only). */
#ifndef LIBAIRREG_HANDLES_H
#define LIBAIRREG_HANDLES_H

#include "airreg.h"
#include "err.h"

#define AIRREG_VERSION_TEXT "1.0.0"

struct airreg_stamp {
	int code;
	char *dir;
	char msg[AR_ERR_LINE_CHARS];
};

typedef struct {
	char *subscription, *tenant;
} tenant_map;

struct airreg_status {
	int code;
	char msg[AR_ERR_LINE_CHARS];
	int state;
	char *reason;                  /* Untrusted, Revoked: why; else NULL */
	long long judged_at, clock_behind, list_version;
	int registered;                /* an activation resource is there */
	char *registration, *cloud_id, *billing_model, *issuer_kid;
	long long serial, expires_at, days_left, hosts, cores;
	tenant_map *tenants;
	long long n_tenants;
	int hardware, hardware_current;
	char *checked_at, *hardware_reason;
};

#endif
