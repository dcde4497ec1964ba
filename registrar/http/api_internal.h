/* SPDX-License-Identifier: Apache-2.0 */
/* What the API's files share: the route a path names and the replies. */
#ifndef REGISTRAR_API_INTERNAL_H
#define REGISTRAR_API_INTERNAL_H

#include <jansson.h>

#include "api.h"
#include "ar_limits.h"
#include "err.h"
#include "filekind.h"
#include "registry.h"
#include "store.h"

#define REGISTRATION_TYPE "Microsoft.AzureStack/registrations"

typedef enum {
	ROUTE_REGISTRATIONS,      /* .../resourceGroups/G/providers/M.A/registrations */
	ROUTE_REGISTRATIONS_ALL,  /* /subscriptions/S/providers/M.A/registrations */
	ROUTE_REGISTRATION,       /* .../registrations/NAME */
	ROUTE_ACTIVATION_KEY,     /* .../NAME/getactivationkey */
	ROUTE_DEACTIVATE,         /* .../NAME/deactivate (airreg's: the removal receipt) */
	ROUTE_SUBSCRIPTIONS,      /* .../NAME/customerSubscriptions */
	ROUTE_SUBSCRIPTION,       /* .../NAME/customerSubscriptions/ID */
	ROUTE_OPERATIONS,         /* /providers/M.A/operations */
	ROUTE_OFFLINE,            /* published, but only for stamps connected to Azure */
} route_kind;

typedef struct {
	route_kind kind;
	char base[512];          /* ".../registrations" as the resources' ids show it */
	const char *name;        /* the registration, or NULL */
	char sub_id[37];         /* ROUTE_SUBSCRIPTION: the ID in lower case */
	const char *offline;     /* ROUTE_OFFLINE: why not here */
	const char *api_version; /* the request's, as published */
} route;

/* The published spelling of an api-version, or NULL when it is not one. */
const char *api_version_known(const char *asked);
/* Splits and checks path (changed); on failure the response holds the refusal. */
int api_parse_route(char *path, route *rt, api_response *rs);

/* status and doc (stolen; NULL for no body). */
void api_reply(api_response *rs, unsigned status, json_t *doc);
/* The body as a JSON object holding no member but the allowed ones; NULL with the refusal. */
json_t *api_body_object(const api_request *rq, const char *const *allowed, api_response *rs);
/* The same, but body.properties.CARRIED (".CARRIED": body.CARRIED) is a carried file's
 * text: line breaks and blanks are allowed in it (a PEM, QR parts one a line, a wrapped
 * token); its reader refuses anything else that is not printable ASCII. */
json_t *api_body_carrying(const api_request *rq, const char *const *allowed,
			  const char *carried, api_response *rs);
/* Another file of the air gap sent where a file of kind want goes is named as the CLI names
 * it; a body has no file name, so the advice says FILE and the error names where. */
int api_carried_kind(const uint8_t *text, size_t len, ar_kind want, const char *where,
		     ar_err *e);
/* body.properties.NAME as a string, or NULL with the refusal. */
const char *api_property(json_t *doc, const char *name, api_response *rs);

/* Runs op inside one transaction; the refusal goes to rs. */
#define IN_TRANSACTION(db, e, op) \
	(store_begin((db), (e)) != AR_OK ? (e)->status : store_end((db), (op), (e)))

/* registrations (api_registrations.c) */
void api_list_registrations(store *db, const route *rt, api_response *rs);
void api_get_registration(store *db, const route *rt, const api_request *rq,
			  api_response *rs);
/* PUT (create or replace) and PATCH (an existing one): the same token rules */
void api_put_registration(store *db, const route *rt, const api_request *rq,
			  api_response *rs);
void api_delete_registration(store *db, const route *rt, const api_request *rq,
			     api_response *rs);
/* /providers/Microsoft.AzureStack/operations and the routes of connected stamps
 * (api_provider.c) */
void api_operations(const route *rt, const api_request *rq, api_response *rs);
void api_offline(const route *rt, api_response *rs);
/* The registration's representation's etag ("\"HEX\"") into out, or "" when there is no
 * registration of that name. */
/* The registration as an ARM client sees it: live only (an unregistered one is 404). */
json_t *api_live_registration(store *db, const char *name, ar_err *e);
void api_etag_of(json_t *row, char out[AR_API_ETAG_HEX + 3]);
int api_registration_etag(store *db, const char *name, char out[AR_API_ETAG_HEX + 3],
			  ar_err *e);
/* If-Match / If-None-Match against etag ("" for a resource that does not exist): AR_OK to
 * go on; else the refusal in e (412 PreconditionFailed, or 304 for a GET's If-None-Match:
 * *not_modified set). */
int api_preconditions(const api_request *rq, const char *etag, int *not_modified, ar_err *e);
/* The same for a write to the registration name or an action on it (no 304), inside the
 * caller's transaction. */
int api_write_preconditions(store *db, const char *name, const api_request *rq, ar_err *e);
/* The same for any resource (what names it): etag API_UNTAGGED for one that exists without
 * an etag, which no entity tag matches but "*" does. */
#define API_UNTAGGED "-"
int api_preconditions_of(const api_request *rq, const char *etag, const char *what,
			 int *not_modified, ar_err *e);
void api_activation_key(store *db, const route *rt, const ar_signer *issuer,
			const api_request *rq, api_response *rs);
/* POST .../NAME/deactivate {"receipt": "..."} (api_deactivate.c) */
void api_deactivate(store *db, const route *rt, const api_request *rq, api_response *rs);
/* .../customerSubscriptions[/ID], every method (api_tenants.c) */
void api_subscriptions(store *db, const route *rt, const api_request *rq, api_response *rs);

#endif
