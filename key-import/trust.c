/* SPDX-License-Identifier: Apache-2.0 */
#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ar_limits.h"
#include "chain.h"
#include "codec.h"
#include "fileio.h"
#include "commands.h"
#include "json.h"
#include "keys.h"
#include "reach.h"
#include "revoked.h"
#include "state.h"
#include "text.h"

int trust_file_path(const char *state_dir, const char *name, const char *suffix, char *out,
		    size_t cap, ar_err *e)
{
	int n = snprintf(out, cap, "%s/%s/%s%s", state_dir, AR_TRUST_DIR, name, suffix);

	return (n < 0 || (size_t)n >= cap) ? ar_fail(e, AR_EUSAGE, state_dir, "path too long")
					   : AR_OK;
}

static int trust_path(const char *state_dir, const char *kid, char *out, size_t cap, ar_err *e)
{
	return trust_file_path(state_dir, kid, ".pub", out, cap, e);
}

/* The trust store's file for kid, read and held to its name: a file named for one key
 * that holds another (or nothing usable) is damaged state, refused with exit 5. */
static int trust_read(const char *path, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES],
		      ar_err *e)
{
	char held[AR_THUMBPRINT_CHARS + 1];

	if (ar_key_load_public(path, pk, e) != AR_OK)
		return ar_fail(e, AR_EENV, path, "%s", e->msg);
	ar_jwk_thumbprint(pk, held);
	if (strcmp(held, kid) != 0)
		return ar_fail(e, AR_EENV, path,
			       "holds issuer key %s, not the key its name says; the trust store "
			       "was changed by hand", held);
	return AR_OK;
}

int trust_add(const char *state_dir, const char *pub_file, ar_err *e)
{
	char dir[4096], path[4200], kid[AR_THUMBPRINT_CHARS + 1], hex[AR_SHA256_HEX_CHARS + 1];
	uint8_t pk[AR_ED25519_PK_BYTES], stored[AR_ED25519_PK_BYTES];
	char *pem;
	int rc;

	if (ar_key_load_scanned_public(pub_file, pk, hex, e) != AR_OK ||
	    ar_prepare_private_dir(state_dir, 1, e) != AR_OK ||
	    ar_join_path(dir, sizeof dir, state_dir, AR_TRUST_DIR, e) != AR_OK ||
	    ar_prepare_private_dir(dir, 1, e) != AR_OK)
		return e->status;
	ar_jwk_thumbprint(pk, kid);
	if (trust_path(state_dir, kid, path, sizeof path, e) != AR_OK)
		return e->status;
	if (ar_file_exists(path)) {
		if (trust_read(path, kid, stored, e) != AR_OK)
			return e->status;
		printf(PROGRAM ": issuer key %s is already trusted\n", kid);
		ar_report_sha256_hex(stdout, hex, pub_file);
		return AR_OK;
	}
	pem = ar_key_public_pem(pk);
	if (!pem)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = ar_write_output(path, pem, strlen(pem), AR_WRITE_NO_CLOBBER | AR_WRITE_STATE, e);
	free(pem);
	/* the SHA-256 of the file read, to compare with the one registrar printed */
	if (rc == AR_OK) {
		printf(PROGRAM ": trusted issuer key %s\n", kid);
		ar_report_sha256_hex(stdout, hex, pub_file);
	}
	return rc;
}

