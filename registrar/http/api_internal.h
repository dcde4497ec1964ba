/* SPDX-License-Identifier: Apache-2.0 */
/* What the API's files share: the route a path names and the replies. */
#ifndef REGISTRAR_API_INTERNAL_H
#define REGISTRAR_API_INTERNAL_H

#include <jansson.h>

#include "api.h"
#include "err.h"
#include "store.h"

#define REGISTRATION_TYPE "Microsoft.AzureStack/registrations"
#define SUBSCRIPTION_TYPE "Microsoft.AzureStack/customerSubscriptions"

typedef struct {
	char base[512];      /* ".../registrations" as the resources' ids show it */
	const char *name;    /* the registration, or NULL for the collection */
	int activation_key;  /* .../NAME/getactivationkey */
	int subscriptions;   /* .../NAME/customerSubscriptions[/ID] */
	const char *sub_id;  /* ID, or NULL */
} route;

/* An error of the registrar's rules, as ARM names and numbers it (input_code for a
 * plain AR_EINPUT/AR_EUSAGE). */
void api_refuse(api_response *rs, const ar_err *e, const char *input_code);
/* status and doc (stolen; NULL for no body). */
void api_reply(api_response *rs, unsigned status, json_t *doc);
/* The body as a JSON object holding no member but the allowed ones; NULL with the refusal. */
json_t *api_body_object(const api_request *rq, const char *const *allowed, api_response *rs);
/* The same, but body.properties.CARRIED is a carried file's text: line breaks and blanks
 * are allowed in it (a PEM, QR parts one a line, a wrapped token); its reader refuses
 * anything else that is not printable ASCII. */
json_t *api_body_carrying(const api_request *rq, const char *const *allowed,
			  const char *carried, api_response *rs);
/* body.properties.NAME as a string, or NULL with the refusal. */
const char *api_property(json_t *doc, const char *name, api_response *rs);
int api_lowercase_guid(const char *s);

/* Runs op inside one transaction; the refusal goes to rs. */
#define IN_TRANSACTION(db, e, op) \
	(store_begin((db), (e)) != AR_OK ? (e)->status : store_end((db), (op), (e)))

/* registrations (api_registrations.c) */
void api_list_registrations(store *db, const route *rt, api_response *rs);
void api_get_registration(store *db, const route *rt, unsigned status, api_response *rs);
void api_put_registration(store *db, const route *rt, const api_request *rq,
			  api_response *rs);
void api_delete_registration(store *db, const route *rt, api_response *rs);
void api_activation_key(store *db, const route *rt, const ar_keypair *issuer,
			const api_request *rq, api_response *rs);
/* .../customerSubscriptions[/ID], every method (api_tenants.c) */
void api_subscriptions(store *db, const route *rt, const api_request *rq, api_response *rs);

#endif
