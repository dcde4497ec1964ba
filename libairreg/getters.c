/* SPDX-License-Identifier: Apache-2.0 */
/* What an answer holds. A NULL handle, or one holding an error, answers -1 or NULL: never a
 * value a product could take for a verdict. */
#include "airreg.h"

#include "handles.h"

#define HELD(st) ((st) && (st)->code == AIRREG_OK)
#define ACTIVATION(st) (HELD(st) && (st)->registered)

int airreg_status_errcode(const airreg_status *st)
{
	return st ? st->code : AIRREG_EUSAGE;
}

const char *airreg_status_errmsg(const airreg_status *st)
{
	if (!st)
		return "no status (airreg_check makes one)";
	return st->code ? st->msg : NULL;
}

int airreg_state(const airreg_status *st)
{
	return HELD(st) ? st->state : -1;
}

const char *airreg_state_name(const airreg_status *st)
{
	/* key-import status's "status": an expiring activation is Registered there */
	static const char *const names[] = { "Not registered", "Registered", "Registered",
		"Expired", "Revoked", "Untrusted" };

	return HELD(st) ? names[st->state] : NULL;
}

const char *airreg_reason(const airreg_status *st)
{
	return HELD(st) ? st->reason : NULL;
}

long long airreg_judged_at(const airreg_status *st)
{
	return HELD(st) ? st->judged_at : -1;
}

long long airreg_clock_behind(const airreg_status *st)
{
	return HELD(st) ? st->clock_behind : -1;
}

long long airreg_revocation_list_version(const airreg_status *st)
{
	return HELD(st) ? st->list_version : -1;
}

const char *airreg_registration(const airreg_status *st)
{
	return ACTIVATION(st) ? st->registration : NULL;
}

const char *airreg_cloud_id(const airreg_status *st)
{
	return ACTIVATION(st) ? st->cloud_id : NULL;
}

const char *airreg_billing_model(const airreg_status *st)
{
	return ACTIVATION(st) ? st->billing_model : NULL;
}

const char *airreg_issuer_kid(const airreg_status *st)
{
	return ACTIVATION(st) ? st->issuer_kid : NULL;
}

long long airreg_serial(const airreg_status *st)
{
	return ACTIVATION(st) ? st->serial : -1;
}

long long airreg_expires_at(const airreg_status *st)
{
	return ACTIVATION(st) ? st->expires_at : -1;
}

/* may be negative: days since it expired, as status --json's daysLeft */
long long airreg_days_left(const airreg_status *st)
{
	return ACTIVATION(st) ? st->days_left : 0;
}

long long airreg_licensed_hosts(const airreg_status *st)
{
	return ACTIVATION(st) ? st->hosts : -1;
}

long long airreg_licensed_cores(const airreg_status *st)
{
	return ACTIVATION(st) ? st->cores : -1;
}

long long airreg_tenant_count(const airreg_status *st)
{
	return ACTIVATION(st) ? st->n_tenants : -1;
}

const char *airreg_tenant_subscription(const airreg_status *st, long long i)
{
	return ACTIVATION(st) && i >= 0 && i < st->n_tenants ? st->tenants[i].subscription : NULL;
}

const char *airreg_tenant_id(const airreg_status *st, long long i)
{
	return ACTIVATION(st) && i >= 0 && i < st->n_tenants ? st->tenants[i].tenant : NULL;
}

int airreg_hardware(const airreg_status *st)
{
	return HELD(st) ? st->hardware : -1;
}

int airreg_hardware_current(const airreg_status *st)
{
	return HELD(st) && st->hardware != AIRREG_HW_NOT_CHECKED ? st->hardware_current : -1;
}

const char *airreg_hardware_checked_at(const airreg_status *st)
{
	return HELD(st) ? st->checked_at : NULL;
}

const char *airreg_hardware_reason(const airreg_status *st)
{
	return HELD(st) ? st->hardware_reason : NULL;
}
