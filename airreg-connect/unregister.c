/* SPDX-License-Identifier: Apache-2.0 */
/* `airreg-connect unregister`: the activation removed as key-import remove removes it, and
 * its signed receipt sent to the registrar's deactivate action. The registrar is asked first
 * (reachable, TLS, secret), so that a stamp is not removed for a registrar it cannot tell;
 * a receipt that did not arrive is kept and sent again by the next run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "http.h"
#include "stamp.h"
#include "text.h"

static int reachable(http_client *c, ar_err *e)
{
	static const long ok[] = { 200, 0 };
	http_answer a;
	int rc = http_call(c, "GET", "/providers/Microsoft.AzureStack/operations", 1,
			   "GET operations", NULL, ok, &a, e);

	http_answer_free(&a);
	return rc;
}

/* The answer is the deactivation of this receipt: its status, its serial, its SHA-256. */
static int check_deactivated(json_t *p, long long serial, const char *sha256_hex,
			     const char *label, ar_err *e)
{
	const char *status = json_string_value(json_object_get(p, "status"));
	const char *sha = json_string_value(json_object_get(p, "receiptSha256"));
	json_t *n = json_object_get(p, "serial");

	if (!status || !json_is_integer(n) || !sha)
		return ar_fail(e, AR_EENV, label, "the answer has no status, serial and "
			       "receiptSha256: not a registrar's answer");
	if (strcmp(status, "Deactivated") != 0 || json_integer_value(n) != serial ||
	    strcmp(sha, sha256_hex) != 0)
		return ar_fail(e, AR_EENV, label, "the answer is not the deactivation of this "
			       "receipt (serial %lld, SHA-256 %s): not a registrar's answer", serial,
			       sha256_hex);
	return AR_OK;
}

static int deactivate(http_client *c, const char *name, const char *receipt, long long serial,
		      ar_err *e)
{
	static const long ok[] = { 200, 0 };
	char path[128], label[128], hex[65];
	json_t *req = json_pack("{s:s}", "receipt", receipt), *p;
	http_answer a;
	int rc;

	if (!req)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	snprintf(path, sizeof path, "/%s/deactivate", name);
	snprintf(label, sizeof label, "POST %s/deactivate", name);
	ar_sha256_hex((const uint8_t *)receipt, strlen(receipt), hex);
	rc = http_call(c, "POST", path, 0, label, req, ok, &a, e);
	p = a.body;
	if (rc == AR_OK)
		rc = check_deactivated(p, serial, hex, label, e);
	if (rc == AR_OK)
		printf(PROGRAM ": %s: %ld %s: Deactivated (serial %lld, receipt SHA-256 %s)\n",
		       label, a.status, http_reason(a.status), serial, hex);
	http_answer_free(&a);
	json_decref(req);
	return rc;
}

/* The removal is done and its receipt kept: the line says so and how to finish. */
static int removed_but(ar_err *e)
{
	ar_err first = *e;

	return ar_fail(e, first.status, first.where[0] ? first.where : NULL, "%s (the activation "
		       "was removed and its receipt kept: airreg-connect unregister sends it again)",
		       first.msg);
}

int connect_unregister(const connect_opts *o, ar_err *e)
{
	http_client c;
	char *receipt = NULL, name[AR_MAX_HOST_NAME_CHARS + 1] = "";
	long long serial = 0;
	int rc;

	rc = http_open(&c, o, e);
	if (rc == AR_OK)
		rc = ar_stamp_require(ar_stamp_dir(o->state_dir), 0, e);
	if (rc == AR_OK)
		rc = reachable(&c, e);
	if (rc == AR_OK)
		rc = stamp_remove(o, &receipt, name, &serial, e);
	if (rc == AR_OK && deactivate(&c, name, receipt, serial, e) != AR_OK)
		rc = removed_but(e);
	free(receipt);
	http_close(&c);
	return rc;
}
