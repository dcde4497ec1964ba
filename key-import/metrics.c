/* SPDX-License-Identifier: Apache-2.0 */
/* The metrics of `key-import status --metrics`. A textfile collector reads the file whenever
 * it is scraped, so it is replaced whole (ar_write_output: a temp file in its directory, then
 * rename), never written in place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ar_limits.h"
#include "fileio.h"
#include "metrics.h"
#include "state.h"
#include "when.h"

/* A label value by the format's rule: backslash, double quote and line feed escaped. The
 * names are checked text and hold none of the last two; escaped all the same. */
static void put_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void gauge(FILE *f, const char *name, const char *help, const metrics_status *s,
		  long long value)
{
	json_t *r = s->resource;

	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s", name, help, name, name);
	if (r) {
		fputs("{registration=\"", f);
		put_label_value(f, state_field_text(r, "registration"));
		fputs("\",cloud_id=\"", f);
		put_label_value(f, state_field_text(r, "cloudId"));
		fputs("\"}", f);
	}
	fprintf(f, " %lld\n", value);
}

/* last-check.json's checkedAt (ISO 8601 UTC, as lastcheck_write wrote it) in seconds. */
static long long checked_at(json_t *verdict)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (sscanf(state_field_text(verdict, "checkedAt"), "%4d-%2d-%2dT%2d:%2d:%2dZ",
		   &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

int metrics_write(const char *path, const metrics_status *s, ar_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	long long exp;
	int rc;

	if (!f)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	gauge(f, "airreg_activation_registered", "1 when status is Registered (an activation "
	      "imported, verified here, not revoked, not expired), else 0.", s, s->registered);
	if (s->resource) {
		exp = state_field_int(s->resource, "expiresAt");
		gauge(f, "airreg_activation_verified", "1 when the activation's key verifies "
		      "against the trusted issuer keys, else 0.", s, s->verified);
		gauge(f, "airreg_activation_revoked", "1 when the revocation list held revokes the "
		      "activation (status Revoked), else 0.", s, s->revoked);
		gauge(f, "airreg_activation_expiry_timestamp_seconds", "When the activation "
		      "expires, in seconds since 1970.", s, exp);
		gauge(f, "airreg_activation_days_left", "Whole days until the activation expires "
		      "(status --json's daysLeft; negative once expired).", s,
		      ar_span_days(exp - s->now));
		gauge(f, "airreg_activation_serial", "The serial of the activation key imported.",
		      s, state_field_int(s->resource, "serial"));
	}
	if (s->verdict) {
		gauge(f, "airreg_hardware_check_compliant", "1 when the last hardware check found "
		      "the stamp in compliance, else 0.", s,
		      json_is_true(json_object_get(s->verdict, "compliant")));
		gauge(f, "airreg_hardware_check_timestamp_seconds", "When the last hardware check "
		      "ran, in seconds since 1970.", s, checked_at(s->verdict));
	}
	if (fclose(f) != 0) {
		free(buf);
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	rc = ar_write_output(path, buf, len, 0, e);
	free(buf);
	return rc;
}
