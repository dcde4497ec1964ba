/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libairreg: the stamp's activation as `key-import status --json` judges it, for the
 * software running on the stamp (docs/library.md; man 3 airreg).
 *
 * The handles are opaque and never change once made: any number of threads may read one
 * (airreg_close and airreg_status_free, as any free, must not race a call on their handle).
 * The library keeps no global state, never prints, never exits, never writes to the state
 * directory. Every string it returns belongs to the handle it came from and lives as long
 * as that handle.
 */
#ifndef AIRREG_H
#define AIRREG_H

#ifdef __cplusplus
extern "C" {
#endif

#define AIRREG_VERSION_MAJOR 1
#define AIRREG_VERSION_MINOR 0
#define AIRREG_VERSION_PATCH 0

/* What a call returns: the exit statuses of key-import (docs/spec.md, "Exit status"). */
enum airreg_code {
	AIRREG_OK = 0,
	AIRREG_EINTERNAL = 1,    /* out of memory; a defect */
	AIRREG_EUSAGE = 2,       /* a bad argument (a NULL handle, warn_days out of range) */
	AIRREG_EENV = 5          /* the state directory missing, unreadable or damaged */
};

/* The activation's status, key-import status's "status" (and --warn-days's exit 6). */
enum airreg_state {
	AIRREG_NOT_REGISTERED = 0,
	AIRREG_REGISTERED = 1,   /* valid, for more than warn_days */
	AIRREG_EXPIRING = 2,     /* valid, expiring within warn_days */
	AIRREG_EXPIRED = 3,
	AIRREG_REVOKED = 4,      /* the revocation list held revokes it */
	AIRREG_UNTRUSTED = 5     /* its key does not verify against the trust store now */
};

/* The last hardware check (key-import check) run on this stamp. */
enum airreg_hardware {
	AIRREG_HW_NOT_CHECKED = 0,
	AIRREG_HW_COMPLIANT = 1,
	AIRREG_HW_NOT_COMPLIANT = 2
};

typedef struct airreg_stamp airreg_stamp;    /* a state directory, opened */
typedef struct airreg_status airreg_status;  /* one verified answer */

/* "1.0.0": the library's version, which may be newer than the header's. */
const char *airreg_version(void);

/* Opens the state directory (NULL: $AIRREG_STATE_DIR, else /var/lib/airreg/stamp). Returns
 * AIRREG_OK, or the error; *stamp is set either way (NULL only when out of memory), and
 * airreg_stamp_errmsg says why it failed. Free it with airreg_close. */
int airreg_open(const char *state_dir, airreg_stamp **stamp);
void airreg_close(airreg_stamp *stamp);
int airreg_stamp_errcode(const airreg_stamp *stamp);
const char *airreg_stamp_errmsg(const airreg_stamp *stamp);
const char *airreg_stamp_dir(const airreg_stamp *stamp);

/* Reads and verifies the activation now (warn_days 0, or 1 to 3650: within that many days
 * AIRREG_EXPIRING). Returns AIRREG_OK, or the error; *status is set either way (NULL only
 * when out of memory). Free it with airreg_status_free. */
int airreg_check(const airreg_stamp *stamp, int warn_days, airreg_status **status);
void airreg_status_free(airreg_status *status);
int airreg_status_errcode(const airreg_status *status);
const char *airreg_status_errmsg(const airreg_status *status);

/* The verdict. */
int airreg_state(const airreg_status *status);
const char *airreg_state_name(const airreg_status *status);
const char *airreg_reason(const airreg_status *status);
long long airreg_judged_at(const airreg_status *status);
long long airreg_clock_behind(const airreg_status *status);
long long airreg_revocation_list_version(const airreg_status *status);

/* The activation: NULL or -1 when there is none, but for airreg_days_left, 0 then (any
 * number is a day count: test airreg_registration for NULL first). */
const char *airreg_registration(const airreg_status *status);
const char *airreg_cloud_id(const airreg_status *status);
const char *airreg_billing_model(const airreg_status *status);
const char *airreg_issuer_kid(const airreg_status *status);
long long airreg_serial(const airreg_status *status);
long long airreg_expires_at(const airreg_status *status);
long long airreg_days_left(const airreg_status *status);
long long airreg_licensed_hosts(const airreg_status *status);
long long airreg_licensed_cores(const airreg_status *status);
long long airreg_tenant_count(const airreg_status *status);
const char *airreg_tenant_subscription(const airreg_status *status, long long index);
const char *airreg_tenant_id(const airreg_status *status, long long index);

/* The last hardware check. */
int airreg_hardware(const airreg_status *status);
int airreg_hardware_current(const airreg_status *status);
const char *airreg_hardware_checked_at(const airreg_status *status);
const char *airreg_hardware_reason(const airreg_status *status);

#ifdef __cplusplus
}
#endif

#endif
