/* SPDX-License-Identifier: Apache-2.0 */
/* The registrations resource: list, get, PUT (register or renew), DELETE
 * (unregister), POST getactivationkey. */
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
#include "json.h"
#include "registry.h"
#include "token.h"

/* A stable ARM object id: a UUID (RFC 9562 version 8) from the name and the CloudId. */
static void object_id(const char *name, const char *cloud_id, char out[37])
{
	uint8_t h[32];
	char text[160];

	snprintf(text, sizeof text, "airreg registration\n%s\n%s", name, cloud_id ? cloud_id : "");
	ar_sha256((const uint8_t *)text, strlen(text), h);
	ar_uuid_from_bytes(h, 8, out);
}

/* The time as systemData gives it (ISO 8601), or absent. */
static void system_time(json_t *data, const char *member, json_t *seconds)
{
	char text[AR_TIME_CHARS + 1];

	if (json_is_integer(seconds))
		json_object_set_new(data, member, json_string(ar_format_time(
						  (long long)json_integer_value(seconds), text)));
}

/* The CLI's JSON of a registration, as an ARM resource of the request's api-version; its
 * etag also into etag. Steals row. */
static json_t *registration_resource(const route *rt, json_t *row, char etag[AR_API_ETAG_HEX + 3])
{
	const char *name = json_string_value(json_object_get(row, "name"));
	char id[700], oid[37];
	json_t *r, *data;

	api_etag_of(row, etag);
	snprintf(id, sizeof id, "%s/%s", rt->base, name ? name : "");
	object_id(name ? name : "", json_string_value(json_object_get(row, "cloudId")), oid);
	r = json_pack("{s:s, s:s?, s:s, s:s, s:s}", "id", id, "name", name, "type",
		      REGISTRATION_TYPE, "location", "global", "etag", etag);
	/* 2020-06-01-preview's resources say when they were made and changed */
	if (rt->api_version && strcmp(rt->api_version, AR_API_VERSION_PREVIEW) == 0) {
		data = json_object();
		system_time(data, "createdAt", json_object_get(row, "registeredAt"));
		system_time(data, "lastModifiedAt", json_object_get(row, "updatedAt"));
		json_object_set_new(r, "systemData", data);
	}
	json_object_del(row, "name");
	json_object_set_new(row, "objectId", json_string(oid));
	json_object_set_new(r, "properties", row);
	return r;
}

static void reply_registration(store *db, const route *rt, unsigned status, api_response *rs)
{
	ar_err e;
	json_t *row = api_live_registration(db, rt->name, &e);

	if (!row)
		api_refuse(rs, &e, "BadRequest");
	else
		api_reply(rs, status, registration_resource(rt, row, rs->etag));
}

void api_get_registration(store *db, const route *rt, const api_request *rq,
			  api_response *rs)
{
	char etag[AR_API_ETAG_HEX + 3];
	int not_modified = 0;
	ar_err e;

	if (rq->if_match || rq->if_none_match) {
		if (api_registration_etag(db, rt->name, etag, &e) != AR_OK) {
			api_refuse(rs, &e, "BadRequest");
			return;
		}
		/* RFC 9110 13.2.1: preconditions are ignored where the answer without them
		 * would not be 2xx (here 404, below) */
		if (etag[0] && api_preconditions(rq, etag, &not_modified, &e) != AR_OK) {
			api_refuse(rs, &e, "BadRequest");
			return;
		}
		if (not_modified) {
			snprintf(rs->etag, sizeof rs->etag, "%s", etag);
			api_reply(rs, 304, NULL);
			return;
		}
	}
	reply_registration(db, rt, 200, rs);
}

void api_list_registrations(store *db, const route *rt, api_response *rs)
{
	json_t *rows, *row, *value = json_array();
	char etag[AR_API_ETAG_HEX + 3];
	size_t i;
	ar_err e;

	if (!(rows = registrar_registrations_json(db, &e))) {
		json_decref(value);
		api_refuse(rs, &e, "BadRequest");
		return;
	}
	json_array_foreach(rows, i, row) {
		const char *status = json_string_value(json_object_get(row, "status"));

		if (status && strcmp(status, "Registered") == 0)  /* as GET: the live ones */
			json_array_append_new(value, registration_resource(rt, json_incref(row),
									   etag));
	}
	json_decref(rows);
	api_reply(rs, 200, json_pack("{s:o}", "value", value));
}

/* A copy of the body's registration token (its own to free), or NULL with the refusal. */
static uint8_t *token_of(json_t *doc, api_response *rs)
{
	const char *location = json_string_value(json_object_get(doc, "location"));
	const char *token = api_property(doc, "registrationToken", rs);
	uint8_t *text;

	if (!token)
		return NULL;
	if (location && strcmp(location, "global") != 0) {
		api_error(rs, 400, "LocationNotAvailableForResourceType",
			  "registrations live in location \"global\"");
		return NULL;
	}
	text = (uint8_t *)strdup(token);
	if (!text)
		api_error(rs, 500, "InternalServerError", "out of memory");
	return text;
}

/* Inside the write's transaction, so that what the preconditions saw is what is changed. */
static int put_checked(store *db, const route *rt, const api_request *rq, const ar_token *t,
		       const char *text, const char *where, enum registration_outcome *outcome,
		       ar_err *e)
{
	char etag[AR_API_ETAG_HEX + 3];
	int not_modified;

	if (api_registration_etag(db, rt->name, etag, e) != AR_OK)
		return e->status;
	/* PATCH changes a live registration; PUT may make one. A 404 first: its
	 * preconditions are ignored (RFC 9110 13.2.1) */
	if (strcmp(rq->method, "PATCH") == 0 && !etag[0])
		return (ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s (PATCH changes a "
				"live registration; PUT makes one)", rt->name),
			ar_err_code(e, "RegistrationNotFound"));
	if (api_preconditions(rq, etag, &not_modified, e) != AR_OK)
		return e->status;
	/* the token's age is checked inside, after the lookup (its own token again is 200);
	 * no carry: an ARM PUT has no side effect on other resources */
	return registrar_register_token(db, rt->name, t, text, (long long)time(NULL), where,
					outcome, NULL, e);
}

