/* SPDX-License-Identifier: Apache-2.0 */
/* The customerSubscriptions resource: paged list, get, PUT, DELETE. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "json.h"
#include "registry.h"
#include "token.h"

/* As the published examples show it: named REGISTRATION/ID, of a type under registrations. */
static json_t *subscription_resource(const route *rt, const char *sub, const char *tenant)
{
	char id[800], name[128];

	snprintf(id, sizeof id, "%s/%s/customerSubscriptions/%s", rt->base, rt->name, sub);
	snprintf(name, sizeof name, "%s/%s", rt->name, sub);
	return json_pack("{s:s, s:s, s:s, s:{s:s}}", "id", id, "name", name, "type",
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

static void list_subscriptions(store *db, const route *rt, long long id,
			       const api_request *rq, api_response *rs)
{
	json_t *page, *item, *value, *doc;
	const char *last = NULL;
	char next[2048], after[37];
	size_t limit, i;
	int more = 0;

	if (page_size(rq->top, &limit, rs) != 0)
		return;
	/* The token is the last subscription of the page before: opaque to clients. */
	if (rq->skip_token && ar_uuid_normalize(rq->skip_token, after) != 0) {
		api_error(rs, 400, "InvalidSkipToken", "$skipToken is not one this server gave");
		return;
	}
	if (!(page = registrar_tenant_page(db, id, rq->skip_token ? after : NULL, limit, &more))) {
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
		snprintf(next, sizeof next, "%s%s/%s/customerSubscriptions?api-version=%s"
			 "&$top=%zu&$skipToken=%s", rq->origin, rt->base, rt->name, rt->api_version,
			 limit, last);
		json_object_set_new(doc, "nextLink", json_string(next));
	} else {
		json_object_set_new(doc, "nextLink", json_null());
	}
	json_decref(page);
	api_reply(rs, 200, doc);
}

/* If-Match / If-None-Match on a customer subscription: it has no etag (the published API
 * gives it none), so only "*" can match it; never ignored, so that a client that asked
 * for create-only (If-None-Match: *) or for an existing one is not answered as if it had
 * not. For PUT and DELETE, inside the write's transaction. */
static int subscription_checked(store *db, const route *rt, long long id,
				const api_request *rq, int *not_modified, ar_err *e)
{
	json_t *all, *t;
	const char *etag = "";
	size_t i;

	*not_modified = 0;
	if (!rq->if_match && !rq->if_none_match)
		return AR_OK;
	all = registration_tenants(db, id);
	json_array_foreach(all, i, t)
		if (strcmp(json_string_value(json_object_get(t, "subscriptionId")), rt->sub_id) == 0)
			etag = API_UNTAGGED;
	json_decref(all);
	/* RFC 9110 13.2.1: ignored where the answer without them is not 2xx (a GET's 404) */
	if (!etag[0] && strcmp(rq->method, "GET") == 0)
		return AR_OK;
	return api_preconditions_of(rq, etag, "customer subscription", not_modified, e);
}

static void get_subscription(store *db, const route *rt, long long id, api_response *rs)
{
	json_t *all = registration_tenants(db, id), *t;
	size_t i;

	json_array_foreach(all, i, t) {
		const char *sub = json_string_value(json_object_get(t, "subscriptionId"));

		if (strcmp(sub, rt->sub_id) == 0) {
			api_reply(rs, 200, subscription_resource(rt, sub, json_string_value(
						json_object_get(t, "tenantId"))));
			json_decref(all);
			return;
		}
	}
	json_decref(all);
	api_error(rs, 404, "CustomerSubscriptionNotFound", "no such customer subscription");
}

static void put_subscription(store *db, const route *rt, long long id,
			     const api_request *rq, api_response *rs)
{
	static const char *const allowed[] = { "properties", NULL };
	json_t *doc = api_body_object(rq, allowed, rs);
	const char *tenant_given = doc ? api_property(doc, "tenantId", rs) : NULL;
	char tenant[37];
	int created, rc, unused;
	ar_err e;

	if (tenant_given && ar_uuid_normalize(tenant_given, tenant) != 0)
		api_error(rs, 400, "InvalidTenantId", "properties.tenantId is not a GUID");
	else if (tenant_given) {
		rc = IN_TRANSACTION(db, &e, subscription_checked(db, rt, id, rq, &unused, &e) ?
					   e.status : registrar_tenant_put(db, id, rt->name, rt->sub_id,
									   tenant, &created, NULL, &e));
		/* 200, new or replaced: the one status the published API declares */
		if (rc == AR_OK)
			get_subscription(db, rt, id, rs);
		else
			api_refuse(rs, &e, "BadRequest");
	}
	json_decref(doc);
}

static void delete_subscription(store *db, const route *rt, long long id,
				const api_request *rq, api_response *rs)
{
	ar_err e;
	int unused;
	int rc = IN_TRANSACTION(db, &e, subscription_checked(db, rt, id, rq, &unused, &e) ?
			       e.status : registrar_tenant_delete(db, id, rt->name, rt->sub_id, &e));

	/* as published: 200 when it was there, 204 when not; no body */
	if (rc == AR_OK)
		api_reply(rs, 200, NULL);
	else if (strcmp(e.code, "CustomerSubscriptionNotFound") == 0)
		api_reply(rs, 204, NULL);
	else
		api_refuse(rs, &e, "BadRequest");
}

void api_subscriptions(store *db, const route *rt, const api_request *rq, api_response *rs)
{
	const char *m = rq->method;
	long long id = 0;
	int not_modified = 0;
	ar_err e;
	int one = rt->kind == ROUTE_SUBSCRIPTION;

	if (one ? (strcmp(m, "GET") && strcmp(m, "PUT") && strcmp(m, "DELETE"))
		: strcmp(m, "GET") != 0) {
		rs->allow = one ? "GET, PUT, DELETE" : "GET";
		api_error(rs, 405, "MethodNotAllowed", "this resource does not take that method");
		return;
	}
	if (registration_id(db, rt->name, 1, &id, &e) != AR_OK) {  /* a live one: ARM's view */
		api_refuse(rs, &e, "BadRequest");
		return;
	}
	if (!one)
		list_subscriptions(db, rt, id, rq, rs);
	else if (strcmp(m, "GET") == 0) {
		if (subscription_checked(db, rt, id, rq, &not_modified, &e) != AR_OK)
			api_refuse(rs, &e, "BadRequest");
		else if (not_modified)
			api_reply(rs, 304, NULL);
		else
			get_subscription(db, rt, id, rs);
	} else if (strcmp(m, "PUT") == 0)
		put_subscription(db, rt, id, rq, rs);
	else
		delete_subscription(db, rt, id, rq, rs);
}
