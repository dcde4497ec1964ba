/* SPDX-License-Identifier: Apache-2.0 */
/* The registrar's rules, each inside a transaction its caller holds: what the verbs
 * (commands.h) and the HTTP API (http/) both stand on, so that one database has one set
 * of rules whichever face changed it. */
#ifndef REGISTRAR_REGISTRY_H
#define REGISTRAR_REGISTRY_H

#include <stddef.h>

#include <jansson.h>

#include "ar_limits.h"
#include "err.h"
#include "jws.h"
#include "keys.h"
#include "store.h"
#include "token.h"

/* A customer subscription's ARM type, as the published examples give it (the CLI's tenant
 * list and the API show the same). */
#define SUBSCRIPTION_TYPE "Microsoft.AzureStack/registrations/customerSubscriptions"

/* The registration's row id, or AR_EINPUT "RegistrationNotFound" (live_only: Registered). */
int registration_id(store *db, const char *name, int live_only, long long *id, ar_err *e);
/* The registration's tenants as [{"subscriptionId","tenantId"}]. */
json_t *registration_tenants(store *db, long long id);

/* The work of register and activation-key; a batch (tests/bench) runs many in one
 * transaction. */
/* The tenant mappings of the latest unregistered registration of the same CloudId and
 * stamp key under another name: copied only when the operator asks (want). */
typedef struct {
	int want;                 /* in: copy them (register --carry-tenants) */
	long long tenants;        /* out: copied (want), or left behind (!want); 0: none */
	char from[AR_MAX_NAME_CHARS + 1];
} registrar_carry;
/* What register did: the same token again changes nothing and is no error (a PUT is
 * idempotent, and so is the command an operator runs twice). */
enum registration_outcome { REGISTERED_NEW, REGISTERED_RENEWAL, REGISTERED_ALREADY };
/* Checks the token's age (but for the live registration's own token, whatever its age),
 * then the rules, and records it. carry NULL: no mappings carried or looked at (the
 * API's PUT, which has no such side effect). */
int registrar_register_token(store *db, const char *name, const ar_token *t,
			     const char *text, long long now, const char *where,
			     enum registration_outcome *outcome, registrar_carry *carry,
			     ar_err *e);
/* With carry->want: copies the mappings to name (with an audit row) when name holds none,
 * refuses when it holds others; without: counts them when fresh (a registration starting)
 * and name holds none, so register can say they were left. Nothing when name holds them
 * all already. */
int registrar_carry_tenants(store *db, const char *name, const ar_token *t, int fresh,
			    registrar_carry *carry, ar_err *e);
/* register's line about the mappings (none when carry->tenants is 0); token: --token. */
void registrar_carry_report(const registrar_carry *carry, const char *name, const char *token);
/* token_claims: the registration's claims when the caller holds them (a batch that
 * has just registered the token); NULL reads them from the database. */
int registrar_issue_key(store *db, const char *name, json_t *token_claims,
			const ar_signer *issuer, long long now, long valid_days, char **compact,
			long long *serial, ar_err *e);
/* The same with the issuer's hardware policy: host_match "all", "most", "any" or a count
 * (NULL: the registrar's default, registrar config host-match, else "most"); what names it
 * in a refusal (AR_EUSAGE, code InvalidHostMatch). A policy the hosts could never meet is
 * refused (AR_EINPUT, InvalidHostMatch) before anything is signed or stored. */
int registrar_issue_key_match(store *db, const char *name, json_t *token_claims,
			      const ar_signer *issuer, long long now, long valid_days,
			      const char *host_match, const char *what, char **compact,
			      long long *serial, ar_err *e);

/* The registrar-wide settings (registrar config), inside the caller's transaction where
 * one is set. get: *value a copy (free it), NULL when none is stored (the built-in
 * default). set: stores value and appends an audit row "config", "NAME VALUE (was OLD)"
 * and why (NULL: nothing) after it. */
#define REGISTRAR_SETTING_HOST_MATCH "host-match"
int registrar_setting_get(store *db, const char *name, char **value, ar_err *e);
int registrar_setting_set(store *db, const char *name, const char *value, const char *why,
			  ar_err *e);