void api_put_registration(store *db, const route *rt, const api_request *rq,
			  api_response *rs)
{
	static const char *const allowed[] = { "location", "properties", "tags", NULL };
	const char *where = "properties.registrationToken";
	json_t *doc = api_body_carrying(rq, allowed, "registrationToken", rs);
	ar_token t = { 0 };
	uint8_t *text = NULL;
	size_t len;
	enum registration_outcome outcome = REGISTERED_NEW;
	int rc;
	ar_err e;

	if (!doc)
		return;
	text = token_of(doc, rs);
	json_decref(doc);
	if (!text)
		return;
	len = strlen((const char *)text);
	/* before the compaction (a PEM), and after it (the typ of joined QR parts) */
	rc = api_carried_kind(text, len, AR_KIND_TOKEN, where, &e);
	if (rc != AR_OK && ar_kind_of(text, len) == AR_KIND_PRIVATE_KEY)
		sodium_memzero(text, len);
	if (rc == AR_OK)
		rc = ar_compact_text(text, &len, where, &e);
	if (rc == AR_OK)
		rc = api_carried_kind(text, len, AR_KIND_TOKEN, where, &e);
	if (rc == AR_OK)
		rc = ar_token_decode((char *)text, len, &t, where, &e);
	if (rc == AR_OK)
		ar_sha256_hex(text, len, t.sha256_hex);
	if (rc == AR_OK)
		rc = IN_TRANSACTION(db, &e, put_checked(db, rt, rq, &t, (char *)text, where,
							&outcome, &e));
	ar_token_free(&t);
	free(text);
	/* PUT is idempotent: the same token again is the resource as it is (200) */
	if (rc == AR_OK)
		reply_registration(db, rt, outcome == REGISTERED_NEW &&
				   strcmp(rq->method, "PUT") == 0 ? 201 : 200, rs);
	else
		api_refuse(rs, &e, "InvalidRegistrationToken");
}

static int delete_checked(store *db, const route *rt, const api_request *rq, ar_err *e)
{
	char cloud_id[40];

	if (api_write_preconditions(db, rt->name, rq, e) != AR_OK)
		return e->status;
	return registrar_unregister(db, rt->name, (long long)time(NULL), cloud_id, e);
}

/* As published: 200 when a registration was unregistered, 204 when there was none live;
 * no body either way (a GET is 404 after). */
void api_delete_registration(store *db, const route *rt, const api_request *rq,
			     api_response *rs)
{
	ar_err e;
	int rc = IN_TRANSACTION(db, &e, delete_checked(db, rt, rq, &e));

	if (rc == AR_OK)
		api_reply(rs, 200, NULL);
	else if (strcmp(e.code, "RegistrationNotFound") == 0)
		api_reply(rs, 204, NULL);
	else
		api_refuse(rs, &e, "BadRequest");
}

/* The policy as ARM takes an action's parameters: a member of the POST body,
 * {"hostMatch": "all"|"most"|"any"|N}; no body, or {}, is "most". */
static int body_host_match(json_t *doc, char *text, size_t cap, api_response *rs)
{
	json_t *v = json_object_get(doc, "hostMatch");

	if (!v)
		return 0;
	/* a count is a JSON number, as the key signs it: "2" is neither a word nor a count */
	if (json_is_string(v) && !(json_string_value(v)[0] >= '0' && json_string_value(v)[0] <= '9'))
		snprintf(text, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(text, cap, "%lld", (long long)json_integer_value(v));
	else {
		api_error(rs, 400, "InvalidHostMatch", "\"hostMatch\" must be all, most, any or "
			  "a count of hosts (a JSON number)");
		return -1;
	}
	return 1;
}

/* An action on the registration: If-Match / If-None-Match are the registration's (a key is
 * issued only from the registration the client saw), inside the transaction that issues. */
static int key_checked(store *db, const route *rt, const ar_signer *issuer,
		       const api_request *rq, const char *match, char **compact,
		       long long *serial, ar_err *e)
{
	if (api_write_preconditions(db, rt->name, rq, e) != AR_OK)
		return e->status;
	return registrar_issue_key_match(db, rt->name, NULL, issuer, (long long)time(NULL),
					 AR_KEY_VALID_DAYS_DEFAULT, match, "hostMatch", compact,
					 serial, e);
}

void api_activation_key(store *db, const route *rt, const ar_signer *issuer,
			   const api_request *rq, api_response *rs)
{
	static const char *const allowed[] = { "hostMatch", NULL };
	long long serial = 0;
	char *compact = NULL, match[32];
	json_t *doc;
	ar_err e;
	int rc, given = 0;

	if (rq->body_len > 0) {  /* "{}" is what clients send when they say nothing */
		if (!(doc = api_body_object(rq, allowed, rs)))
			return;
		given = body_host_match(doc, match, sizeof match, rs);
		json_decref(doc);
		if (given < 0)
			return;
	}
	rc = IN_TRANSACTION(db, &e, key_checked(db, rt, issuer, rq, given ? match : NULL,
						&compact, &serial, &e));
	if (rc == AR_OK)
		api_reply(rs, 200, json_pack("{s:s}", "activationKey", compact));
	else
		api_refuse(rs, &e, "BadRequest");
	free(compact);
}
