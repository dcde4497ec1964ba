/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar activation-key`: a signed key for one live registration, with a
 * serial that grows by one per key, so the stamp can refuse an older one. */
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "datadir.h"
#include "fileio.h"
#include "issuer.h"
#include "rotate.h"
#include "hostkey.h"
#include "qr.h"
#include "json.h"
#include "registry.h"
#include "store.h"
#include "text.h"
#include "when.h"

typedef struct {
	long long id, serial;
	char *claims, *token_sha, *stamp_kid;
} live_row;

static void free_row(live_row *r)
{
	free(r->claims);
	free(r->token_sha);
	free(r->stamp_kid);
}

static char *col_dup(store_stmt *st, int col)
{
	const char *v = store_column_text(st, col);

	return strdup(v ? v : "");
}

static int read_live(store *db, const char *name, live_row *r, ar_err *e)
{
	store_stmt *st;
	int found;

	memset(r, 0, sizeof *r);
	if (store_prepare(db, "SELECT id, key_serial, claims, token_sha256, stamp_kid FROM "
			  "registrations WHERE name = ? AND status = 'Registered'", &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, name);
	found = store_step(st) == STORE_ROW;
	if (found) {
		r->id = store_column_int64(st, 0);
		r->serial = store_column_int64(st, 1);
		r->claims = col_dup(st, 2);
		r->token_sha = col_dup(st, 3);
		r->stamp_kid = col_dup(st, 4);
	}
	store_release(db, st);
	if (found)
		return AR_OK;
	ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s (no live registration)", name);
	return ar_err_code(e, "RegistrationNotFound");
}

static int record_key(store *db, const live_row *r, long long serial, long long iat,
		      long long exp, const char *name, json_t *claims, const char *compact,
		      ar_err *e)
{
	char detail[128], sha[AR_SHA256_HEX_CHARS + 1];
	store_stmt *st;

	/* the history registrar show gives (schema 4), and the key's SHA-256, which a removal
	 * receipt for this serial must name (schema 5) */
	ar_sha256_hex((const uint8_t *)compact, strlen(compact), sha);
	if (store_prepare(db, "INSERT INTO keys (registration_id, serial, issued_at, expires_at, "
			  "sha256) VALUES (?1, ?2, ?3, ?4, ?5)", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, r->id);
	store_bind_int64(st, 2, serial);
	store_bind_int64(st, 3, iat);
	store_bind_int64(st, 4, exp);
	store_bind_text(st, 5, sha);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;

	if (store_prepare(db, "UPDATE registrations SET key_serial = ?1, key_expires = ?2 "
			  "WHERE id = ?3", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, serial);
	store_bind_int64(st, 2, exp);
	store_bind_int64(st, 3, r->id);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	snprintf(detail, sizeof detail, "serial %lld, jti %s", serial,
		 json_string_value(json_object_get(claims, "jti")));
	return store_audit(db, "activation-key", name, detail, e);
}

/* The limits a stamp holds a key to, checked before the key is signed or its serial
 * recorded: a key the stamp would refuse is never issued, and its serial never spent. */
static int check_limits(const char *name, const ar_activation_params *p, long valid_days,
			ar_err *e)
{
	size_t tenants = json_array_size(p->tenants);

	if (valid_days < 1 || valid_days > AR_KEY_VALID_DAYS_MAX)
		return ar_fail(e, AR_EUSAGE, NULL, "--valid-days must be 1 to %d",
			       AR_KEY_VALID_DAYS_MAX);
	if (tenants > AR_MAX_TENANTS)
		return (ar_fail(e, AR_EINPUT, NULL, "%s has %zu tenants; an activation key carries "
			       "at most %d (registrar tenant remove)", name, tenants, AR_MAX_TENANTS),
			ar_err_code(e, "ActivationKeyLimitExceeded"));
	if (p->serial > AR_MAX_SERIAL)
		return (ar_fail(e, AR_EINPUT, NULL, "%s: serial %lld is past %lld, the largest a "
			       "stamp accepts", name, p->serial, AR_MAX_SERIAL),
			ar_err_code(e, "ActivationKeyLimitExceeded"));
	return AR_OK;
}

/* The signed key as the stamp will read it: within its file cap, every claim passing the
 * stamp's own checks. */
static int check_issued(const char *name, json_t *claims, const char *compact, ar_err *e)
{
	size_t len = strlen(compact);
	char where[AR_MAX_NAME_CHARS + 32];

	if (len > AR_MAX_FILE_BYTES)
		return (ar_fail(e, AR_EINPUT, NULL, "activation key for %s would be %zu bytes, over "
			       "the %u a stamp reads (%zu hosts, %zu tenants)", name, len,
			       AR_MAX_FILE_BYTES, json_array_size(json_object_get(claims, "hosts")),
			       json_array_size(json_object_get(claims, "tenants"))),
			ar_err_code(e, "ActivationKeyLimitExceeded"));
	snprintf(where, sizeof where, "activation key for %s", name);
	if (ar_activation_check_claims(claims, where, e) != AR_OK)
		return ar_err_code(e, "ActivationKeyLimitExceeded");
	return AR_OK;
}

int registrar_issue_key(store *db, const char *name, json_t *token_claims,
			const ar_signer *issuer, long long now, long valid_days, char **compact,
			long long *serial, ar_err *e)
{
	return registrar_issue_key_match(db, name, token_claims, issuer, now, valid_days, NULL,
					 NULL, compact, serial, e);
}

/* The policy is judged against the hosts of the registered token: a count past them could
 * never be met, so it is a usage error, and no serial is spent on it. None given: the
 * registrar's default (registrar config host-match). */
static int host_match_of(store *db, const char *name, const char *text, const char *what,
			 json_t *token_claims, json_t **claim, ar_err *e)
{
	size_t n = json_array_size(json_object_get(token_claims, "hosts"));

	*claim = NULL;
	if (!text)
		return registrar_default_host_match(db, name, n, what, claim, e);
	if (ar_host_match_parse(text, what, n, claim, e) != AR_OK)
		return ar_err_code(e, "InvalidHostMatch");
	return AR_OK;
}

int registrar_issue_key_match(store *db, const char *name, json_t *token_claims,
			      const ar_signer *issuer, long long now, long valid_days,
			      const char *host_match, const char *what, char **compact,
			      long long *serial, ar_err *e)
{
	ar_activation_params p = { 0 };
	json_t *claims = NULL;
	live_row r;
	int rc = read_live(db, name, &r, e);

	*compact = NULL;
	if (rc == AR_OK) {
		p.name = name;
		p.token_claims = token_claims ? json_incref(token_claims)
					      : json_loads(r.claims, 0, NULL);
		p.token_sha256 = r.token_sha;
		p.stamp_kid = r.stamp_kid;
		p.tenants = registration_tenants(db, r.id);
		p.serial = *serial = r.serial + 1;
		p.issued_at = now;
		p.expires_at = now + valid_days * 86400;
		if (!p.token_claims)
			rc = ar_fail(e, AR_EINTERNAL, NULL, "stored claims unreadable");
	}
	if (rc == AR_OK)
		rc = registrar_issuer_not_replaced(db, issuer->pk, e);
	if (rc == AR_OK)
		rc = host_match_of(db, name, host_match, what, p.token_claims, &p.host_match, e);
	if (rc == AR_OK)
		rc = check_limits(name, &p, valid_days, e);
	if (rc == AR_OK && !(claims = ar_activation_claims(&p, e)))
		rc = e->status;
	if (rc == AR_OK)
		rc = registrar_host_match_reachable(name, claims, e);
	if (rc == AR_OK)
		rc = ar_activation_encode(claims, issuer, compact, e);
	if (rc == AR_OK)
		rc = check_issued(name, claims, *compact, e);
	if (rc == AR_OK)
		rc = record_key(db, &r, p.serial, p.issued_at, p.expires_at, name, claims,
				*compact, e);
	if (rc != AR_OK) {
		free(*compact);
		*compact = NULL;
	}
	json_decref(claims);
	json_decref(p.token_claims);
	json_decref(p.tenants);
	json_decref(p.host_match);
	free_row(&r);
	return rc;
}

/* Written after the commit: a serial on a key that left is always recorded. */
static int write_key(const registrar_opts *o, const char *compact, long long serial, ar_err *e)
{
	FILE *report = ar_qr_status_stream(o->output, o->qr);
	size_t len = strlen(compact);
	char what[128], span[AR_SPAN_CHARS + 1], until[AR_TIME_CHARS + 1];

	if (o->output) {
		const char *out = ar_output_name(o->output);

		if (ar_write_output(o->output, compact, len, 0, e) != AR_OK)
			return e->status;
		/* "valid 365 days" by the rule the stamp's "in 365 days" uses (common/when.h) */
		fprintf(report, PROGRAM ": wrote %s: activation key for %s, serial %lld, valid %s "
			"(until %s), %zu bytes\n", ar_text_shown(out), ar_text_shown(o->name), serial,
			ar_format_span(o->valid_days * 86400LL, span),
			ar_format_time(o->now + o->valid_days * 86400LL, until), len);
		ar_report_sha256(report, compact, len, out);
	}
	snprintf(what, sizeof what, "activation key for %s, serial %lld (%zu bytes)", o->name,
		 serial, len);
	return o->qr ? ar_qr_output(o->qr, compact, len, PROGRAM, what, report, e) : AR_OK;
}

int cmd_activation_key_run(const registrar_opts *o, ar_err *e)
{
	registrar_issuer *issuer = NULL;
	store *db = NULL;
	char *compact = NULL;
	long long serial = 0;
	int rc;

	if (!o->name || (!o->output && !o->qr))
		return ar_fail(e, AR_EUSAGE, NULL, "activation-key needs --name NAME and "
			       "-o FILE|- or --qr FILE.png|-");
	if (ar_qr_check_outputs(o->output, o->qr, e) != AR_OK)
		return e->status;
	if (o->valid_days < 1 || o->valid_days > AR_KEY_VALID_DAYS_MAX)
		return ar_fail(e, AR_EUSAGE, NULL, "--valid-days must be 1 to %d",
			       AR_KEY_VALID_DAYS_MAX);
	rc = store_open(registrar_data_dir(o), 0, &db, e);
	if (rc == AR_OK)
		rc = registrar_issuer_open(o, &issuer, e);
	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK) {
		rc = registrar_issue_key_match(db, o->name, NULL,
					       registrar_issuer_signer(issuer), o->now, o->valid_days,
					       o->host_match, "--host-match", &compact, &serial, e);
		rc = store_end(db, rc, e);
	}
	if (rc == AR_OK)
		rc = write_key(o, compact, serial, e);
	free(compact);
	registrar_issuer_close(issuer);
	rc = store_close(db, rc, e);
	return rc;
}
