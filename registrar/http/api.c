/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar serve`'s resources, in the shape of the reference's ARM API:
 * /subscriptions/S/resourceGroups/G/providers/Microsoft.AzureStack/registrations[/NAME
 * [/getactivationkey | /customerSubscriptions[/ID]]], on the CLI's database and rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "filekind.h"
#include "host.h"
#include "json.h"
#include "text.h"

void api_error(api_response *rs, unsigned status, const char *code, const char *message)
{
	char clean[4 * 1100];
	json_t *doc;

	/* Messages may quote the request (jansson's "near '...'", a token's typ): shown as
	 * the error lines of the programs show them, valid UTF-8 and no control. */
	ar_text_escape(clean, sizeof clean, message, 0);
	doc = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", clean);

	free(rs->body);
	rs->status = status;
	rs->body = doc ? ar_json_dump_compact(doc) : NULL;
	json_decref(doc);
}

/* An error of the registrar's rules, as ARM names and numbers it. */
void api_refuse(api_response *rs, const ar_err *e, const char *input_code)
{
	static const struct {
		const char *code;
		unsigned status;
	} known[] = {
		{ "RegistrationNotFound", 404 }, { "CustomerSubscriptionNotFound", 404 },
		{ "RegistrationNameConflict", 409 }, { "CloudIdAlreadyRegistered", 409 },
		{ "StampKeyMismatch", 409 }, { "TokenRolledBack", 409 },
		{ "ActivationKeyLimitExceeded", 409 },
		{ "CustomerSubscriptionLimitExceeded", 409 }, { "InvalidHostMatch", 400 },
		{ "PreconditionFailed", 412 }, { "InvalidPreconditionHeader", 400 },
		{ "InvalidRequestContent", 400 }, { "ReceiptWrongStamp", 400 },
		{ "ReceiptWrongKey", 400 }, { "ReceiptNotLatest", 409 }, { "ReceiptReplayed", 409 },
	};
	char message[sizeof e->where + sizeof e->msg + 2], shown[4 * sizeof message];
	size_t i;

	snprintf(message, sizeof message, "%s%s%s", e->where, e->where[0] ? ": " : "", e->msg);
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(e->code, known[i].code) == 0) {
			api_error(rs, known[i].status, known[i].code, message);
			return;
		}
	if (e->status == AR_EINPUT || e->status == AR_EUSAGE) {
		api_error(rs, 400, input_code, message);
		return;
	}
	/* The place's own failure (the database's file or URL, its server's words) is the
	 * operator's to read, in serve's log; the client is told only to try again. */
	ar_text_escape(shown, sizeof shown, message, 0);
	fprintf(stderr, PROGRAM ": serve: %s\n", shown);
	if (e->status == AR_EENV)
		api_error(rs, 503, "ServiceUnavailable", "the registrar cannot answer now: try "
			  "again (its log says why)");
	else
		api_error(rs, 500, "InternalServerError", "the registrar failed (its log says why)");
}

void api_reply(api_response *rs, unsigned status, json_t *doc)
{
	free(rs->body);
	rs->body = doc ? ar_json_dump_compact(doc) : NULL;
	rs->status = status;
	json_decref(doc);
	if (doc && !rs->body)
		api_error(rs, 500, "InternalServerError", "out of memory");
}

/* --- bodies */

/* The body as a JSON object holding no member but the allowed ones. */
json_t *api_body_object(const api_request *rq, const char *const *allowed, api_response *rs)
{
	return api_body_carrying(rq, allowed, NULL, rs);
}

json_t *api_body_carrying(const api_request *rq, const char *const *allowed,
			  const char *carried, api_response *rs)
{
	json_error_t err;
	json_t *doc, *props, *file = NULL;
	ar_err e;
	int rc;

	if (rq->body_len == 0) {
		api_error(rs, 400, "InvalidRequestContent", "the request needs a JSON body");
		return NULL;
	}
	doc = json_loadb((const char *)rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!doc || !json_is_object(doc)) {
		char message[256];

		snprintf(message, sizeof message, "the body is not a JSON object%s%s",
			 doc ? "" : ": ", doc ? "" : err.text);
		api_error(rs, 400, "InvalidRequestContent", message);
		json_decref(doc);
		return NULL;
	}
	/* the carried file's string is set aside while the rest is checked ("." first: a
	 * member of the body itself, not of its properties) */
	props = carried && carried[0] == '.' ? doc : json_object_get(doc, "properties");
	if (carried && carried[0] == '.')
		carried++;
	if (carried && json_is_object(props) && json_is_string(json_object_get(props, carried))) {
		file = json_incref(json_object_get(props, carried));
		json_object_set_new(props, carried, json_string(""));
	}
	rc = ar_json_only_keys(doc, allowed, "the body", "request", &e);
	if (rc == AR_OK)
		rc = ar_json_text_check(doc, "the body's", AR_EINPUT, NULL, &e);
	if (file)
		json_object_set_new(props, carried, file);
	if (rc != AR_OK) {
		api_error(rs, 400, "InvalidRequestContent", e.msg);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int api_carried_kind(const uint8_t *text, size_t len, ar_kind want, const char *where,
		     ar_err *e)
{
	if (ar_expect_kind(text, len, want, NULL, e) == AR_OK)
		return AR_OK;
	snprintf(e->where, sizeof e->where, "%s", where);
	return e->status;
}

/* body.properties.NAME as a string, or NULL with the refusal. */
const char *api_property(json_t *doc, const char *name, api_response *rs)
{
	json_t *props = json_object_get(doc, "properties");
	const char *v = json_string_value(json_object_get(props, name));
	char message[128];

	if (!json_is_object(props) || !v) {
		snprintf(message, sizeof message, "the body needs \"properties\": {\"%s\": \"...\"}",
			 name);
		api_error(rs, 400, "InvalidRequestContent", message);
	}
	return v;
}

/* registrations, by resource group or by subscription, and one of them */
static void registration_routes(store *db, const route *rt, const api_request *rq,
				api_response *rs)
{
	const char *m = rq->method;

	if (rt->kind != ROUTE_REGISTRATION) {
		if (strcmp(m, "GET") == 0)
			api_list_registrations(db, rt, rs);
		else
			rs->allow = "GET";
	} else if (strcmp(m, "GET") == 0) {
		api_get_registration(db, rt, rq, rs);
	} else if (strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0) {
		api_put_registration(db, rt, rq, rs);
	} else if (strcmp(m, "DELETE") == 0) {
		api_delete_registration(db, rt, rq, rs);
	} else {
		rs->allow = "GET, PUT, PATCH, DELETE";
	}
}

void api_handle(store *db, const ar_signer *issuer, const api_request *rq, api_response *rs)
{
	char path[2048], message[160];
	route rt;

	memset(rs, 0, sizeof *rs);
	if (strlen(rq->path) >= sizeof path) {
		api_error(rs, 404, "NotFound", "no such resource (the path is too long)");
		return;
	}
	memcpy(path, rq->path, strlen(rq->path) + 1);
	if (api_parse_route(path, &rt, rs) != 0)
		return;
	/* whatever the version: enableRemoteManagement is published without one */
	if (rt.kind == ROUTE_OFFLINE) {
		api_offline(&rt, rs);
		return;
	}
	if (!rq->api_version) {
		api_error(rs, 400, "MissingApiVersionParameter", "every request needs "
			  "?api-version=V; the supported versions are " AR_API_VERSION_LIST);
		return;
	}
	if (!api_version_known(rq->api_version)) {
		snprintf(message, sizeof message, "api-version %.40s is not one this server "
			 "supports: " AR_API_VERSION_LIST, rq->api_version);
		api_error(rs, 400, "InvalidApiVersionParameter", message);
		return;
	}
	rt.api_version = api_version_known(rq->api_version);
	switch (rt.kind) {
	case ROUTE_SUBSCRIPTIONS:
	case ROUTE_SUBSCRIPTION:
		api_subscriptions(db, &rt, rq, rs);
		break;
	case ROUTE_ACTIVATION_KEY:
		if (strcmp(rq->method, "POST") == 0)
			api_activation_key(db, &rt, issuer, rq, rs);
		else
			rs->allow = "POST";
		break;
	case ROUTE_DEACTIVATE:
		if (strcmp(rq->method, "POST") == 0)
			api_deactivate(db, &rt, rq, rs);
		else
			rs->allow = "POST";
		break;
	case ROUTE_OPERATIONS:
		api_operations(&rt, rq, rs);
		break;
	default:
		registration_routes(db, &rt, rq, rs);
	}
	if (rs->allow && rs->status == 0)
		api_error(rs, 405, "MethodNotAllowed", "this resource does not take that method");
}
