/* SPDX-License-Identifier: Apache-2.0 */
/* A list is taken only when it is the issuer's (signed by a key trusted here, which neither
 * the held list nor the list itself revokes) and newer than the one held, and it must hold
 * every revocation the held one does: an older list carried again (a rollback), or one that
 * leaves an entry out, would lift a revocation. */
#include "revoked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "commands.h"
#include "filekind.h"
#include "fileio.h"
#include "revocation.h"
#include "text.h"
#include "trust.h"

static int held_path(const char *state_dir, char *out, size_t cap, ar_err *e)
{
	return trust_file_path(state_dir, AR_REVOCATION_LIST_FILE, "", out, cap, e);
}

/* The held list, checked but not verified again: it was when it was taken, and the key that
 * signed it may be gone from the trust store since (that does not lift its revocations).
 * *present 0: none held. A file that is not a list is damaged state (AR_EENV). */
static int read_held(const char *state_dir, ar_revocation *held, int *present, ar_err *e)
{
	char path[4200];
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	*present = 0;
	memset(held, 0, sizeof *held);
	if (held_path(state_dir, path, sizeof path, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(path))
		return AR_OK;
	rc = ar_read_state_file(path, AR_MAX_FILE_BYTES, &data, &len, e);
	if (rc == AR_OK && ar_revocation_decode((const char *)data, len, NULL, NULL, held, path,
						e) != AR_OK)
		rc = ar_fail(e, AR_EENV, path, "%s (changed by hand or damaged: carry the latest "
			     "list again, key-import trust update FILE, after removing this one)",
			     e->msg);
	free(data);
	*present = rc == AR_OK;
	return rc;
}

/* Against the held list: AR_OK to keep it, *same when it is the held one again. */
static int judge(const ar_revocation *l, const ar_revocation *held, int *same,
		 const char *where, ar_err *e)
{
	*same = l->version == held->version && strcmp(l->sha256_hex, held->sha256_hex) == 0;
	if (*same)
		return AR_OK;
	if (l->version < held->version)
		return ar_fail(e, AR_EINPUT, where, "revocation list version %lld is older than "
			       "version %lld held here (a rollback; nothing changed)", l->version,
			       held->version);
	if (l->version == held->version)
		return ar_fail(e, AR_EINPUT, where, "revocation list version %lld is not the "
			       "version %lld held here (another list of the same version; nothing "
			       "changed)", l->version, held->version);
	return ar_revocation_keeps(l, held, where, e);
}

static int keep(const char *state_dir, const char *text, size_t len, ar_err *e)
{
	char dir[4096], path[4200];

	if (ar_join_path(dir, sizeof dir, state_dir, AR_TRUST_DIR, e) != AR_OK ||
	    ar_prepare_private_dir(dir, 1, e) != AR_OK ||
	    held_path(state_dir, path, sizeof path, e) != AR_OK)
		return e->status;
	return ar_write_output(path, text, len, AR_WRITE_STATE, e);
}

int revoked_update(const char *state_dir, const char *text, size_t len, const char *where,
		   ar_err *e)
{
	uint8_t *data = malloc(len + 1);
	ar_revocation l = { 0 }, held = { 0 };
	int rc = AR_OK, present = 0, same = 0;

	if (!data)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	memcpy(data, text, len);
	data[len] = '\0';
	/* another file of the gap is named for what it is, as import names it */
	rc = ar_expect_kind(data, len, AR_KIND_REVOCATION_LIST, where, e);
	if (rc == AR_OK)
		rc = ar_compact_text(data, &len, where, e);
	if (rc == AR_OK)
		rc = ar_revocation_decode((const char *)data, len, trust_lookup, (void *)state_dir,
					  &l, where, e);
	if (rc == AR_OK)
		rc = read_held(state_dir, &held, &present, e);
	if (rc == AR_OK && present)
		rc = judge(&l, &held, &same, where, e);
	if (rc == AR_OK && !same)
		rc = keep(state_dir, (const char *)data, len, e);
	if (rc == AR_OK && same)
		printf(PROGRAM ": %s: revocation list version %lld is already held, nothing "
		       "changed\n", ar_text_shown(where), l.version);
	else if (rc == AR_OK)
		printf(PROGRAM ": accepted revocation list version %lld (issuer key %s): %zu "
		       "issuer keys, %zu activations revoked\n", l.version, l.kid,
		       json_array_size(json_object_get(l.claims, "issuerKeys")),
		       json_array_size(json_object_get(l.claims, "activations")));
	if (rc == AR_OK)
		ar_report_sha256_hex(stdout, l.sha256_hex, where);
	ar_revocation_free(&l);
	ar_revocation_free(&held);
	free(data);
	return rc;
}

int revoked_issuer(const char *state_dir, const char *kid, ar_err *e)
{
	ar_revocation held;
	int present = 0, rc = read_held(state_dir, &held, &present, e);

	if (rc == AR_OK && present && ar_revocation_issuer_revoked(&held, kid))
		rc = ar_fail(e, AR_EINPUT, NULL, "issuer key %s is revoked (revocation list "
			     "version %lld)", kid, held.version);
	ar_revocation_free(&held);
	return rc;
}

int revoked_issuer_flag(const char *state_dir, const char *kid, int *revoked, ar_err *e)
{
	int rc = revoked_issuer(state_dir, kid, e);

	*revoked = rc == AR_EINPUT;
	return rc == AR_EINPUT ? AR_OK : rc;
}

int revoked_activation(const char *state_dir, const char *registration, const char *cloud_id,
		       long long serial, long long *version, long long *upto, ar_err *e)
{
	ar_revocation held;
	int present = 0, rc = read_held(state_dir, &held, &present, e);

	*version = 0;
	*upto = 0;
	if (rc == AR_OK && present) {
		*upto = ar_revocation_serials_up_to(&held, registration, cloud_id);
		if (serial <= *upto)
			*version = held.version;
	}
	ar_revocation_free(&held);
	return rc;
}

int revoked_summary(const char *state_dir, json_t **out, ar_err *e)
{
	ar_revocation held;
	int present = 0, rc = read_held(state_dir, &held, &present, e);

	*out = NULL;
	if (rc == AR_OK && present &&
	    !(*out = json_pack("{s:I, s:O, s:s, s:s, s:I, s:I}", "version",
			       (json_int_t)held.version, "issuedAt",
			       json_object_get(held.claims, "issuedAt"), "signedBy", held.kid,
			       "sha256", held.sha256_hex, "revokedIssuerKeys",
			       (json_int_t)json_array_size(json_object_get(held.claims, "issuerKeys")),
			       "revokedRegistrations",
			       (json_int_t)json_array_size(json_object_get(held.claims,
									   "activations")))))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	ar_revocation_free(&held);
	return rc;
}

/* trust list's last line: what a key it lists may no longer be trusted for. */
void revoked_print_summary(json_t *l)
{
	long long keys = (long long)json_integer_value(json_object_get(l, "revokedIssuerKeys"));
	long long regs = (long long)json_integer_value(json_object_get(l, "revokedRegistrations"));

	if (l && !json_is_null(l))
		printf("revocation list version %lld (%lld issuer key%s, %lld registration%s), "
		       "signed by %s\n",
		       (long long)json_integer_value(json_object_get(l, "version")), keys,
		       keys == 1 ? "" : "s", regs, regs == 1 ? "" : "s",
		       json_string_value(json_object_get(l, "signedBy")));
}
