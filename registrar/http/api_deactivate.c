/* SPDX-License-Identifier: Apache-2.0 */
/* POST .../registrations/NAME/deactivate: the stamp's removal receipt taken over the API, by
 * the rules `registrar unregister --receipt` applies (registrar/deactivate.c). Not one of
 * Microsoft's published actions: an airreg extension, named as ARM names actions. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "filekind.h"
#include "registry.h"

#define WHERE "receipt"

static int deactivate_checked(store *db, const route *rt, const api_request *rq,
			      const char *text, size_t len, registrar_deactivation *out, ar_err *e)
{
	if (api_write_preconditions(db, rt->name, rq, e) != AR_OK)
		return e->status;
	return registrar_deactivate(db, rt->name, text, len, (long long)time(NULL), WHERE, out, e);
}

/* The receipt's text as carried (QR parts one a line, a wrapped JWS), compacted; NULL with
 * the refusal in e. */
static char *receipt_text(json_t *doc, size_t *len, ar_err *e)
{
	const char *given = json_string_value(json_object_get(doc, "receipt"));
	char *text;

	if (!given) {
		ar_fail(e, AR_EINPUT, NULL, "the body needs {\"receipt\": \"...\"}: the text "
			"key-import remove -o wrote");
		ar_err_code(e, "InvalidRequestContent");
		return NULL;
	}
	text = strdup(given);
	*len = text ? strlen(text) : 0;
	if (!text)
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else if (api_carried_kind((uint8_t *)text, *len, AR_KIND_REMOVAL_RECEIPT, WHERE,
				  e) != AR_OK ||
		 ar_compact_text((uint8_t *)text, len, WHERE, e) != AR_OK ||
		 api_carried_kind((uint8_t *)text, *len, AR_KIND_REMOVAL_RECEIPT, WHERE,
				  e) != AR_OK) {
		if (ar_kind_of((uint8_t *)text, *len) == AR_KIND_PRIVATE_KEY)
			sodium_memzero(text, *len);
		free(text);
		text = NULL;
	}
	return text;
}

void api_deactivate(store *db, const route *rt, const api_request *rq, api_response *rs)
{
	static const char *const allowed[] = { "receipt", NULL };
	registrar_deactivation out;
	char when[AR_TIME_CHARS + 1], *text = NULL;
	json_t *doc = api_body_carrying(rq, allowed, "." "receipt", rs);
	size_t len = 0;
	ar_err e;
	int rc;

	if (!doc)
		return;
	memset(&out, 0, sizeof out);
	text = receipt_text(doc, &len, &e);
	json_decref(doc);
	rc = text ? IN_TRANSACTION(db, &e, deactivate_checked(db, rt, rq, text, len, &out, &e))
		  : e.status;
	free(text);
	if (rc != AR_OK) {
		api_refuse(rs, &e, "InvalidRemovalReceipt");
		return;
	}
	/* the same receipt again is the same answer: a client may retry a lost reply */
	api_reply(rs, 200, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "name", out.name,
				     "status", "Deactivated", "cloudId", out.cloud_id, "serial",
				     (json_int_t)out.serial, "removedAt",
				     ar_format_time(out.removed_at, when), "receiptId", out.jti,
				     "receiptSha256", out.receipt_sha256));
}