/* A host-match value as a default may hold it: all, most, any or 1 to AR_MAX_HOSTS
 * (AR_EUSAGE naming what). */
int registrar_host_match_check(const char *value, const char *what, ar_err *e);
/* The default policy for a registration of n_hosts (*claim NULL: none set, the built-in
 * most); a count past n_hosts is AR_EINPUT "InvalidHostMatch", what naming the flag or
 * member that would override it. */
int registrar_default_host_match(store *db, const char *name, size_t n_hosts, const char *what,
				 json_t **claim, ar_err *e);
/* AR_OK when the built claims' hostMatch can be met by the hosts a stamp can find (a UUID,
 * or both serials); else AR_EINPUT "InvalidHostMatch" naming the numbers and the hosts. */
int registrar_host_match_reachable(const char *name, json_t *claims, ar_err *e);

/* What `registrar show --json` prints for name (NULL and AR_EINPUT
 * "RegistrationNotFound" when there is none), and the list `list --json` holds (no hosts). */
json_t *registrar_registration_json(store *db, const char *name, ar_err *e);
json_t *registrar_registrations_json(store *db, ar_err *e);
/* The keys issued to name, [{"serial","issuedAt","expiresAt"}] by serial (a time not
 * recorded, in a database older than schema 4, is null); NULL on a database error. */
json_t *registrar_key_history(store *db, const char *name, ar_err *e);

/* customerSubscriptions, inside the caller's transaction, for registration id (named
 * registration). put: sub (a lowercase GUID) maps to tenant (a GUID), replacing any
 * pair with either; *created when sub was not mapped before; *unchanged (NULL: not
 * wanted) when exactly that pair was mapped already, and then nothing is written, not
 * even an audit row (*created 0). delete: AR_EINPUT
 * "CustomerSubscriptionNotFound" when sub is not mapped. page: up to limit pairs
 * [{"subscriptionId","tenantId"}] after subscription `after` (NULL: the first),
 * *more when others follow; NULL when the database fails. */
int registrar_tenant_put(store *db, long long id, const char *registration, const char *sub,
			 const char *tenant, int *created, int *unchanged, ar_err *e);
int registrar_tenant_delete(store *db, long long id, const char *registration, const char *sub,
			    ar_err *e);
json_t *registrar_tenant_page(store *db, long long id, const char *after, size_t limit,
			      int *more);

/* Ends name's live registration (AR_EINPUT "RegistrationNotFound" when none); the
 * CloudId it had goes to cloud_id. Inside the caller's transaction. */
int registrar_unregister(store *db, const char *name, long long now, char cloud_id[40],
			 ar_err *e);

/* Takes a removal receipt (common/receipt.h) as proof that the stamp stopped using the
 * registration's latest key: verified with the stamp key on record, it must name that key
 * (serial and SHA-256, where recorded) and not have been taken before; the registration
 * becomes Deactivated, the receipt kept and audited. name NULL: the registration the
 * receipt names; else it must name that one. Every refusal is AR_EINPUT with its code
 * (RegistrationNotFound, InvalidRemovalReceipt, ReceiptWrongStamp, ReceiptWrongKey,
 * ReceiptNotLatest, ReceiptReplayed) and nothing written; the same receipt again is
 * DEACTIVATED_ALREADY, nothing written. Prints nothing. Inside the caller's transaction. */
enum deactivate_outcome { DEACTIVATED, DEACTIVATED_ALREADY };
typedef struct {
	char name[AR_MAX_NAME_CHARS + 1];
	char cloud_id[40];
	long long serial, removed_at;
	char jti[AR_UUID_CHARS + 1];
	char receipt_sha256[AR_SHA256_HEX_CHARS + 1];
	enum deactivate_outcome outcome;
} registrar_deactivation;
/* inside the caller's transaction */
int registrar_deactivate(store *db, const char *name /* NULL: the receipt's */,
			 const char *text, size_t len, long long now, const char *where,
			 registrar_deactivation *out, ar_err *e);
/* The last receipt taken for name, {"jti","serial","removedAt","takenAt","sha256"}, or
 * JSON null when none; NULL on a database error. */
json_t *registrar_last_receipt(store *db, const char *name, ar_err *e);

#endif
