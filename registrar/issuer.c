/* SPDX-License-Identifier: Apache-2.0 */
#include "issuer.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "datadir.h"
#include "fileio.h"
#include "keys.h"
#include "pkcs11.h"
#include "rotate.h"

struct registrar_issuer {
	ar_keypair kp;       /* a file key: its secret in sodium_malloc memory */
	registrar_p11 *tok;  /* or a key in a token */
	char *uri;           /* the token's URI, as issuer.pkcs11 keeps it */
	char *where;         /* --pkcs11, or the issuer.pkcs11 it came from: errors name it */
	ar_signer signer;
};

static registrar_issuer *issuer_new(ar_err *e)
{
	registrar_issuer *iss = calloc(1, sizeof *iss);

	if (!iss)
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return iss;
}

/* The token signs; the signature is checked against the public key before it is used, so
 * a token that answers with another key's signature (or garbage) issues nothing. */
static int token_sign(void *ctx, const uint8_t *msg, size_t len,
		      uint8_t sig[AR_ED25519_SIG_BYTES], ar_err *e)
{
	registrar_issuer *iss = ctx;

	if (p11_sign(iss->tok, msg, len, sig, e) != AR_OK)
		return e->status;
	if (crypto_sign_verify_detached(sig, msg, len, iss->signer.pk) != 0)
		return ar_fail(e, AR_EENV, iss->where, "the token's signature does not verify with "
			       "its public key");
	return AR_OK;
}

/* The key the URI names, in its token (made there when generate and none is there). */
static int token_open(registrar_issuer *iss, const char *uri, const char *where, int bad,
		      int generate, ar_err *e)
{
	if (!(iss->uri = strdup(uri)) || !(iss->where = strdup(where)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (!(iss->tok = p11_session_open(iss->uri, iss->where, bad, e)))
		return e->status;
	if (p11_key_open(iss->tok, generate, iss->signer.pk, e) != AR_OK)
		return e->status;
	iss->signer.sign = token_sign;
	iss->signer.ctx = iss;
	return AR_OK;
}

/* issuer.pkcs11: one line, the URI. */
static int read_uri(const char *path, char **uri, ar_err *e)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (ar_read_state_file(path, AR_PKCS11_URI_MAX, &data, &len, e) != AR_OK)
		return e->status;
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len == 0 || memchr(data, '\n', len) || memchr(data, '\0', len) ||
	    strncmp((char *)data, "pkcs11:", 7) != 0) {
		free(data);
		return ar_fail(e, AR_EENV, path, "not one line holding a pkcs11: URI (damaged)");
	}
	data[len] = '\0';
	*uri = (char *)data;
	return AR_OK;
}

/* The token's key must be the one stamps trust: issuer.pub. */
static int check_pub(const registrar_issuer *iss, const char *dir, ar_err *e)
{
	char path[4096], want[AR_THUMBPRINT_CHARS + 1], got[AR_THUMBPRINT_CHARS + 1];
	uint8_t pk[AR_ED25519_PK_BYTES];

	if (ar_join_path(path, sizeof path, dir, AR_ISSUER_PUB_FILE, e) != AR_OK ||
	    ar_key_load_public(path, pk, e) != AR_OK)
		return e->status;
	if (sodium_memcmp(pk, iss->signer.pk, sizeof pk) == 0)
		return AR_OK;
	ar_jwk_thumbprint(pk, want);
	ar_jwk_thumbprint(iss->signer.pk, got);
	return ar_fail(e, AR_EENV, path, "the token's key (kid %s) is not this issuer key (kid %s): "
		       "issuer.pkcs11 names another key", got, want);
}