int trust_lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	char path[4200];

	if (!ar_kid_ok(kid))
		return ar_fail(e, AR_EINPUT, NULL, "issuer kid is not a key thumbprint");
	if (trust_path(ctx, kid, path, sizeof path, e) != AR_OK)
		return e->status;
	/* a revoked key is trusted for nothing, however it came */
	if (revoked_issuer(ctx, kid, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(path))
		return chain_lookup(ctx, kid, pk, e);
	return trust_read(path, kid, pk, e);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The kid that signed the activation resource, or "" when there is none. A damaged
 * resource is refused unless tolerate: then it is named in a warning and nothing is
 * marked, so the trust store can still be listed, or a key removed with --force. */
static int current_kid(const char *state_dir, char out[AR_THUMBPRINT_CHARS + 1],
		       json_t **resource, int tolerate, ar_err *e)
{
	json_t *r = NULL;
	int rc = state_read_resource(state_dir, &r, e);

	out[0] = '\0';
	if (rc != AR_OK && tolerate) {
		ar_warn(PROGRAM, "%s%s%s; the key that signed the current activation is not known",
			e->where, e->where[0] ? ": " : "", e->msg);
		rc = AR_OK;
	}
	if (rc == AR_OK && r)
		snprintf(out, AR_THUMBPRINT_CHARS + 1, "%s", state_field_text(r, "issuerKid"));
	if (resource)
		*resource = r;
	else
		json_decref(r);
	return rc;
}

/* The chain's keys after the keys trust add installed, each marked as the current issuer
 * key (the chain's last) and as the signer of the current activation where it is. */
static void print_chain(json_t *chain, const char *signer)
{
	json_t *item, *list = json_object_get(chain, "issuerChain");
	size_t i;

	json_array_foreach(list, i, item) {
		const char *kid = json_string_value(json_object_get(item, "kid"));

		printf("%s  rotation version %lld, replaces %s%s%s%s\n", kid,
		       (long long)json_integer_value(json_object_get(item, "version")),
		       json_string_value(json_object_get(item, "previousKid")),
		       json_is_true(json_object_get(item, "current")) ? "  (current issuer key)" : "",
		       strcmp(kid, signer) == 0 ? "  (signed the current activation)" : "",
		       json_is_true(json_object_get(item, "revoked")) ? "  (revoked)" : "");
	}
}

static int print_list(char (*kids)[AR_THUMBPRINT_CHARS + 1], const long long *added,
		      const int *revoked, size_t n, const char *signer, json_t *chain, int json,
		      ar_err *e)
{
	char when[AR_TIME_CHARS + 1], *text;
	json_t *doc, *list;
	size_t i;

	if (!json) {
		/* the kid first, one a line: `cut -d' ' -f1` still gives the kids */
		for (i = 0; i < n; i++)
			printf("%s  added %s%s%s\n", kids[i], ar_format_time(added[i], when),
			       strcmp(kids[i], signer) == 0 ? "  (signed the current activation)" : "",
			       revoked[i] ? "  (revoked)" : "");
		print_chain(chain, signer);
		revoked_print_summary(json_object_get(chain, "revocationList"));
		return AR_OK;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:I, s:b, s:b}", "kid", kids[i],
						      "addedAt", (json_int_t)added[i],
						      "signedCurrentActivation",
						      strcmp(kids[i], signer) == 0, "revoked",
						      revoked[i]));
	doc = json_pack("{s:o}", "trustedIssuerKeys", list);
	if (!doc || json_object_update(doc, chain) != 0) {
		json_decref(doc);
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	text = ar_json_dump_compact(doc);
	printf("%s\n", text ? text : "");
	free(text);
	json_decref(doc);
	return AR_OK;
}

int trust_kids(const char *state_dir, char kids[][AR_THUMBPRINT_CHARS + 1], size_t max,
	       size_t *n, ar_err *e)
{
	char dir[4096];
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (ar_join_path(dir, sizeof dir, state_dir, AR_TRUST_DIR, e) != AR_OK)
		return e->status;
	d = opendir(dir);
	if (!d && errno != ENOENT)
		return ar_fail_reach(e, AR_EENV, dir, errno, AR_REACH_READ);
	while (d && *n < max && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != AR_THUMBPRINT_CHARS + 4 ||
		    strcmp(de->d_name + AR_THUMBPRINT_CHARS, ".pub") != 0)
			continue;
		snprintf(kids[*n], sizeof kids[*n], "%.*s", AR_THUMBPRINT_CHARS, de->d_name);
		*n += (size_t)ar_kid_ok(kids[*n]);
	}
	if (d)
		closedir(d);
	return AR_OK;
}

