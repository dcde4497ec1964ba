/* `registrar serve`'s resources, in the shape of the reference's ARM API:
 * /subscriptions/S/resourceGroups/G/providers/Microsoft.AzureStack/registrations[/NAME
 * [/getactivationkey | /customerSubscriptions[/ID]]], on the CLI's database and rules. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "fileio.h"
#include "host.h"
#include "json.h"
#include "store.h"
#include "token.h"

#define REGISTRATION_TYPE "Microsoft.AzureStack/registrations"
#define SUBSCRIPTION_TYPE "Microsoft.AzureStack/customerSubscriptions"
#define MAX_SEGMENTS 12

typedef struct {
	char base[512];      /* ".../registrations" as the resources' ids show it */
	const char *name;    /* the registration, or NULL for the collection */
	int activation_key;  /* .../NAME/getactivationkey */
	int subscriptions;   /* .../NAME/customerSubscriptions[/ID] */
	const char *sub_id;  /* ID, or NULL */
} route;

void api_error(api_response *rs, unsigned status, const char *code, const char *message)
{
	char clean[1100];
	size_t i;
	json_t *doc;

	/* Messages may quote the request (jansson's "near '...'"): keep them valid UTF-8. */
	for (i = 0; message[i] && i + 1 < sizeof clean; i++)
		clean[i] = (message[i] >= 0x20 && message[i] < 0x7f) ? message[i] : '?';
	clean[i] = '\0';
	doc = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", clean);

	free(rs->body);
	rs->status = status;
	rs->body = doc ? ar_json_dump_compact(doc) : NULL;
	json_decref(doc);
}

/* An error of the registrar's rules, as ARM names and numbers it. */
static void refuse(api_response *rs, const ar_err *e, const char *input_code)
{
	static const struct {
		const char *code;
		unsigned status;
	} known[] = {
		{ "RegistrationNotFound", 404 }, { "CustomerSubscriptionNotFound", 404 },
		{ "RegistrationNameConflict", 409 }, { "CloudIdAlreadyRegistered", 409 },
		{ "StampKeyMismatch", 409 }, { "TokenRolledBack", 409 },
		{ "TokenAlreadyRegistered", 409 },
	};
	char message[sizeof e->where + sizeof e->msg + 2];
	size_t i;

	snprintf(message, sizeof message, "%s%s%s", e->where, e->where[0] ? ": " : "", e->msg);
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(e->code, known[i].code) == 0) {
			api_error(rs, known[i].status, known[i].code, message);
			return;
		}
	if (e->status == AR_EINPUT || e->status == AR_EUSAGE)
		api_error(rs, 400, input_code, message);
	else if (e->status == AR_EENV)
		api_error(rs, 503, "ServiceUnavailable", message);
	else
		api_error(rs, 500, "InternalServerError", message);
}

static void reply(api_response *rs, unsigned status, json_t *doc)
{
	free(rs->body);
	rs->body = doc ? ar_json_dump_compact(doc) : NULL;
	rs->status = status;
	json_decref(doc);
	if (doc && !rs->body)
		api_error(rs, 500, "InternalServerError", "out of memory");
}

/* --- the path */

static int segment_is(const char *seg, const char *word)
{
	return strcasecmp(seg, word) == 0;  /* ARM's fixed segments are case-insensitive */
}

