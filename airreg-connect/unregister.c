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

/* Nothing held (a receipt to send again): the registrar is there and takes receipts. */
static int reachable(http_client *c, ar_err *e)
{
	static const long ok[] = { 200, 0 };
	json_t *op;
	size_t i;
	http_answer a;
	int rc = http_call(c, "GET", "/providers/Microsoft.AzureStack/operations", 1,
			   "GET operations", NULL, ok, &a, e), found = 0;

	json_array_foreach(json_object_get(a.body, "value"), i, op) {
		const char *n = json_string_value(json_object_get(op, "name"));

		found |= n && strcmp(n, AR_CONNECT_DEACTIVATE_OP) == 0;
	}
	if (rc == AR_OK && !found)
		rc = ar_fail(e, AR_EENV, "GET operations", "the answer does not list %s: not an "
			     "airreg registrar's answer", AR_CONNECT_DEACTIVATE_OP);
	http_answer_free(&a);
	return rc;
}

/* An activation held: the registrar has issued no later key of it, whose receipt alone it
 * would take (409 ReceiptNotLatest) once this one is removed. A registration it no longer
 * serves (unregistered by name) still takes the receipt. */
static int latest_held(http_client *c, const char *name, long long serial, ar_err *e)
{
	static const long ok[] = { 200, 0 };
	char label[HTTP_LABEL_CHARS];
	http_answer a;
	json_t *last;
	int rc = http_registration(c, "GET", name, NULL, NULL, ok, &a, label, e);
	last = json_object_get(json_object_get(a.body, "properties"), "lastKeySerial");
	if (rc != AR_OK && strcmp(e->code, "RegistrationNotFound") == 0)
		rc = AR_OK;
	else if (rc == AR_OK && json_is_integer(last) && json_integer_value(last) > serial)
		rc = ar_fail(e, AR_EINPUT, label, "the registrar issued serial %lld of %s after the "
			     "one held here (%lld): it would refuse this one's receipt "
			     "(ReceiptNotLatest); nothing removed: airreg-connect register --renew "
			     "imports the latest key, then unregister",
			     (long long)json_integer_value(last), name, serial);
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
	char label[HTTP_LABEL_CHARS], hex[65];
	json_t *req = json_pack("{s:s}", "receipt", receipt), *p;
	http_answer a;
	int rc;

	if (!req)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	ar_sha256_hex((const uint8_t *)receipt, strlen(receipt), hex);
	rc = http_registration(c, "POST", name, "deactivate", req, ok, &a, label, e);
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

	if (strcmp(first.code, "ReceiptNotLatest") == 0)
		return ar_fail(e, first.status, first.where[0] ? first.where : NULL, "%s (the "
			       "activation was removed and its receipt kept; a later key was issued: "
			       "airreg-connect register --renew imports it, then unregister)",
			       first.msg);
	return ar_fail(e, first.status, first.where[0] ? first.where : NULL, "%s (the activation "
		       "was removed and its receipt kept: airreg-connect unregister sends it again)",
		       first.msg);
}

int connect_unregister(const connect_opts *o, ar_err *e)
{
	http_client c;
	char *receipt = NULL, name[AR_MAX_HOST_NAME_CHARS + 1] = "";
	long long serial = 0;
	int rc, held = 0;

	rc = http_open(&c, o, e);
	if (rc == AR_OK)
		rc = ar_stamp_require(ar_stamp_dir(o->state_dir), 0, e);
	if (rc == AR_OK)
		rc = stamp_held(o, &held, name, &serial, e);
	if (rc == AR_OK)
		rc = held ? latest_held(&c, name, serial, e) : reachable(&c, e);
	if (rc == AR_OK)
		rc = stamp_remove(o, &receipt, name, &serial, e);
	if (rc == AR_OK && deactivate(&c, name, receipt, serial, e) != AR_OK)
		rc = removed_but(e);
	free(receipt);
	http_close(&c);
	return rc;
}
