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

static int deactivate(http_client *c, const char *name, const char *receipt, ar_err *e)
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
	rc = http_call(c, "POST", path, 0, label, req, ok, &a, e);
	p = a.body;
	if (rc == AR_OK && (!json_is_string(json_object_get(p, "status")) ||
			    !json_is_integer(json_object_get(p, "serial"))))
		rc = ar_fail(e, AR_EENV, label, "the answer has no status and serial: not a "
			     "registrar's answer");
	if (rc == AR_OK) {
		ar_sha256_hex((const uint8_t *)receipt, strlen(receipt), hex);
		printf(PROGRAM ": %s: %ld %s: %s (serial %lld, receipt SHA-256 %s)\n", label,
		       a.status, http_reason(a.status),
		       ar_text_shown(json_string_value(json_object_get(p, "status"))),
		       (long long)json_integer_value(json_object_get(p, "serial")), hex);
	}
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
	int rc;

	rc = http_open(&c, o, e);
	if (rc == AR_OK)
		rc = ar_stamp_require(ar_stamp_dir(o->state_dir), 0, e);
	if (rc == AR_OK)
		rc = reachable(&c, e);
	if (rc == AR_OK)
		rc = stamp_remove(o, &receipt, name, e);
	if (rc == AR_OK && deactivate(&c, name, receipt, e) != AR_OK)
		rc = removed_but(e);
	free(receipt);
	http_close(&c);
	return rc;
}
