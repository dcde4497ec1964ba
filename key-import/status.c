/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import status`: the activation resource, at this stamp's clock or the trusted time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "ar_limits.h"
#include "check.h"
#include "codec.h"
#include "commands.h"
#include "fileio.h"
#include "hostkey.h"
#include "json.h"
#include "lastcheck.h"
#include "metrics.h"
#include "revoked.h"
#include "stamp.h"
#include "state.h"
#include "text.h"
#include "trust.h"
#include "verdict.h"
#include "when.h"

/* A clock behind the trusted time by more than the skew is named: status is shown at the
 * trusted time (verdict_judge). */
static void warn_clock(const status_verdict *v)
{
	char behind[AR_SPAN_CHARS + 1], when[AR_TIME_CHARS + 1];

	if (verdict_clock_behind(v))
		ar_warn(PROGRAM, "the clock is %s behind the latest time this stamp has trusted "
			"(%s); status is shown at that time; set the clock right (runbook, \"The "
			"clock\")", ar_format_span(verdict_clock_behind(v), behind),
			ar_format_time(v->trusted, when));
}

static void print_json(json_t *r, json_t *verdict, const char *status, long long now,
		       int warn_days, int expiring, long long list)
{
	json_t *doc = json_pack("{s:s}", "status", status);
	char *text;

	if (r) {
		json_object_set(doc, "registration", json_object_get(r, "registration"));
		json_object_set(doc, "cloudId", json_object_get(r, "cloudId"));
		json_object_set(doc, "billingModel", json_object_get(r, "billingModel"));
		json_object_set(doc, "serial", json_object_get(r, "serial"));
		json_object_set(doc, "issuerKid", json_object_get(r, "issuerKid"));
		json_object_set(doc, "expiresAt", json_object_get(r, "expiresAt"));
		json_object_set_new(doc, "daysLeft",
				    json_integer(ar_span_days(state_field_int(r, "expiresAt") - now)));
		json_object_set(doc, "tenants", json_object_get(r, "tenants"));
		/* null: a key from a registrar before hardware policies (no policy to hold) */
		json_object_set_new(doc, "hostMatch", json_incref(json_object_get(r, "hostMatch")) ?
				    json_object_get(r, "hostMatch") : json_null());
		json_object_set_new(doc, "licensedHosts",
				    json_integer((json_int_t)json_array_size(json_object_get(r, "hosts"))));
	}
	json_object_set_new(doc, "lastCheck", lastcheck_json(verdict, r));
	/* the revocation list this status was judged against (null: none held) */
	json_object_set_new(doc, "revocationListVersion", list ? json_integer(list) : json_null());
	/* with --warn-days only: N when valid and expiring within N days, else null */
	if (warn_days)
		json_object_set_new(doc, "expiringWithin", expiring ? json_integer(warn_days)
				    : json_null());
	text = ar_json_dump_pretty(doc);
	fputs(text ? text : "", stdout);
	free(text);
	json_decref(doc);
}

static void print_text(json_t *r, json_t *verdict, int verified, const char *status,
		       long long now, int warn_days, int expiring)
{
	char exp[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1], policy[96];
	char last[CHECK_REASON_CHARS + 160];
	long long left;

	printf("%-16s%s\n", "Status", status);
	lastcheck_describe(verdict, r, last, sizeof last);
	/* remove keeps the verdict (for an earlier activation), as --json's lastCheck shows it */
	if (!r && verdict)
		printf("%-16s%s\n", "Hardware check", last);
	if (!r)
		return;
	printf("%-16s%s\n%-16s%s\n%-16s%s\n%-16s%lld\n", "Registration",
	       ar_text_shown(state_field_text(r, "registration")), "CloudId",
	       ar_text_shown(state_field_text(r, "cloudId")),
	       "Billing model", ar_text_shown(state_field_text(r, "billingModel")), "Serial",
	       state_field_int(r, "serial"));
	/* the kid `trust list` marks, and the one `trust remove` of it names */
	printf("%-16s%s\n", "Issuer key", ar_text_shown(state_field_text(r, "issuerKid")));
	left = state_field_int(r, "expiresAt") - now;
	/* by the rule of the import's "expires in" and the registrar's "valid N days" */
	printf("%-16s%s (%s%s%s)\n", "Expires",
	       ar_format_time(state_field_int(r, "expiresAt"), exp), left > 0 ? "" : "expired ",
	       ar_format_span(left, span), left > 0 ? " left" : " ago");
	if (expiring)
		printf("%-16sexpires within %d day%s\n", "Warning", warn_days,
		       warn_days == 1 ? "" : "s");
	printf("%-16s%zu\n", "Tenants", json_array_size(json_object_get(r, "tenants")));
	ar_host_match_describe(json_object_get(r, "hostMatch"),
			       json_array_size(json_object_get(r, "hosts")), policy, sizeof policy);
	printf("%-16s%s%s\n", "Hardware policy", policy, verified ? "" : " (unverified: the key "
	       "activation.json holds does not verify here; key-import check says why)");
	printf("%-16s%s\n", "Hardware check", last);
}

/* --warn-days N: what monitoring acts on. Valid beyond N days is 0; valid, expiring within
 * N days (expiresAt - now <= N days, to the second) is 6; anything not valid here is 4 with
 * its line (without --warn-days status is 0 for these, as it always was): nothing registered,
 * or expired. A key that does not verify (Untrusted) or is revoked ended status before. */
static int warn_status(const keyimport_opts *o, const status_verdict *v, ar_err *e)
{
	char when[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];
	json_t *r = v->resource;
	long long exp, now = v->now;

	if (!r)
		return ar_fail(e, AR_EINPUT, NULL, "--warn-days: not registered: no activation "
			       "here (import an activation key: key-import import FILE)");
	exp = state_field_int(r, "expiresAt");
	if (exp <= now)
		return ar_fail(e, AR_EINPUT, NULL, "--warn-days: the activation expired %s (%s "
			       "ago); issue a new key on the workstation (registrar activation-key "
			       "--name %s)", ar_format_time(exp, when), ar_format_span(now - exp, span),
			       ar_text_shown(state_field_text(r, "registration")));
	/* the rule libairreg's AIRREG_EXPIRING is */
	return verdict_expiring(v, o->warn_days) ? AR_EXPIRING : AR_OK;
}

int cmd_status_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	status_verdict v;
	json_t *r;
	int rc, warn = AR_OK;
	metrics_status m;
	ar_err me;

	memset(&v, 0, sizeof v);
	rc = verdict_open(dir, e);
	if (rc == AR_OK)
		rc = verdict_judge(dir, o->now, o->json, &v, e);
	r = v.resource;
	if (rc == AR_OK)
		warn_clock(&v);
	/* Untrusted and Revoked end status whatever --warn-days says */
	if (rc == AR_OK && v.why.status)
		warn = (*e = v.why).status;
	if (rc == AR_OK && warn == AR_OK && o->warn_days)
		warn = warn_status(o, &v, e);
	if (rc == AR_OK) {
		const char *status = verdict_name(v.state);

		/* --metrics -: stdout holds the metrics alone (main refuses --json with it) */
		if (o->json)
			print_json(r, v.last_check, status, v.now, o->warn_days,
				   warn == AR_EXPIRING, v.list_version);
		else if (!ar_is_stdio(o->metrics))
			print_text(r, v.last_check, v.verified, status, v.now, o->warn_days,
				   warn == AR_EXPIRING);
		m = (metrics_status){ r, v.last_check, v.verified, v.state == VERDICT_REGISTERED,
				      v.state == VERDICT_REVOKED, v.now };
		/* the metrics are written whatever the status: monitoring reads them */
		if (o->metrics && (rc = metrics_write(o->metrics, &m, &me)) != AR_OK)
			*e = me;
	}
	verdict_free(&v);
	return rc == AR_OK ? warn : rc;
}
