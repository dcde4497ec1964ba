/* SPDX-License-Identifier: Apache-2.0 */
/* What libairreg answers for one stamp, as JSON (tests/lib/compare.py holds it against
 * `key-import status --json`). Built with nothing but `pkg-config --cflags --libs airreg`
 * against the installed library: it is a product's program, so it knows only airreg.h. */
#include <airreg.h>
#include <stdio.h>
#include <string.h>

static void text(const char *name, const char *s, const char *sep)
{
	printf("\"%s\": ", name);
	if (!s) {
		printf("null%s", sep);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	printf("\"%s", sep);
}

/* -1 (or 0 for a version) is "none" where the API says so: null, as key-import's JSON */
static void number(const char *name, long long v, long long none)
{
	if (v == none)
		printf("\"%s\": null, ", name);
	else
		printf("\"%s\": %lld, ", name, v);
}

static void tenants(const airreg_status *st)
{
	long long i, n = airreg_tenant_count(st);

	if (n < 0) {
		printf("\"tenants\": null, ");
		return;
	}
	printf("\"tenants\": [");
	for (i = 0; i < n; i++) {
		putchar('{');
		text("subscriptionId", airreg_tenant_subscription(st, i), ", ");
		text("tenantId", airreg_tenant_id(st, i), "}");
		printf("%s", i + 1 < n ? ", " : "");
	}
	printf("], ");
}

static void last_check(const airreg_status *st)
{
	int hw = airreg_hardware(st);

	if (hw < 0 || hw == AIRREG_HW_NOT_CHECKED) {
		printf("\"lastCheck\": null}");
		return;
	}
	printf("\"lastCheck\": {\"compliant\": %s, ", hw == AIRREG_HW_COMPLIANT ? "true" : "false");
	text("reason", airreg_hardware_reason(st), ", ");
	text("checkedAt", airreg_hardware_checked_at(st), ", ");
	printf("\"currentActivation\": %s}}", airreg_hardware_current(st) == 1 ? "true" : "false");
}

static void answer(const char *dir, int warn_days)
{
	airreg_stamp *stamp = NULL;
	airreg_status *st = NULL;
	int code = airreg_open(dir, &stamp);

	if (code == AIRREG_OK)
		code = airreg_check(stamp, warn_days, &st);
	printf("{\"code\": %d, ", code);
	text("message", code ? (st ? airreg_status_errmsg(st) : airreg_stamp_errmsg(stamp)) : NULL,
	     ", ");
	number("state", airreg_state(st), -1);
	text("status", airreg_state_name(st), ", ");
	text("reason", airreg_reason(st), ", ");
	number("judgedAt", airreg_judged_at(st), -1);
	number("clockBehind", airreg_clock_behind(st), -1);
	/* 0: no list held; -1: the handle holds an error */
	number("revocationListVersion", airreg_revocation_list_version(st) <= 0 ? 0
	       : airreg_revocation_list_version(st), 0);
	text("registration", airreg_registration(st), ", ");
	text("cloudId", airreg_cloud_id(st), ", ");
	text("billingModel", airreg_billing_model(st), ", ");
	text("issuerKid", airreg_issuer_kid(st), ", ");
	number("serial", airreg_serial(st), -1);
	number("expiresAt", airreg_expires_at(st), -1);
	/* daysLeft is 0 without an activation, and any number with one (negative: expired) */
	if (airreg_serial(st) < 0)
		printf("\"daysLeft\": null, ");
	else
		printf("\"daysLeft\": %lld, ", airreg_days_left(st));
	number("licensedHosts", airreg_licensed_hosts(st), -1);
	number("licensedCores", airreg_licensed_cores(st), -1);
	tenants(st);
	last_check(st);
	airreg_status_free(st);
	airreg_close(stamp);
}

int main(int argc, char **argv)
{
	char dir[4096];

	if (argc != 2 || snprintf(dir, sizeof dir, "%s/stamp", argv[1]) >= (int)sizeof dir) {
		fprintf(stderr, "usage: answer CASE_DIR\n");
		return 2;
	}
	printf("{\"version\": \"%s\", \"plain\": ", airreg_version());
	answer(dir, 0);
	printf(", \"warn\": ");
	answer(dir, 30);
	printf("}\n");
	return 0;
}
