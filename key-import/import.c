/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import FILE`: verify an activation key for this stamp and write the
 * activation resource. The checks run in a fixed order, each with its reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activation.h"
#include "codec.h"
#include "ar_limits.h"
#include "check.h"
#include "import.h"
#include "commands.h"
#include "fileio.h"
#include "filekind.h"
#include "json.h"
#include "keys.h"
#include "lastcheck.h"
#include "revoked.h"
#include "stamp.h"
#include "state.h"
#include "trust.h"
#include "trust_update.h"
#include "text.h"
#include "when.h"

static long long claim_int(json_t *c, const char *key)
{
	return (long long)json_integer_value(json_object_get(c, key));
}

static const char *claim_str(json_t *c, const char *key)
{
	return json_string_value(json_object_get(c, key));
}

/* The key in the activation resource, carried again: the same bytes (its SHA-256 is the
 * resource's keySha256) for the same registration. Nothing to write; it is no rollback.
 * Only the file's hash decides: another key of the same serial is still refused. */
static int is_imported(json_t *c, const char *sha256_hex, const char *dir, int *same, ar_err *e)
{
	json_t *resource = NULL;

	*same = 0;
	if (state_read_resource(dir, &resource, e) != AR_OK)
		return e->status;
	*same = resource && strcmp(state_field_text(resource, "keySha256"), sha256_hex) == 0 &&
		strcmp(state_field_text(resource, "registration"), claim_str(c, "sub")) == 0 &&
		state_field_int(resource, "serial") == claim_int(c, "serial");
	json_decref(resource);
	return AR_OK;
}

/* An activation is here, of whatever registration. */
static int has_activation(const char *dir, int *held, ar_err *e)
{
	json_t *resource = NULL;

	if (state_read_resource(dir, &resource, e) != AR_OK)
		return e->status;
	*held = resource != NULL;
	json_decref(resource);
	return AR_OK;
}

/* Rollback: within a registration the serial only grows; across registrations (the
 * stamp unregistered and registered anew) a key issued before the one imported
 * last belongs to the past.
 * The first check runs before the lock, while another import may commit: it writes
 * the resource, the mark, then the trusted time. Reading the time (trusted time and
 * resource) before the mark (marks and resource) means any import the time read saw,
 * the mark read sees too: an older key of this registration is refused for its serial.
 * A key not newer than the mark that the resource holds byte for byte sets *same: it was
 * committed, so answering "already imported" and writing nothing is true at any moment. */
static int check_serial(json_t *c, const char *sha256_hex, const char *dir, int *same,
			const char *where, ar_err *e)
{
	long long high = 0, issued = 0;
	char when[AR_TIME_CHARS + 1], last[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];
	int held = 0;

	*same = 0;
	if (state_trusted_time(dir, &issued, e) != AR_OK ||
	    state_high_water(dir, claim_str(c, "sub"), &high, e) != AR_OK)
		return e->status;
	if (claim_int(c, "serial") <= high) {
		if (is_imported(c, sha256_hex, dir, same, e) != AR_OK)
			return e->status;
		if (*same)
			return AR_OK;
		/* The key removed, carried again: the mark's own serial, no activation here at
		 * all, and the issue time of the key imported last (every import is at or after
		 * the trusted time, which remove keeps). Anything else is not that key: another
		 * key of the serial (a registrar restored from a backup issues it again), or a
		 * key of a registration another one replaced here (its name no longer live). */
		if (claim_int(c, "serial") == high && claim_int(c, "iat") == issued &&
		    has_activation(dir, &held, e) != AR_OK)
			return e->status;
		if (claim_int(c, "serial") == high && claim_int(c, "iat") == issued && !held)
			return ar_fail(e, AR_EINPUT, where,
				       "key serial %lld of %s was imported here, and its activation "
				       "since removed; keys up to serial %lld stay refused: issue a new "
				       "key on the workstation (registrar activation-key --name %s)",
				       high, claim_str(c, "sub"), high, claim_str(c, "sub"));
		return ar_fail(e, AR_EINPUT, where,
			       "key serial %lld is not newer than %lld, already imported for %s "
			       "(rolled back)", claim_int(c, "serial"), high, claim_str(c, "sub"));
	}
	if (claim_int(c, "iat") < issued)
		return ar_fail(e, AR_EINPUT, where,
			       "key issued %s, %s before the key already imported (%s; rolled back)",
			       ar_format_time(claim_int(c, "iat"), when),
			       ar_format_span(issued - claim_int(c, "iat"), span),
			       ar_format_time(issued, last));
	return AR_OK;
}

static json_t *resource_of(const ar_activation *a, const char *compact, long long now)
{
	static const char *const copied[] = { "cloudId", "billingModel", "agreementNumber",
		"assetTag", "usageReporting", "marketplaceSyndication", "hostMatch", "hostSalt",
		"hosts", "licensed", "tenants", "serial", NULL };
	json_t *c = a->claims;
	json_t *r = json_pack("{s:i, s:O}", "version", AR_RESOURCE_VERSION, "registration",
			      json_object_get(c, "sub"));
	const char *const *k;

	for (k = copied; r && *k; k++)
		if (json_object_get(c, *k))
			json_object_set(r, *k, json_object_get(c, *k));
	if (r) {
		json_object_set(r, "issuedAt", json_object_get(c, "iat"));
		json_object_set(r, "notBefore", json_object_get(c, "nbf"));
		json_object_set(r, "expiresAt", json_object_get(c, "exp"));
		json_object_set_new(r, "issuerKid", json_string(a->kid));
		json_object_set_new(r, "importedAt", json_integer(now));
		json_object_set_new(r, "keySha256", json_string(a->sha256_hex));
		json_object_set_new(r, "activationKey", json_string(compact));
	}
	return r;
}

/* import --host|--probe: the hardware given must satisfy the key before anything is written */
static int check_hardware(const keyimport_opts *o, const ar_activation *a, const char *compact,
			  check_report *rep, const char *where, ar_err *e)
{
	json_t *r = resource_of(a, compact, o->now), *records = json_array();
	int rc = r && records ? check_import_key(o, r, records, rep, where, e)
		: ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	json_decref(records);
	json_decref(r);
	return rc;
}

/* import --host|--probe of the key imported already: the verdict on the activation it is. */
static int record_again(const keyimport_opts *o, const char *dir, const ar_activation *a,
			const char *compact, const check_report *rep, ar_err *e)
{
	json_t *resource = resource_of(a, compact, o->now);
	int rc = resource ? check_record_verdict(dir, resource, rep, o->now, e)
		: ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	json_decref(resource);
	return rc;
}

/* A key the issuer revoked (the revocation list held, or carried beside it) is refused
 * whatever else holds, the same key imported already included; a later key is not. */
static int check_revoked(const char *dir, json_t *c, const char *where, ar_err *e)
{
	long long version = 0, upto = 0;

	if (revoked_activation(dir, claim_str(c, "sub"), claim_str(c, "cloudId"),
			       claim_int(c, "serial"), &version, &upto, e) != AR_OK)
		return e->status;
	if (!version)
		return AR_OK;
	return ar_fail(e, AR_EINPUT, where, "revoked: registration %s's keys up to serial %lld "
		       "are revoked (revocation list version %lld); this is serial %lld, nothing "
		       "imported", ar_text_shown(claim_str(c, "sub")), upto, version,
		       claim_int(c, "serial"));
}

/* Under the lock: the revocation list and the serial are checked again, then the
 * resource and the mark written; nothing when another import of the same key committed it meanwhile (*same). */
static int commit_import(const keyimport_opts *o, const char *dir, const ar_activation *a,
			 const char *compact, const check_report *rep, int *same, const char *where,
			 ar_err *e)
{
	json_t *resource = resource_of(a, compact, o->now);
	int lock = -1, rc;

	if (!resource)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = ar_lock_dir(dir, &lock, e);
	/* a list taken since the checks (trust update holds this lock, not ours) counts */
	if (rc == AR_OK && revoked_issuer(dir, a->kid, e) != AR_OK)
		rc = ar_err_at(e, where);
	if (rc == AR_OK)
		rc = check_revoked(dir, a->claims, where, e);
	if (rc == AR_OK)
		rc = check_serial(a->claims, a->sha256_hex, dir, same, where, e);
	if (rc == AR_OK && !*same)
		rc = import_check_policy_kept(a->claims, dir, where, e);
	if (rc == AR_OK && !*same)
		rc = state_write_resource(dir, resource, e);
	if (rc == AR_OK && !*same)
		rc = state_raise_high_water(dir, claim_str(a->claims, "sub"),
					    claim_int(a->claims, "serial"), e);
	if (rc == AR_OK && !*same)
		rc = state_raise_trusted_time(dir, claim_int(a->claims, "iat"), e);
	if (rc == AR_OK && !*same && json_object_get(a->claims, "hostMatch"))
		rc = state_set_policy_mark(dir, claim_str(a->claims, "sub"),
					   claim_int(a->claims, "serial"), e);
	/* import --host|--probe: its check is the activation's last (written after it; the
	 * same key committed meanwhile is the activation judged all the same) */
	if (rc == AR_OK && rep)
		rc = lastcheck_write(dir, resource, rep, o->now, e);
	ar_unlock(lock);
	json_decref(resource);
	return rc;
}

/* The same key again says so, as `registrar register` of the same token does: nothing
 * changed, and nothing is wrong. */
static void report(const keyimport_opts *o, const import_outcome *out, const char *where)
{
	char exp[AR_WHEN_CHARS + 1];

	/* "expires T (in 365 days)": the days by the rule the registrar's "valid 365 days" uses */
	ar_format_when(out->expires_at, o->now, exp);
	if (out->same)
		printf(PROGRAM ": %s: already imported, nothing changed: registration %s, serial "
		       "%lld, expires %s\n", ar_text_shown(where), ar_text_shown(out->registration),
		       out->serial, exp);
	else
		printf(PROGRAM ": %s %s: registration %s, serial %lld, expires %s%s\n",
		       o->dry_run ? "verified" : "imported", ar_text_shown(where),
		       ar_text_shown(out->registration), out->serial, exp,
		       o->dry_run ? " (dry run: nothing written)" : "");
}

/* The trust store says which issuer may sign: whoever could write in it could plant a key. */
static int check_trust_dir(const char *dir, ar_err *e)
{
	char path[4096];

	if (ar_join_path(path, sizeof path, dir, AR_TRUST_DIR, e) != AR_OK)
		return e->status;
	return ar_file_exists(path) ? ar_prepare_private_dir(path, 0, e) : AR_OK;
}

static void outcome_of(const ar_activation *a, int same, import_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->same = same;
	snprintf(out->registration, sizeof out->registration, "%s", claim_str(a->claims, "sub"));
	out->serial = claim_int(a->claims, "serial");
	out->expires_at = claim_int(a->claims, "exp");
	memcpy(out->sha256_hex, a->sha256_hex, sizeof out->sha256_hex);
}

int import_text(const keyimport_opts *o, const char *text, size_t len, const char *where,
		import_outcome *out, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	ar_activation a = { 0 };
	long long trusted = 0;
	int rc, same = 0, hardware = o->n_host_files || o->probe;
	check_report rep;

	memset(&rep, 0, sizeof rep);
	rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = check_trust_dir(dir, e);
	if (rc == AR_OK)
		rc = ar_activation_decode(text, len, trust_lookup, (void *)dir, &a, where, e);
	if (rc == AR_OK)
		ar_sha256_hex((const uint8_t *)text, len, a.sha256_hex);
	if (rc == AR_OK)
		rc = import_check_binding(a.claims, dir, where, e);
	if (rc == AR_OK && o->registration && strcmp(claim_str(a.claims, "sub"), o->registration))
		rc = ar_fail(e, AR_EINPUT, where, "a key of registration %s, not %s: nothing imported",
			     ar_text_shown(claim_str(a.claims, "sub")), ar_text_shown(o->registration));
	if (rc == AR_OK)
		rc = check_revoked(dir, a.claims, where, e);
	if (rc == AR_OK)
		rc = import_check_clock(dir, o->now, &trusted, where, e);
	if (rc == AR_OK)
		rc = import_check_time(a.claims, o->now, trusted, where, e);
	if (rc == AR_OK)
		rc = check_serial(a.claims, a.sha256_hex, dir, &same, where, e);
	if (rc == AR_OK && !same)
		rc = import_check_policy_kept(a.claims, dir, where, e);
	/* the key imported already is judged too: the hardware is asked about, whatever key */
	if (rc == AR_OK && hardware)
		rc = check_hardware(o, &a, text, &rep, where, e);
	if (rc == AR_OK && hardware && same && !o->dry_run)
		rc = record_again(o, dir, &a, text, &rep, e);
	if (rc == AR_OK && hardware && !rep.compliant)
		rc = same ? ar_fail(e, AR_EINPUT, where, "already imported; out of compliance: %s",
				    rep.reason)
			: ar_fail(e, AR_EINPUT, where, "out of compliance: %s (nothing imported)",
				  rep.reason);
	if (rc == AR_OK && !o->dry_run && !same)
		rc = commit_import(o, dir, &a, text, hardware ? &rep : NULL, &same, where, e);
	if (rc == AR_OK)
		outcome_of(&a, same, out);
	ar_activation_free(&a);
	return rc;
}

int cmd_import_run(const keyimport_opts *o, const char *file, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	const char *where = ar_input_name(file);
	char *text = NULL;
	size_t len = 0;
	import_outcome out;
	int rc;

	rc = ar_prepare_private_dir(dir, 0, e);
	/* a rotation or revocation carried with the key counts before the key is judged */
	if (rc == AR_OK && !o->dry_run)
		rc = trust_update_beside(dir, file, e);
	if (rc == AR_OK)
		rc = check_trust_dir(dir, e);
	if (rc == AR_OK)
		rc = ar_read_carried(file, AR_KIND_ACTIVATION_KEY, &text, &len, e);
	if (rc == AR_OK)
		rc = import_text(o, text, len, where, &out, e);
	if (rc == AR_OK) {
		report(o, &out, where);
		printf("%s  %s\n", out.sha256_hex, ar_text_shown(where));
	}
	free(text);
	return rc;
}