/* Resource group names: 1 to 90 of letters, digits, '.', '_', '-', '(', ')', not ending in '.'. */
static int group_name_ok(const char *g)
{
	size_t n = strlen(g), i;

	if (n == 0 || n > 90 || g[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-()", g[i]))
			return 0;
	return 1;
}

static int lowercase_guid(const char *s)
{
	char canon[37];

	return ar_uuid_normalize(s, canon) == 0 && strcmp(canon, s) == 0;
}

/* Splits and checks the path; on failure the response holds the refusal. */
static int parse_route(char *path, route *rt, api_response *rs)
{
	char *seg[MAX_SEGMENTS], *save = NULL, *p, sub[37];
	size_t n = 0;

	memset(rt, 0, sizeof *rt);
	for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == MAX_SEGMENTS)
			break;
		seg[n++] = p;
	}
	if (n < 7 || n > 10 || !segment_is(seg[0], "subscriptions") ||
	    !segment_is(seg[2], "resourceGroups") || !segment_is(seg[4], "providers") ||
	    !segment_is(seg[5], "Microsoft.AzureStack") || !segment_is(seg[6], "registrations") ||
	    (n == 9 && !segment_is(seg[8], "getactivationkey") &&
	     !segment_is(seg[8], "customerSubscriptions")) ||
	    (n == 10 && !segment_is(seg[8], "customerSubscriptions"))) {
		api_error(rs, 404, "NotFound", "no such resource (see docs/api.md for the routes)");
		return -1;
	}
	if (ar_uuid_normalize(seg[1], sub) != 0) {
		api_error(rs, 400, "InvalidSubscriptionId", "the subscription is not a GUID");
		return -1;
	}
	if (!group_name_ok(seg[3])) {
		api_error(rs, 400, "InvalidResourceGroup", "resource group names are 1 to 90 "
			  "letters, digits, '.', '_', '-', '(' or ')'");
		return -1;
	}
	snprintf(rt->base, sizeof rt->base, "/subscriptions/%s/resourceGroups/%s/providers/"
		 "Microsoft.AzureStack/registrations", sub, seg[3]);
	rt->name = n >= 8 ? seg[7] : NULL;
	if (rt->name && !ar_host_name_ok(rt->name)) {
		api_error(rs, 400, "InvalidResourceName", "registration names are 1 to 63 letters, "
			  "digits, '.', '_' or '-', starting with a letter or digit");
		return -1;
	}
	rt->activation_key = n == 9 && segment_is(seg[8], "getactivationkey");
	rt->subscriptions = n >= 9 && segment_is(seg[8], "customerSubscriptions");
	rt->sub_id = n == 10 ? seg[9] : NULL;
	if (rt->sub_id && !lowercase_guid(rt->sub_id)) {
		api_error(rs, 400, "InvalidCustomerSubscriptionId", "customer subscription IDs are "
			  "lowercase GUIDs (as the reference API requires)");
		return -1;
	}
	return 0;
}

/* --- bodies */

/* The body as a JSON object holding no member but the allowed ones. */
static json_t *body_object(const api_request *rq, const char *const *allowed, api_response *rs)
{
	json_error_t err;
	json_t *doc;
	ar_err e;

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
	if (ar_json_only_keys(doc, allowed, "the body", "request", &e) != AR_OK) {
		api_error(rs, 400, "InvalidRequestContent", e.msg);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* body.properties.NAME as a string, or NULL with the refusal. */
static const char *property(json_t *doc, const char *name, api_response *rs)
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

/* --- registrations */

/* A stable ARM object id: a UUID (RFC 9562 version 8) from the name and the CloudId. */
static void object_id(const char *name, const char *cloud_id, char out[37])
{
	uint8_t h[32];
	char text[160];

	snprintf(text, sizeof text, "airreg registration\n%s\n%s", name, cloud_id ? cloud_id : "");
	ar_sha256((const uint8_t *)text, strlen(text), h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x80);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12],
		 h[13], h[14], h[15]);
}

/* The CLI's JSON of a registration, as an ARM resource. Steals row. */
static json_t *registration_resource(const route *rt, json_t *row)
{
	const char *name = json_string_value(json_object_get(row, "name"));
	char id[700], oid[37];
	json_t *r;

	snprintf(id, sizeof id, "%s/%s", rt->base, name ? name : "");
	object_id(name ? name : "", json_string_value(json_object_get(row, "cloudId")), oid);
	r = json_pack("{s:s, s:s?, s:s, s:s}", "id", id, "name", name, "type", REGISTRATION_TYPE,
		      "location", "global");
	json_object_del(row, "name");
	json_object_set_new(row, "objectId", json_string(oid));
	json_object_set_new(r, "properties", row);
	return r;
}

