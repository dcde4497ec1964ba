/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar register` and `registrar unregister`, with the reference's rules:
 * a name belongs to one CloudId for ever; a CloudId has one live registration;
 * the same CloudId, stamp key and name renew; another stamp key is refused. */
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "datadir.h"
#include "fileio.h"
#include "filekind.h"
#include "host.h"
#include "json.h"
#include "registry.h"
#include "store.h"
#include "token.h"
#include "text.h"
#include "when.h"

typedef struct {
	int found;
	long long id, issued_at;
	char cloud_id[40], stamp_kid[48], status[16], token_sha[70], name[80];
} registration_row;

static int find_by(store *db, const char *where, const char *value, registration_row *r,
		   ar_err *e)
{
	char sql[256];
	store_stmt *st;
	int rc;

	snprintf(sql, sizeof sql, "SELECT id, cloud_id, stamp_kid, status, token_sha256, "
		 "token_issued_at, name FROM registrations WHERE %s", where);
	memset(r, 0, sizeof *r);
	if (store_prepare(db, sql, &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, value);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		r->found = 1;
		r->id = store_column_int64(st, 0);
		store_column_copy(r->cloud_id, sizeof r->cloud_id, st, 1);
		store_column_copy(r->stamp_kid, sizeof r->stamp_kid, st, 2);
		store_column_copy(r->status, sizeof r->status, st, 3);
		store_column_copy(r->token_sha, sizeof r->token_sha, st, 4);
		r->issued_at = store_column_int64(st, 5);
		store_column_copy(r->name, sizeof r->name, st, 6);
	}
	store_release(db, st);
	return (rc == STORE_ROW || rc == STORE_DONE) ? AR_OK : store_error(db, "read", e);
}

static int other_stamp_key(store *db, const char *cloud_id, const char *kid, int *found,
			   ar_err *e)
{
	store_stmt *st;

	if (store_prepare(db, "SELECT 1 FROM registrations WHERE cloud_id = ? AND stamp_kid <> ?",
			  &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, cloud_id);
	store_bind_text(st, 2, kid);
	*found = store_step(st) == STORE_ROW;
	store_release(db, st);
	return AR_OK;
}

static const char *claim(const ar_token *t, const char *key)
{
	return json_string_value(json_object_get(t->claims, key));
}

static int check_token_time(const ar_token *t, long long now, const char *where, ar_err *e)
{
	long long issued = (long long)json_integer_value(json_object_get(t->claims, "issuedAt"));
	char when[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];

	/* two clocks apart: only the operator can tell which one is wrong */
	if (issued > now + AR_CLOCK_SKEW_SECONDS)
		return ar_fail(e, AR_EINPUT, where,
			       "token issued %s, %s from now: the stamp's clock is %s ahead of this "
			       "workstation's, or this one is behind; set the wrong one right (a new "
			       "token if it was the stamp's)", ar_format_time(issued, when),
			       ar_format_span(issued - now, span), span);
	if (issued < now - (long long)AR_TOKEN_MAX_AGE_DAYS * 86400)
		return ar_fail(e, AR_EINPUT, where,
			       "token is older than %d days (issued %s, %s ago); create a new one "
			       "on the stamp", AR_TOKEN_MAX_AGE_DAYS, ar_format_time(issued, when),
			       ar_format_span(now - issued, span));
	return AR_OK;
}

static int write_registration(store *db, const registration_row *existing, const char *name,
			      const ar_token *t, const char *compact, long long now, ar_err *e)
{
	static const char insert_sql[] =
		"INSERT INTO registrations (name, cloud_id, stamp_kid, status, billing_model, "
		"agreement_number, asset_tag, usage_reporting, marketplace_syndication, token, "
		"token_sha256, token_issued_at, claims, registered_at, updated_at) "
		"VALUES (?1, ?2, ?3, 'Registered', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)";
	static const char update_sql[] =
		"UPDATE registrations SET name = ?1, cloud_id = ?2, stamp_kid = ?3, "
		"status = 'Registered', billing_model = ?4, agreement_number = ?5, asset_tag = ?6, "
		"usage_reporting = ?7, marketplace_syndication = ?8, token = ?9, token_sha256 = ?10, "
		"token_issued_at = ?11, claims = ?12, updated_at = ?13 WHERE id = ?14";
	char *claims = ar_json_dump_compact(t->claims);
	store_stmt *st = NULL;
	int rc = claims ? store_prepare(db, existing->found ? update_sql : insert_sql, &st, e)
			: ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	if (rc == AR_OK) {
		store_bind_text(st, 1, name);
		store_bind_text(st, 2, claim(t, "cloudId"));
		store_bind_text(st, 3, t->stamp_kid);
		store_bind_text(st, 4, claim(t, "billingModel"));
		store_bind_text(st, 5, claim(t, "agreementNumber"));
		store_bind_text(st, 6, claim(t, "assetTag"));
		store_bind_int64(st, 7, json_is_true(json_object_get(t->claims, "usageReporting")));
		store_bind_int64(st, 8,
				 json_is_true(json_object_get(t->claims, "marketplaceSyndication")));
		store_bind_text(st, 9, compact);
		store_bind_text(st, 10, t->sha256_hex);
		store_bind_int64(st, 11, json_integer_value(json_object_get(t->claims, "issuedAt")));
		store_bind_text(st, 12, claims);
		store_bind_int64(st, 13, now);
		if (existing->found)
			store_bind_int64(st, 14, existing->id);
		rc = store_exec_step(db, st, e);
	}
	free(claims);
	return rc;
}

/* The rules, in the order an operator can act on them. */
static int check_rules(store *db, const char *name, const ar_token *t, long long now,
		       registration_row *by_name, int *same, const char *where, ar_err *e)
{
	const char *cloud = claim(t, "cloudId");
	registration_row live;
	int other_key = 0;

	if (find_by(db, "name = ?", name, by_name, e) != AR_OK ||
	    find_by(db, "cloud_id = ? AND status = 'Registered'", cloud, &live, e) != AR_OK ||
	    other_stamp_key(db, cloud, t->stamp_kid, &other_key, e) != AR_OK)
		return e->status;
	/* the live registration's own token is that registration, however old it has grown:
	 * running the command again, or the API's PUT again, changes nothing */
	*same = by_name->found && strcmp(by_name->status, "Registered") == 0 &&
		strcmp(by_name->token_sha, t->sha256_hex) == 0;
	if (*same)
		return AR_OK;
	if (check_token_time(t, now, where, e) != AR_OK)
		return e->status;
	if (by_name->found && strcmp(by_name->cloud_id, cloud) != 0)
		return (ar_fail(e, AR_EINPUT, where,
			       "registration name %s is already associated with another cloud "
			       "identifier (%s)", name, by_name->cloud_id),
			ar_err_code(e, "RegistrationNameConflict"));
	if (live.found && live.id != by_name->id)
		return (ar_fail(e, AR_EINPUT, where, "CloudId %s is already registered (as %s)",
			       cloud, live.name),
			ar_err_code(e, "CloudIdAlreadyRegistered"));
	if (other_key)
		return (ar_fail(e, AR_EINPUT, where,
			       "CloudId %s was registered by a different stamp key (refused)", cloud),
			ar_err_code(e, "StampKeyMismatch"));
	if (by_name->found && json_integer_value(json_object_get(t->claims, "issuedAt")) <
				      by_name->issued_at)
		return (ar_fail(e, AR_EINPUT, where,
			       "token is older than the one registered as %s (rolled back)", name),
			ar_err_code(e, "TokenRolledBack"));
	return AR_OK;
}

static int check_name(const char *name, ar_err *e)
{
	if (!name)
		return ar_fail(e, AR_EUSAGE, NULL, "register needs --name NAME");
	if (!ar_host_name_ok(name))
		return ar_fail(e, AR_EUSAGE, NULL,
			       "--name \"%.64s\": 1 to %d letters, digits, '.', '_' or '-'", name,
			       AR_MAX_NAME_CHARS);
	return AR_OK;
}

int registrar_register_token(store *db, const char *name, const ar_token *t,
			     const char *text, long long now, const char *where,
			     enum registration_outcome *outcome, registrar_carry *carry, ar_err *e)
{
	registration_row existing;
	int same = 0;
	int rc = check_rules(db, name, t, now, &existing, &same, where, e);
	int renewal = existing.found && strcmp(existing.status, "Registered") == 0;

	*outcome = same ? REGISTERED_ALREADY : renewal ? REGISTERED_RENEWAL : REGISTERED_NEW;
	if (rc == AR_OK && !same)
		rc = write_registration(db, &existing, name, t, text, now, e);
	if (rc == AR_OK && !same)
		rc = store_audit(db, renewal ? "renew" : "register", name, t->sha256_hex, e);
	/* after the registration is written, so that the copy finds its row */
	if (rc == AR_OK && carry)
		rc = registrar_carry_tenants(db, name, t, *outcome == REGISTERED_NEW, carry, e);
	return rc;
}

int cmd_register_run(const registrar_opts *o, ar_err *e)
{
	const char *where = o->token ? ar_input_name(o->token) : NULL;
	store *db = NULL;
	char *text = NULL;
	size_t len = 0;
	ar_token t = { 0 };
	enum registration_outcome outcome = REGISTERED_NEW;
	int rc;
	registrar_carry carry = { o->carry_tenants, 0, "" };

	if (!o->token)
		return ar_fail(e, AR_EUSAGE, NULL, "register needs --token FILE");
	if (check_name(o->name, e) != AR_OK ||
	    ar_read_carried(o->token, AR_KIND_TOKEN, &text, &len, e) != AR_OK)
		return e->status;
	rc = ar_token_decode(text, len, &t, where, e);
	if (rc == AR_OK)
		ar_sha256_hex((const uint8_t *)text, len, t.sha256_hex);
	if (rc == AR_OK)
		rc = store_open(registrar_data_dir(o), 0, &db, e);
	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK) {
		rc = registrar_register_token(db, o->name, &t, text, o->now, where, &outcome,
					      &carry, e);
		rc = store_end(db, rc, e);
	}
	if (rc == AR_OK && outcome == REGISTERED_ALREADY)
		printf(PROGRAM ": %s: already registered with this token%s (CloudId %s, token "
		       "SHA-256 %s)\n", ar_text_shown(o->name),
		       carry.tenants ? "" : ", nothing changed",
		       ar_text_shown(claim(&t, "cloudId")), t.sha256_hex);
	else if (rc == AR_OK)
		printf(PROGRAM ": %s %s: CloudId %s, %zu host%s, %s (token SHA-256 %s)\n",
		       outcome == REGISTERED_RENEWAL ? "renewed" : "registered",
		       ar_text_shown(o->name),
		       ar_text_shown(claim(&t, "cloudId")),
		       json_array_size(json_object_get(t.claims, "hosts")),
		       json_array_size(json_object_get(t.claims, "hosts")) == 1 ? "" : "s",
		       ar_text_shown(claim(&t, "billingModel")), t.sha256_hex);
	if (rc == AR_OK)
		registrar_carry_report(&carry, o->name, o->token);
	rc = store_close(db, rc, e);
	ar_token_free(&t);
	free(text);
	return rc;
}

/* A token ends a registration only when the stamp key on record signed it, under the
 * age rules of register and not older than the token registered: a token verifies
 * against the jwk it carries, so without this anyone could sign one for any CloudId. */
static int check_bound(const registration_row *r, const ar_token *t, const char *where,
		       ar_err *e)
{
	if (strcmp(r->stamp_kid, t->stamp_kid) != 0)
		return (ar_fail(e, AR_EINPUT, where,
			       "CloudId %s was registered by a different stamp key (refused)",
			       r->cloud_id),
			ar_err_code(e, "StampKeyMismatch"));
	if (json_integer_value(json_object_get(t->claims, "issuedAt")) < r->issued_at)
		return (ar_fail(e, AR_EINPUT, where,
			       "token is older than the one registered as %s (rolled back)", r->name),
			ar_err_code(e, "TokenRolledBack"));
	return AR_OK;
}

/* The live registration whose column holds value, in r; when there is none, *was says
 * whether one ever did (1: unregistered since; 2: deactivated, by a receipt), so unregister
 * can say which. */
static int find_live(store *db, const char *column, const char *value, registration_row *r,
		     int *was, ar_err *e)
{
	char where[64];
	registration_row past;

	snprintf(where, sizeof where, "%s = ? AND status = 'Registered'", column);
	*was = 0;
	if (find_by(db, where, value, r, e) != AR_OK)
		return e->status;
	if (r->found)
		return AR_OK;
	snprintf(where, sizeof where, "%s = ?", column);
	if (find_by(db, where, value, &past, e) != AR_OK)
		return e->status;
	*was = !past.found ? 0 : strcmp(past.status, "Deactivated") == 0 ? 2 : 1;
	return AR_OK;
}

/* The live registration of the CloudId a token names, the token bound to it. */
static int token_target(const registrar_opts *o, store *db, registration_row *r,
			char *label, size_t cap, int *was, ar_err *e)
{
	const char *where = ar_input_name(o->token);
	char *text = NULL;
	size_t len = 0;
	ar_token t = { 0 };
	int rc = ar_read_carried(o->token, AR_KIND_TOKEN, &text, &len, e);

	if (rc == AR_OK)
		rc = ar_token_decode(text, len, &t, where, e);
	if (rc == AR_OK)
		rc = check_token_time(&t, o->now, where, e);
	if (rc == AR_OK) {
		snprintf(label, cap, "CloudId %s", claim(&t, "cloudId"));
		rc = find_live(db, "cloud_id", claim(&t, "cloudId"), r, was, e);
	}
	if (rc == AR_OK && r->found)
		rc = check_bound(r, &t, where, e);
	ar_token_free(&t);
	free(text);
	return rc;
}

/* The registration to unregister, from the one of --name, --token, --cloud-id given. */
static int unregister_target(const registrar_opts *o, store *db, registration_row *r,
			     char *label, size_t cap, int *was, ar_err *e)
{
	int given = !!o->name + !!o->token + !!o->cloud_id;
	char canon[37];

	memset(r, 0, sizeof *r);
	if (given != 1)
		return ar_fail(e, AR_EUSAGE, NULL,
			       "unregister takes one of --name, --token or --cloud-id");
	if (o->name) {
		snprintf(label, cap, "%s", o->name);
		return find_live(db, "name", o->name, r, was, e);
	}
	if (o->token)
		return token_target(o, db, r, label, cap, was, e);
	if (ar_uuid_normalize(o->cloud_id, canon) != 0)
		return ar_fail(e, AR_EUSAGE, NULL, "--cloud-id \"%.40s\" is not a UUID", o->cloud_id);
	snprintf(label, cap, "CloudId %s", canon);
	return find_live(db, "cloud_id", canon, r, was, e);
}

/* Ends the live registration r (found by the caller); name gets its name. */
static int unregister_row(store *db, const registration_row *r, const char *label,
			  long long now, ar_err *e)
{
	store_stmt *st;

	if (store_prepare(db, "UPDATE registrations SET status = 'Unregistered', "
			  "updated_at = ?1 WHERE id = ?2", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, now);
	store_bind_int64(st, 2, r->id);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	return store_audit(db, "unregister", r->name, label, e);
}

int registrar_unregister(store *db, const char *name, long long now, char cloud_id[40],
			 ar_err *e)
{
	registration_row r;

	if (find_by(db, "name = ? AND status = 'Registered'", name, &r, e) != AR_OK)
		return e->status;
	if (!r.found) {
		ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: no live registration for %s", name);
		return ar_err_code(e, "RegistrationNotFound");
	}
	snprintf(cloud_id, 40, "%s", r.cloud_id);
	return unregister_row(db, &r, name, now, e);
}

int cmd_unregister_run(const registrar_opts *o, ar_err *e)
{
	registration_row r;
	char label[128];
	store *db = NULL;
	int was = 0, rc = store_open(registrar_data_dir(o), 0, &db, e);

	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK) {
		rc = unregister_target(o, db, &r, label, sizeof label, &was, e);
		if (rc == AR_OK && r.found)
			rc = unregister_row(db, &r, label, o->now, e);
		rc = store_end(db, rc, e);
	}
	/* Nothing live is what unregister would leave: exit 0, nothing written, said so (the
	 * API's DELETE answers 204 for it), as register says of the same token again. */
	if (rc == AR_OK && !r.found)
		printf(PROGRAM ": %s: %s\n", ar_text_shown(label),
		       was == 2 ? "already deactivated (the stamp's receipt), nothing changed"
		       : was ? "already unregistered, nothing changed"
		       : o->name ? "no registration of that name, nothing to unregister"
				 : "no registration of that CloudId, nothing to unregister");
	else if (rc == AR_OK)
		printf(PROGRAM ": unregistered %s (CloudId %s); the name stays reserved for it\n",
		       ar_text_shown(r.name), ar_text_shown(r.cloud_id));
	rc = store_close(db, rc, e);
	return rc;
}