int registrar_issuer_open_in(const char *dir, int check, registrar_issuer **out, ar_err *e)
{
	char key[4096], p11[4096];
	char *uri = NULL;
	registrar_issuer *iss;
	int rc, has_p11;

	*out = NULL;
	/* a rotation the database holds whose files were not yet renamed: finished first */
	if (registrar_rotation_finish(dir, e) != AR_OK)
		return e->status;
	if (ar_join_path(key, sizeof key, dir, AR_ISSUER_KEY_FILE, e) != AR_OK ||
	    ar_join_path(p11, sizeof p11, dir, AR_ISSUER_PKCS11_FILE, e) != AR_OK)
		return e->status;
	has_p11 = ar_file_exists(p11);
	if (has_p11 && ar_file_exists(key))
		return ar_fail(e, AR_EENV, dir, "both " AR_ISSUER_KEY_FILE " and "
			       AR_ISSUER_PKCS11_FILE " are here (damaged): keep the one whose key "
			       AR_ISSUER_PUB_FILE " holds");
	if (!(iss = issuer_new(e)))
		return e->status;
	if (!has_p11) {
		rc = ar_key_load_private(key, &iss->kp, e);
		if (rc == AR_OK)
			ar_signer_of_secret(&iss->signer, iss->kp.sk);
	} else {
		rc = read_uri(p11, &uri, e);
		if (rc == AR_OK)
			rc = token_open(iss, uri, p11, AR_EENV, 0, e);
		if (rc == AR_OK && check)
			rc = check_pub(iss, dir, e);
		free(uri);
	}
	if (rc != AR_OK) {
		registrar_issuer_close(iss);
		return rc;
	}
	*out = iss;
	return AR_OK;
}

int registrar_issuer_open(const registrar_opts *o, registrar_issuer **out, ar_err *e)
{
	return registrar_issuer_open_in(registrar_data_dir(o), 1, out, e);
}

int registrar_issuer_check_uri(const char *pkcs11_uri, ar_err *e)
{
	if (strlen(pkcs11_uri) >= AR_PKCS11_URI_MAX)
		return ar_fail(e, AR_EUSAGE, "--pkcs11", "URI longer than %d bytes",
			       AR_PKCS11_URI_MAX - 1);
	return p11_uri_check(pkcs11_uri, "--pkcs11", AR_EUSAGE, e);
}

int registrar_issuer_generate(const char *pkcs11_uri, registrar_issuer **out, ar_err *e)
{
	registrar_issuer *iss;
	int rc;

	*out = NULL;
	if (pkcs11_uri && registrar_issuer_check_uri(pkcs11_uri, e) != AR_OK)
		return e->status;
	if (!(iss = issuer_new(e)))
		return e->status;
	if (pkcs11_uri) {
		rc = token_open(iss, pkcs11_uri, "--pkcs11", AR_EUSAGE, 1, e);
	} else {
		rc = ar_keypair_generate(&iss->kp, e);
		if (rc == AR_OK)
			ar_signer_of_secret(&iss->signer, iss->kp.sk);
	}
	if (rc != AR_OK) {
		registrar_issuer_close(iss);
		return rc;
	}
	*out = iss;
	return AR_OK;
}

int registrar_issuer_save(const registrar_issuer *iss, const char *dir, const char *suffix,
			  int force, ar_err *e)
{
	char key[4096], pub[4096], *line;
	int n = snprintf(key, sizeof key, "%s/%s%s", dir,
			 iss->tok ? AR_ISSUER_PKCS11_FILE : AR_ISSUER_KEY_FILE, suffix);
	int m = snprintf(pub, sizeof pub, "%s/%s%s", dir, AR_ISSUER_PUB_FILE, suffix);
	int rc;

	if (n < 0 || (size_t)n >= sizeof key || m < 0 || (size_t)m >= sizeof pub)
		return ar_fail(e, AR_EUSAGE, dir, "path too long");
	if (!iss->tok) {
		if (ar_key_save_private(key, &iss->kp, force, e) != AR_OK)
			return e->status;
		return ar_key_save_public(pub, iss->signer.pk, force, e);
	}
	/* the URI as given (it holds no PIN: pin-value is refused), one line */
	if (!(line = malloc(strlen(iss->uri) + 2)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	sprintf(line, "%s\n", iss->uri);
	rc = ar_write_output(key, line, strlen(line),
			     AR_WRITE_SECRET | AR_WRITE_STATE | (force ? 0 : AR_WRITE_NO_CLOBBER), e);
	free(line);
	return rc == AR_OK ? ar_key_save_public(pub, iss->signer.pk, force, e) : rc;
}

int registrar_issuer_is_token(const registrar_issuer *iss)
{
	return iss->tok != NULL;
}

const ar_signer *registrar_issuer_signer(const registrar_issuer *iss)
{
	return &iss->signer;
}

void registrar_issuer_close(registrar_issuer *iss)
{
	if (!iss)
		return;
	ar_keypair_free(&iss->kp);
	p11_close(iss->tok);
	free(iss->uri);
	free(iss->where);
	free(iss);
}