static void get_registration(sqlite3 *db, const route *rt, unsigned status, api_response *rs)
{
	ar_err e;
	json_t *row = registrar_registration_json(db, rt->name, &e);

	if (!row)
		refuse(rs, &e, "BadRequest");
	else
		reply(rs, status, registration_resource(rt, row));
}

static void list_registrations(sqlite3 *db, const route *rt, api_response *rs)
{
	json_t *rows, *row, *value = json_array();
	size_t i;
	ar_err e;

	if (!(rows = registrar_registrations_json(db, &e))) {
		json_decref(value);
		refuse(rs, &e, "BadRequest");
		return;
	}
	json_array_foreach(rows, i, row)
		json_array_append_new(value, registration_resource(rt, json_incref(row)));
	json_decref(rows);
	reply(rs, 200, json_pack("{s:o}", "value", value));
}

/* Runs op inside one transaction; the refusal goes to rs. */
#define IN_TRANSACTION(db, e, op) \
	(store_begin((db), (e)) != AR_OK ? (e)->status : \
	 ((op) == AR_OK ? store_commit((db), (e)) : (store_rollback(db), (e)->status)))

static void put_registration(sqlite3 *db, const route *rt, const api_request *rq,
			     api_response *rs)
{
	static const char *const allowed[] = { "location", "properties", "tags", NULL };
	const char *where = "properties.registrationToken", *location, *token;
	json_t *doc = body_object(rq, allowed, rs);
	ar_token t = { 0 };
	uint8_t *text = NULL;
	size_t len;
	int renewal = 0, rc;
	ar_err e;

	if (!doc)
		return;
	location = json_string_value(json_object_get(doc, "location"));
	token = property(doc, "registrationToken", rs);
	if (token && location && strcmp(location, "global") != 0)
		api_error(rs, 400, "LocationNotAvailableForResourceType",
			  "registrations live in location \"global\"");
	if (!token || (location && strcmp(location, "global") != 0)) {
		json_decref(doc);
		return;
	}
	len = strlen(token);
	text = malloc(len + 1);
	if (!text) {
		json_decref(doc);
		api_error(rs, 500, "InternalServerError", "out of memory");
		return;
	}
	memcpy(text, token, len + 1);
	json_decref(doc);
	rc = ar_compact_text(text, &len, where, &e);
	if (rc == AR_OK)
		rc = ar_token_decode((char *)text, len, &t, where, &e);
	if (rc == AR_OK) {
		ar_sha256_hex(text, len, t.sha256_hex);
		rc = registrar_check_token(&t, (long long)time(NULL), where, &e);
	}
	if (rc == AR_OK)
		rc = IN_TRANSACTION(db, &e, registrar_register_token(db, rt->name, &t, (char *)text,
								     (long long)time(NULL), where,
								     &renewal, &e));
	ar_token_free(&t);
	free(text);
	/* PUT is idempotent: the same token again is the resource as it is. */
	if (rc == AR_OK || strcmp(e.code, "TokenAlreadyRegistered") == 0)
		get_registration(db, rt, rc == AR_OK && !renewal ? 201 : 200, rs);
	else
		refuse(rs, &e, "InvalidRegistrationToken");
}

static void delete_registration(sqlite3 *db, const route *rt, api_response *rs)
{
	char cloud_id[40];
	ar_err e;
	int rc = IN_TRANSACTION(db, &e, registrar_unregister(db, rt->name, (long long)time(NULL),
							     cloud_id, &e));

	if (rc == AR_OK)
		get_registration(db, rt, 200, rs);
	else if (strcmp(e.code, "RegistrationNotFound") == 0)
		reply(rs, 204, NULL);  /* already gone: DELETE is idempotent */
	else
		refuse(rs, &e, "BadRequest");
}

