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
#include "when.h"

/* The status is judged as an import judges expiry: at the later of the clock and the
 * trusted time (the latest iat imported), so a clock set back does not show an expired key
 * as valid; a clock behind by more than the skew is named. */
static int status_time(const char *dir, long long now, long long *shown, ar_err *e)
{
	long long trusted = 0;
	char behind[AR_SPAN_CHARS + 1], when[AR_TIME_CHARS + 1];

	if (state_trusted_time(dir, &trusted, e) != AR_OK)
		return e->status;
	*shown = now > trusted ? now : trusted;
	if (now + AR_CLOCK_SKEW_SECONDS < trusted)
		ar_warn(PROGRAM, "the clock is %s behind the latest time this stamp has trusted "
			"(%s); status is shown at that time; set the clock right (runbook, \"The "
			"clock\")", ar_format_span(trusted - now, behind), ar_format_time(trusted, when));
	return AR_OK;
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

/* Every status verifies again (the trust store and the revocation list change under a key
 * imported long ago): a key that does not verify here any more is Untrusted (its issuer key
 * removed or revoked), exit 4 with why; a verified one the held list revokes is Revoked, exit
 * 7 naming the list. Both are shown first and end status whatever --warn-days says. */
typedef struct {
	ar_err why;              /* Untrusted: why the key does not verify */
	long long list, upto;    /* Revoked: the list's version and the serials it revokes */
} judged;

static int judge_trust(const char *dir, json_t *r, int verified, judged *j, ar_err *e)
{
	const char *key = state_field_text(r, "activationKey");
	ar_activation a = { 0 };

	memset(j, 0, sizeof *j);
	if (!verified) {
		if (ar_activation_decode(key, strlen(key), trust_lookup, (void *)dir, &a,
					 AR_ACTIVATION_FILE, &j->why) == AR_OK)
			ar_fail(&j->why, AR_EINPUT, NULL, "the key changed meanwhile");
		ar_activation_free(&a);
		/* damaged state (a trust store or revocation list changed by hand) is exit 5 */
		if (j->why.status == AR_EENV)
			*e = j->why;
		return j->why.status == AR_EENV ? AR_EENV : AR_OK;
	}
	return revoked_activation(dir, state_field_text(r, "registration"),
				  state_field_text(r, "cloudId"), state_field_int(r, "serial"),
				  &j->list, &j->upto, e);
}

static int judged_status(json_t *r, int verified, const judged *j, ar_err *e)
{
	if (!r)
		return AR_OK;
	if (!verified)
		return ar_fail(e, AR_EINPUT, AR_ACTIVATION_FILE, "untrusted: the key it holds does "
			       "not verify here: %s", j->why.msg);
	if (j->list)
		return ar_fail(e, AR_EREVOKED, AR_ACTIVATION_FILE, "revoked: registration %s's "
			       "keys up to serial %lld are revoked (revocation list version %lld); "
			       "this is serial %lld", ar_text_shown(state_field_text(r,
			       "registration")), j->upto, j->list, state_field_int(r, "serial"));
	return AR_OK;
}

/* --warn-days N: what monitoring acts on. Valid beyond N days is 0; valid, expiring within
 * N days (expiresAt - now <= N days, to the second) is 6; anything not valid here is 4 with
 * its line (without --warn-days status is 0 for these, as it always was): nothing registered,
 * or expired. A key that does not verify (Untrusted) or is revoked ended status before. */
static int warn_status(const keyimport_opts *o, json_t *r, long long now, ar_err *e)
{
	char when[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];
	long long exp;

	if (!r)
		return ar_fail(e, AR_EINPUT, NULL, "--warn-days: not registered: no activation "
			       "here (import an activation key: key-import import FILE)");
	exp = state_field_int(r, "expiresAt");
	if (exp <= now)
		return ar_fail(e, AR_EINPUT, NULL, "--warn-days: the activation expired %s (%s "
			       "ago); issue a new key on the workstation (registrar activation-key "
			       "--name %s)", ar_format_time(exp, when), ar_format_span(now - exp, span),
			       ar_text_shown(state_field_text(r, "registration")));
	return exp - now <= (long long)o->warn_days * 86400 ? AR_EXPIRING : AR_OK;
}

int cmd_status_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	json_t *r = NULL, *verdict = NULL, *held = NULL;
	const char *status;
	long long now = o->now;
	int rc, verified = 1, warn = AR_OK;
	metrics_status m;
	judged j;
	ar_err me;

	memset(&j, 0, sizeof j);
	rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = state_read_resource(dir, &r, e);
	/* what it shows of the policy and hosts is the verified key's (check_verify_shown) */
	if (rc == AR_OK && r)
		rc = check_verify_shown(dir, r, &verified, e);
	if (rc == AR_OK && r)
		rc = judge_trust(dir, r, verified, &j, e);
	if (rc == AR_OK)
		rc = lastcheck_read(dir, &verdict, e);
	if (rc == AR_OK)
		rc = status_time(dir, o->now, &now, e);
	if (rc == AR_OK && o->json)
		rc = revoked_summary(dir, &held, e);
	if (rc == AR_OK)
		warn = judged_status(r, verified, &j, e);
	if (rc == AR_OK && warn == AR_OK && o->warn_days)
		warn = warn_status(o, r, now, e);
	if (rc == AR_OK) {
		status = !r ? "Not registered" : !verified ? "Untrusted" : j.list ? "Revoked"
			: state_field_int(r, "expiresAt") <= now ? "Expired" : "Registered";
		/* --metrics -: stdout holds the metrics alone (main refuses --json with it) */
		if (o->json)
			print_json(r, verdict, status, now, o->warn_days, warn == AR_EXPIRING,
				   (long long)json_integer_value(json_object_get(held, "version")));
		else if (!ar_is_stdio(o->metrics))
			print_text(r, verdict, verified, status, now, o->warn_days,
				   warn == AR_EXPIRING);
		m = (metrics_status){ r, verdict, verified, strcmp(status, "Registered") == 0,
				      j.list != 0, now };
		/* the metrics are written whatever the status: monitoring reads them */
		if (o->metrics && (rc = metrics_write(o->metrics, &m, &me)) != AR_OK)
			*e = me;
	}
	json_decref(held);
	json_decref(verdict);
	json_decref(r);
	return rc == AR_OK ? warn : rc;
}