int trust_list(const char *state_dir, int json, ar_err *e)
{
	char path[4200], kids[AR_MAX_TRUSTED_KEYS][AR_THUMBPRINT_CHARS + 1];
	char signer[AR_THUMBPRINT_CHARS + 1];
	long long added[AR_MAX_TRUSTED_KEYS];
	int revoked[AR_MAX_TRUSTED_KEYS];
	uint8_t pk[AR_ED25519_PK_BYTES];
	struct stat st;
	size_t n = 0, i;
	json_t *chain, *revocations = NULL;
	int rc;

	if (trust_kids(state_dir, kids, AR_MAX_TRUSTED_KEYS, &n, e) != AR_OK)
		return e->status;
	qsort(kids, n, sizeof *kids, by_text);
	/* list only what a lookup would accept; "added" is the file's time: trust add
	 * writes it once and never rewrites it (no other record of the time is kept) */
	for (i = 0; i < n; i++) {
		if (trust_path(state_dir, kids[i], path, sizeof path, e) != AR_OK ||
		    trust_read(path, kids[i], pk, e) != AR_OK)
			return e->status;
		if (stat(path, &st) != 0)
			return ar_fail(e, AR_EENV, path, "cannot read: %s", strerror(errno));
		added[i] = (long long)st.st_mtime;
		if (revoked_issuer_flag(state_dir, kids[i], &revoked[i], e) != AR_OK)
			return e->status;
	}
	if (current_kid(state_dir, signer, NULL, 1, e) != AR_OK)
		return e->status;
	/* read whole before a line is printed: a damaged chain is refused, not half listed */
	chain = json_object();
	rc = chain ? chain_list(state_dir, chain, e)
		   : ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK)
		rc = revoked_summary(state_dir, &revocations, e);
	/* "revocationList": the held list, or null when none is */
	if (rc == AR_OK && json_object_set_new(chain, "revocationList", revocations ? revocations
					       : json_null()) != 0)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK)
		rc = print_list(kids, added, revoked, n, signer, chain, json, e);
	json_decref(chain);
	return rc;
}

/* The key that signed the activation the stamp runs on is the one its next key is most
 * likely to come from: removing it takes --force, as replacing a key file does. */
static int check_signer(const char *state_dir, const char *kid, int force, ar_err *e)
{
	char signer[AR_THUMBPRINT_CHARS + 1];
	json_t *r = NULL;
	int rc = current_kid(state_dir, signer, &r, force, e);

	if (rc == AR_OK && strcmp(signer, kid) == 0 && !force)
		rc = ar_fail(e, AR_EENV, NULL,
			     "issuer key %s signed the current activation (registration %s, "
			     "serial %lld): the next key it signs would be refused (--force "
			     "removes it anyway)", kid, state_field_text(r, "registration"),
			     state_field_int(r, "serial"));
	else if (rc == AR_OK && strcmp(signer, kid) == 0)
		ar_warn(PROGRAM, "issuer key %s signed the current activation (registration %s, "
			"serial %lld); the next key it signs will be refused", kid,
			state_field_text(r, "registration"), state_field_int(r, "serial"));
	json_decref(r);
	return rc;
}

int trust_remove(const char *state_dir, const char *kid_or_file, int force, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1], path[4200];
	uint8_t pk[AR_ED25519_PK_BYTES];
	ar_err ignored;

	if (ar_kid_ok(kid_or_file)) {
		snprintf(kid, sizeof kid, "%s", kid_or_file);
	} else if (ar_key_load_public(kid_or_file, pk, e) == AR_OK) {
		ar_jwk_thumbprint(pk, kid);
	} else {
		return e->status;
	}
	if (trust_path(state_dir, kid, path, sizeof path, e) != AR_OK)
		return e->status;
	/* a key the held chain brought stays trusted whatever trusted/ holds: saying "no longer
	 * trusts" or "not trusted" would be false (a damaged chain trusts nothing: ignored) */
	if (chain_lookup(state_dir, kid, pk, &ignored) == AR_OK)
		return ar_fail(e, AR_EINPUT, NULL, "issuer key %s came with the issuer chain (trust "
			       "list) and stays trusted: trust remove takes only keys trust add "
			       "installed; to stop trusting it, revoke it (registrar revoke "
			       "--issuer-key %s, carried with key-import trust update)", kid, kid);
	/* a file named for kid that holds another key is left for the operator to inspect */
	if (ar_file_exists(path) && (trust_read(path, kid, pk, e) != AR_OK ||
				     check_signer(state_dir, kid, force, e) != AR_OK))
		return e->status;
	if (unlink(path) != 0)
		return ar_fail(e, errno == ENOENT ? AR_EINPUT : AR_EENV, path,
			       errno == ENOENT ? "issuer key %s is not trusted" : "cannot remove %s",
			       kid);
	printf(PROGRAM ": no longer trusts issuer key %s\n", kid);
	return AR_OK;
}