static void activation_key(sqlite3 *db, const route *rt, const ar_keypair *issuer,
			   const api_request *rq, api_response *rs)
{
	static const char *const allowed[] = { NULL };
	long long serial = 0;
	char *compact = NULL;
	json_t *doc;
	ar_err e;
	int rc;

	if (rq->body_len > 0) {  /* nothing to say, but "{}" is what clients send */
		if (!(doc = body_object(rq, allowed, rs)))
			return;
		json_decref(doc);
	}
	rc = IN_TRANSACTION(db, &e, registrar_issue_key(db, rt->name, NULL, issuer,
							(long long)time(NULL),
							AR_KEY_VALID_DAYS_DEFAULT, &compact,
							&serial, &e));
	if (rc == AR_OK)
		reply(rs, 200, json_pack("{s:s}", "activationKey", compact));
	else
		refuse(rs, &e, "BadRequest");
	free(compact);
}

/* --- customerSubscriptions */

static json_t *subscription_resource(const route *rt, const char *sub, const char *tenant)
{
	char id[800];

	snprintf(id, sizeof id, "%s/%s/customerSubscriptions/%s", rt->base, rt->name, sub);
	return json_pack("{s:s, s:s, s:s, s:{s:s}}", "id", id, "name", sub, "type",
			 SUBSCRIPTION_TYPE, "properties", "tenantId", tenant);
}

static int page_size(const char *top, size_t *n, api_response *rs)
{
	char *end = NULL;
	long v;

	*n = AR_API_PAGE_DEFAULT;
	if (!top)
		return 0;
	v = strtol(top, &end, 10);
	if (!*top || *end || v < 1 || v > AR_API_PAGE_MAX) {
		api_error(rs, 400, "InvalidTop", "$top must be 1 to 1000");
		return -1;
	}
	*n = (size_t)v;
	return 0;
}

static void list_subscriptions(sqlite3 *db, const route *rt, long long id,
			       const api_request *rq, api_response *rs)
{
	json_t *page, *item, *value, *doc;
	const char *last = NULL;
	char next[2048];
	size_t limit, i;
	int more = 0;

	if (page_size(rq->top, &limit, rs) != 0)
		return;
	/* The token is the last subscription of the page before: opaque to clients. */
	if (rq->skip_token && !lowercase_guid(rq->skip_token)) {
		api_error(rs, 400, "InvalidSkipToken", "$skipToken is not one this server gave");
		return;
	}
	if (!(page = registrar_tenant_page(db, id, rq->skip_token, limit, &more))) {
		api_error(rs, 503, "ServiceUnavailable", "the database cannot be read");
		return;
	}
	value = json_array();
	json_array_foreach(page, i, item) {
		last = json_string_value(json_object_get(item, "subscriptionId"));
		json_array_append_new(value, subscription_resource(rt, last, json_string_value(
						json_object_get(item, "tenantId"))));
	}
	doc = json_pack("{s:o}", "value", value);
	if (more && last) {
		snprintf(next, sizeof next, "%s%s/%s/customerSubscriptions?api-version="
			 AR_API_VERSION "&$top=%zu&$skipToken=%s", rq->origin, rt->base, rt->name,
			 limit, last);
		json_object_set_new(doc, "nextLink", json_string(next));
	} else {
		json_object_set_new(doc, "nextLink", json_null());
	}
	json_decref(page);
	reply(rs, 200, doc);
}

static void get_subscription(sqlite3 *db, const route *rt, long long id, unsigned status,
			     api_response *rs)
{
	json_t *all = registration_tenants(db, id), *t;
	size_t i;

	json_array_foreach(all, i, t) {
		const char *sub = json_string_value(json_object_get(t, "subscriptionId"));

		if (strcmp(sub, rt->sub_id) == 0) {
			reply(rs, status, subscription_resource(rt, sub, json_string_value(
						json_object_get(t, "tenantId"))));
			json_decref(all);
			return;
		}
	}
	json_decref(all);
	api_error(rs, 404, "CustomerSubscriptionNotFound", "no such customer subscription");
}

