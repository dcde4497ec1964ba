/* SPDX-License-Identifier: Apache-2.0 */
/* libairreg's API over key-import's own status path (key-import/verdict.c): the answer is
 * copied into plain memory the handle owns, so a handle never changes once made and any
 * number of threads may read it. */
#include "airreg.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ar_limits.h"
#include "err.h"
#include "fileio.h"
#include "handles.h"
#include "lastcheck.h"
#include "stamp.h"
#include "state.h"
#include "text.h"
#include "verdict.h"
#include "when.h"

const char *airreg_version(void)
{
	return AIRREG_VERSION_TEXT;
}

/* The error line key-import prints, without "key-import: ". */
static int fail_into(int *code, char *msg, size_t cap, const ar_err *e)
{
	ar_err_format(e, msg, cap);
	return *code = e->status ? e->status : AIRREG_EINTERNAL;
}

static int open_dir(airreg_stamp *s, const char *state_dir, ar_err *e)
{
	char real[PATH_MAX];
	const char *dir;

	if (state_dir && !*state_dir)
		return ar_fail(e, AR_EUSAGE, NULL, "the state directory is empty (NULL takes $%s, "
			       "else %s)", AR_STATE_DIR_ENV, AR_STATE_DIR_DEFAULT);
	if (ar_check_dir_choice(state_dir, "state_dir", AR_STATE_DIR_ENV, e) != AR_OK)
		return e->status;
	dir = ar_stamp_dir(state_dir);
	if (ar_text_check(dir, "the state directory", AR_EUSAGE, NULL, e) != AR_OK)
		return e->status;
	if (sodium_init() < 0)
		return ar_fail(e, AR_EINTERNAL, NULL, "libsodium failed to initialise");
	if (verdict_open(dir, e) != AR_OK)
		return e->status;
	/* the directory it is now: a product's later chdir() must not move the stamp */
	/* into a buffer of ours: ASan's realpath interceptor refuses a NULL one (EINVAL) */
	if (!realpath(dir, real))
		return ar_fail(e, AR_EENV, dir, "%s", strerror(errno));
	if (!(s->dir = strdup(real)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return AR_OK;
}

int airreg_open(const char *state_dir, airreg_stamp **stamp)
{
	airreg_stamp *s;
	ar_err e = { 0 };

	if (!stamp)
		return AIRREG_EUSAGE;
	if (!(*stamp = s = calloc(1, sizeof *s)))
		return AIRREG_EINTERNAL;
	if (open_dir(s, state_dir, &e) != AR_OK)
		return fail_into(&s->code, s->msg, sizeof s->msg, &e);
	return AIRREG_OK;
}

void airreg_close(airreg_stamp *stamp)
{
	if (!stamp)
		return;
	free(stamp->dir);
	free(stamp);
}

int airreg_stamp_errcode(const airreg_stamp *stamp)
{
	return stamp ? stamp->code : AIRREG_EUSAGE;
}

const char *airreg_stamp_errmsg(const airreg_stamp *stamp)
{
	if (!stamp)
		return "no stamp (airreg_open makes one)";
	return stamp->code ? stamp->msg : NULL;
}

const char *airreg_stamp_dir(const airreg_stamp *stamp)
{
	return stamp ? stamp->dir : NULL;
}

/* src from json_text: a field not there stays NULL (state_field_text would show "-") */
static int copy_text(char **dst, const char *src, ar_err *e)
{
	if (src && !(*dst = strdup(src)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return AR_OK;
}

static const char *json_text(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int copy_tenants(airreg_status *st, json_t *tenants, ar_err *e)
{
	size_t i, n = json_array_size(tenants);

	if (n && !(st->tenants = calloc(n, sizeof *st->tenants)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *t = json_array_get(tenants, i);

		if (copy_text(&st->tenants[i].subscription, json_text(t, "subscriptionId"),
			      e) != AR_OK ||
		    copy_text(&st->tenants[i].tenant, json_text(t, "tenantId"), e) != AR_OK)
			return e->status;
		st->n_tenants++;
	}
	return AR_OK;
}

static int copy_activation(airreg_status *st, const status_verdict *v, ar_err *e)
{
	json_t *r = v->resource, *cores;

	st->registered = 1;
	st->serial = state_field_int(r, "serial");
	st->expires_at = state_field_int(r, "expiresAt");
	st->days_left = ar_span_days(st->expires_at - v->now);
	st->hosts = (long long)json_array_size(json_object_get(r, "hosts"));
	cores = json_object_get(json_object_get(r, "licensed"), "cpuCores");
	st->cores = json_is_integer(cores) ? (long long)json_integer_value(cores) : -1;
	if (copy_text(&st->registration, json_text(r, "registration"), e) != AR_OK ||
	    copy_text(&st->cloud_id, json_text(r, "cloudId"), e) != AR_OK ||
	    copy_text(&st->billing_model, json_text(r, "billingModel"), e) != AR_OK ||
	    copy_text(&st->issuer_kid, json_text(r, "issuerKid"), e) != AR_OK)
		return e->status;
	return copy_tenants(st, json_object_get(r, "tenants"), e);
}

/* lastCheck as status --json shows it (lastcheck_json: whether it judged this activation). */
static int copy_hardware(airreg_status *st, const status_verdict *v, ar_err *e)
{
	json_t *last = lastcheck_json(v->last_check, v->resource);
	int rc;

	if (!last)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	st->hardware = json_is_null(last) ? AIRREG_HW_NOT_CHECKED
		: json_is_true(json_object_get(last, "compliant")) ? AIRREG_HW_COMPLIANT
		: AIRREG_HW_NOT_COMPLIANT;
	st->hardware_current = json_is_true(json_object_get(last, "currentActivation"));
	rc = copy_text(&st->checked_at, json_text(last, "checkedAt"), e);
	if (rc == AR_OK)
		rc = copy_text(&st->hardware_reason, json_text(last, "reason"), e);
	json_decref(last);
	return rc;
}

static int judge(airreg_status *st, const char *dir, int warn_days, ar_err *e)
{
	static const int states[] = { AIRREG_NOT_REGISTERED, AIRREG_UNTRUSTED, AIRREG_REVOKED,
		AIRREG_EXPIRED, AIRREG_REGISTERED };
	char why[AR_ERR_LINE_CHARS];
	status_verdict v;
	int rc;

	memset(&v, 0, sizeof v);
	rc = verdict_open(dir, e);
	if (rc == AR_OK)
		rc = verdict_judge(dir, (long long)time(NULL), 1, &v, e);
	if (rc == AR_OK) {
		st->state = verdict_expiring(&v, warn_days) ? AIRREG_EXPIRING : states[v.state];
		st->judged_at = v.now;
		st->clock_behind = verdict_clock_behind(&v);
		st->list_version = v.list_version;
		if (v.why.status) {
			ar_err_format(&v.why, why, sizeof why);
			rc = copy_text(&st->reason, why, e);
		}
	}
	if (rc == AR_OK && v.resource)
		rc = copy_activation(st, &v, e);
	if (rc == AR_OK)
		rc = copy_hardware(st, &v, e);
	verdict_free(&v);
	return rc;
}

int airreg_check(const airreg_stamp *stamp, int warn_days, airreg_status **status)
{
	airreg_status *st;
	ar_err e = { 0 };
	int rc = AR_OK;

	if (!status)
		return AIRREG_EUSAGE;
	if (!(*status = st = calloc(1, sizeof *st)))
		return AIRREG_EINTERNAL;
	if (!stamp)
		rc = ar_fail(&e, AR_EUSAGE, NULL, "no stamp (airreg_open makes one)");
	else if (stamp->code)
		rc = ar_fail(&e, AR_EUSAGE, NULL, "the stamp did not open: %s", stamp->msg);
	else if (warn_days && (warn_days < AR_WARN_DAYS_MIN || warn_days > AR_WARN_DAYS_MAX))
		rc = ar_fail(&e, AR_EUSAGE, NULL, "warn_days takes whole days, %d to %d (0: none): "
			     "%d", AR_WARN_DAYS_MIN, AR_WARN_DAYS_MAX, warn_days);
	if (rc == AR_OK)
		rc = judge(st, stamp->dir, warn_days, &e);
	if (rc != AR_OK) {
		airreg_status_free(st);
		if (!(*status = st = calloc(1, sizeof *st)))
			return AIRREG_EINTERNAL;
		st->state = -1;
		return fail_into(&st->code, st->msg, sizeof st->msg, &e);
	}
	return AIRREG_OK;
}

void airreg_status_free(airreg_status *st)
{
	long long i;

	if (!st)
		return;
	for (i = 0; i < st->n_tenants; i++) {
		free(st->tenants[i].subscription);
		free(st->tenants[i].tenant);
	}
	free(st->tenants);
	free(st->reason);
	free(st->registration);
	free(st->cloud_id);
	free(st->billing_model);
	free(st->issuer_kid);
	free(st->checked_at);
	free(st->hardware_reason);
	free(st);
}