static void put_subscription(sqlite3 *db, const route *rt, long long id,
			     const api_request *rq, api_response *rs)
{
	static const char *const allowed[] = { "properties", NULL };
	json_t *doc = body_object(rq, allowed, rs);
	const char *tenant_given = doc ? property(doc, "tenantId", rs) : NULL;
	char tenant[37];
	int created = 0, rc;
	ar_err e;

	if (tenant_given && ar_uuid_normalize(tenant_given, tenant) != 0)
		api_error(rs, 400, "InvalidTenantId", "properties.tenantId is not a GUID");
	else if (tenant_given) {
		rc = IN_TRANSACTION(db, &e, registrar_tenant_put(db, id, rt->name, rt->sub_id,
								 tenant, &created, &e));
		if (rc == AR_OK)
			get_subscription(db, rt, id, created ? 201 : 200, rs);
		else
			refuse(rs, &e, "BadRequest");
	}
	json_decref(doc);
}

static void delete_subscription(sqlite3 *db, const route *rt, long long id, api_response *rs)
{
	ar_err e;
	int rc = IN_TRANSACTION(db, &e, registrar_tenant_delete(db, id, rt->name, rt->sub_id, &e));

	if (rc == AR_OK || strcmp(e.code, "CustomerSubscriptionNotFound") == 0)
		reply(rs, 204, NULL);
	else
		refuse(rs, &e, "BadRequest");
}

static void subscriptions(sqlite3 *db, const route *rt, const api_request *rq, api_response *rs)
{
	const char *m = rq->method;
	long long id = 0;
	ar_err e;

	if (rt->sub_id ? (strcmp(m, "GET") && strcmp(m, "PUT") && strcmp(m, "DELETE"))
		       : strcmp(m, "GET") != 0) {
		rs->allow = rt->sub_id ? "GET, PUT, DELETE" : "GET";
		api_error(rs, 405, "MethodNotAllowed", "this resource does not take that method");
		return;
	}
	if (registration_id(db, rt->name, 0, &id, &e) != AR_OK) {
		refuse(rs, &e, "BadRequest");
		return;
	}
	if (!rt->sub_id)
		list_subscriptions(db, rt, id, rq, rs);
	else if (strcmp(m, "GET") == 0)
		get_subscription(db, rt, id, 200, rs);
	else if (strcmp(m, "PUT") == 0)
		put_subscription(db, rt, id, rq, rs);
	else
		delete_subscription(db, rt, id, rs);
}

void api_handle(sqlite3 *db, const ar_keypair *issuer, const api_request *rq, api_response *rs)
{
	const char *m = rq->method;
	char path[2048];
	route rt;

	memset(rs, 0, sizeof *rs);
	if (!rq->api_version || strcmp(rq->api_version, AR_API_VERSION) != 0) {
		api_error(rs, 400, rq->api_version ? "InvalidApiVersionParameter"
						   : "MissingApiVersionParameter",
			  "every request needs ?api-version=" AR_API_VERSION);
		return;
	}
	if (strlen(rq->path) >= sizeof path) {
		api_error(rs, 404, "NotFound", "no such resource (the path is too long)");
		return;
	}
	memcpy(path, rq->path, strlen(rq->path) + 1);
	if (parse_route(path, &rt, rs) != 0)
		return;
	if (rt.subscriptions) {
		subscriptions(db, &rt, rq, rs);
	} else if (rt.activation_key) {
		if (strcmp(m, "POST") == 0)
			activation_key(db, &rt, issuer, rq, rs);
		else
			rs->allow = "POST";
	} else if (!rt.name) {
		if (strcmp(m, "GET") == 0)
			list_registrations(db, &rt, rs);
		else
			rs->allow = "GET";
	} else if (strcmp(m, "GET") == 0) {
		get_registration(db, &rt, 200, rs);
	} else if (strcmp(m, "PUT") == 0) {
		put_registration(db, &rt, rq, rs);
	} else if (strcmp(m, "DELETE") == 0) {
		delete_registration(db, &rt, rs);
	} else {
		rs->allow = "GET, PUT, DELETE";
	}
	if (rs->allow && rs->status == 0)
		api_error(rs, 405, "MethodNotAllowed", "this resource does not take that method");
}
