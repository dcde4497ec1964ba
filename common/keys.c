/* SPDX-License-Identifier: Apache-2.0 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "fileio.h"
#include "filekind.h"
#include "reach.h"

int ar_keypair_generate(ar_keypair *kp, ar_err *e)
{
	kp->sk = sodium_malloc(AR_ED25519_SK_BYTES);
	if (!kp->sk)
		return ar_fail(e, AR_EINTERNAL, NULL, "cannot allocate secure memory");
	crypto_sign_keypair(kp->pk, kp->sk);
	return AR_OK;
}

void ar_keypair_free(ar_keypair *kp)
{
	if (kp->sk)
		sodium_free(kp->sk); /* sodium_free wipes before unmapping */
	kp->sk = NULL;
}

static int save_pem(const char *path, EVP_PKEY *pkey, int is_private, int force, ar_err *e)
{
	/* A secure-memory BIO clears the PEM text when freed. */
	BIO *bio = BIO_new(is_private ? BIO_s_secmem() : BIO_s_mem());
	char *pem = NULL;
	long len;
	int ok, flags = AR_WRITE_STATE | (is_private ? AR_WRITE_SECRET : 0) |
			(force ? 0 : AR_WRITE_NO_CLOBBER);
	int rc;

	if (!bio)
		return ar_fail(e, AR_EINTERNAL, path, "OpenSSL: out of memory");
	ok = is_private ? PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)
			: PEM_write_bio_PUBKEY(bio, pkey);
	len = BIO_get_mem_data(bio, &pem);
	if (!ok || len <= 0)
		rc = ar_fail(e, AR_EINTERNAL, path, "OpenSSL: cannot encode key");
	else
		rc = ar_write_output(path, pem, (size_t)len, flags, e);
	BIO_free(bio);
	return rc;
}

int ar_key_save_private(const char *path, const ar_keypair *kp, int force, ar_err *e)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, kp->sk,
						      AR_ED25519_SEED_BYTES);
	int rc;

	if (!pkey)
		return ar_fail(e, AR_EINTERNAL, path, "OpenSSL: cannot load Ed25519 key");
	rc = save_pem(path, pkey, 1, force, e);
	EVP_PKEY_free(pkey);
	return rc;
}

int ar_key_save_public(const char *path, const uint8_t pk[AR_ED25519_PK_BYTES], int force,
		       ar_err *e)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk,
						     AR_ED25519_PK_BYTES);
	int rc;

	if (!pkey)
		return ar_fail(e, AR_EINTERNAL, path, "OpenSSL: cannot load Ed25519 key");
	rc = save_pem(path, pkey, 0, force, e);
	EVP_PKEY_free(pkey);
	return rc;
}

char *ar_key_public_pem(const uint8_t pk[AR_ED25519_PK_BYTES])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk,
						     AR_ED25519_PK_BYTES);
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *out = NULL;
	long len;

	if (pkey && bio && PEM_write_bio_PUBKEY(bio, pkey)) {
		len = BIO_get_mem_data(bio, &data);
		if (len > 0 && (out = malloc((size_t)len + 1)) != NULL) {
			memcpy(out, data, (size_t)len);
			out[len] = '\0';
		}
	}
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return out;
}

/* Reads a key file into secure memory, refusing links and loose permissions. */
static int read_key_file(const char *path, int is_private, uint8_t *buf, size_t cap,
			 size_t *len, ar_err *e)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO is refused as not a regular file, not waited on. */
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK |
			    (is_private ? O_NOFOLLOW : 0));
	ssize_t n = 0;
	int rc = AR_OK;

	if (fd < 0) {
		if (errno == ELOOP)
			return ar_fail(e, AR_EENV, path, "private key file is a symbolic link (refused)");
		if (errno == EACCES || errno == EPERM)
			return ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_READ);
		return ar_fail(e, (errno == ENOENT && !is_private) ? AR_EINPUT : AR_EENV, path,
			       "cannot open key: %s",
			       strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = ar_fail(e, AR_EENV, path, "not a regular file");
	/* Its owner may rewrite it (chmod, then write) whatever its mode says. */
	if (rc == AR_OK && is_private && st.st_uid != geteuid() && geteuid() != 0)
		rc = ar_fail_not_owner(e, path, 1, st.st_uid);
	if (rc == AR_OK && is_private && st.st_uid != geteuid())
		rc = ar_fail(e, AR_EENV, path,
			     "private key is owned by uid %u, not by uid %u who runs this; "
			     "run chown %u on it",
			     (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid());
	if (rc == AR_OK && is_private && (st.st_mode & 077))
		rc = ar_fail(e, AR_EENV, path,
			     "private key is accessible by group or others (mode %04o); run chmod 600",
			     (unsigned)(st.st_mode & 07777));
	if (rc == AR_OK && (size_t)st.st_size >= cap)
		rc = ar_fail(e, AR_EINPUT, path, "key file larger than %zu bytes", cap - 1);
	*len = 0;
	while (rc == AR_OK && (n = read(fd, buf + *len, cap - 1 - *len)) > 0)
		*len += (size_t)n;
	if (rc == AR_OK && n < 0)
		rc = ar_fail(e, AR_EENV, path, "cannot read key: %s", strerror(errno));
	close(fd);
	return rc;
}

int ar_read_secret_file(const char *path, uint8_t *buf, size_t cap, size_t *len, ar_err *e)
{
	return read_key_file(path, 1, buf, cap, len, e);
}

/* Never prompt on a terminal for an encrypted key: stamps run unattended. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* RFC 8410 DER of an Ed25519 key, as OpenSSL and the other tools we know write it:
 * SubjectPublicKeyInfo, and PKCS#8 version 0 holding the 32-byte seed. */
static const uint8_t spki_prefix[] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
				       0x03, 0x21, 0x00 };
static const uint8_t pkcs8_prefix[] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03,
					0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };

/* Those exact forms need only OpenSSL's PEM armour (PEM_read_bio), not its decoders,
 * whose provider start-up costs milliseconds per process: 1 and the 32 key bytes, or 0
 * and the caller asks OpenSSL's full decoder. */
static int parse_pem_fast(const uint8_t *pem, size_t len, int is_private, uint8_t out[32])
{
	const uint8_t *prefix = is_private ? pkcs8_prefix : spki_prefix;
	size_t prefix_len = is_private ? sizeof pkcs8_prefix : sizeof spki_prefix;
	BIO *bio;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	int ok = 0;

	/* OpenSSL's PEM readers decide by the last error queued (PEM_R_NO_START_LINE...): one
	 * left by an earlier file made the same file read otherwise the next time (the fuzz
	 * target status: a damaged trust-store key was exit 5, then Untrusted, in one process) */
	ERR_clear_error();
	bio = BIO_new_mem_buf(pem, (int)len);

	if (bio && PEM_read_bio(bio, &name, &header, &der, &der_len) == 1 &&
	    strcmp(name, is_private ? "PRIVATE KEY" : "PUBLIC KEY") == 0 && header[0] == '\0' &&
	    der_len == (long)(prefix_len + 32) && memcmp(der, prefix, prefix_len) == 0) {
		memcpy(out, der + prefix_len, 32);
		ok = 1;
	}
	if (der) {
		OPENSSL_cleanse(der, (size_t)der_len);
		OPENSSL_free(der);
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(bio);
	ERR_clear_error();
	return ok;
}

static EVP_PKEY *parse_pem(const uint8_t *pem, size_t len, int is_private)
{
	BIO *bio;
	EVP_PKEY *pkey = NULL;

	ERR_clear_error();  /* as parse_pem_fast: no earlier error may steer the decoder */
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio) {
		pkey = is_private ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)
				  : PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
		BIO_free(bio);
	}
	if (pkey && EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	ERR_clear_error();
	return pkey;
}

int ar_key_load_private(const char *path, ar_keypair *kp, ar_err *e)
{
	uint8_t *buf = sodium_malloc(AR_MAX_KEY_FILE_BYTES);
	uint8_t *seed = sodium_malloc(AR_ED25519_SEED_BYTES);
	size_t len = 0, seed_len = AR_ED25519_SEED_BYTES;
	EVP_PKEY *pkey = NULL;
	int rc;

	kp->sk = sodium_malloc(AR_ED25519_SK_BYTES);
	if (!buf || !seed || !kp->sk) {
		rc = ar_fail(e, AR_EINTERNAL, path, "cannot allocate secure memory");
		goto out;
	}
	rc = read_key_file(path, 1, buf, AR_MAX_KEY_FILE_BYTES, &len, e);
	if (rc != AR_OK)
		goto out;
	if (parse_pem_fast(buf, len, 1, seed)) {
		crypto_sign_seed_keypair(kp->pk, kp->sk, seed);
		goto out;
	}
	pkey = parse_pem(buf, len, 1);
	if (!pkey || EVP_PKEY_get_raw_private_key(pkey, seed, &seed_len) != 1 ||
	    seed_len != AR_ED25519_SEED_BYTES) {
		rc = ar_fail(e, AR_EINPUT, path, "not a PEM PKCS#8 Ed25519 private key");
		goto out;
	}
	crypto_sign_seed_keypair(kp->pk, kp->sk, seed);
out:
	EVP_PKEY_free(pkey);
	if (buf)
		sodium_free(buf);
	if (seed)
		sodium_free(seed);
	if (rc != AR_OK)
		ar_keypair_free(kp);
	return rc;
}

/* scanned: the text may start with zbarimg's "QR-Code:" (a scan without --raw), which
 * hides the BEGIN line from OpenSSL, as every other reader of a scan takes it.
 * sha256_hex (or NULL): the SHA-256 of the file's bytes, for a reader's report line; the
 * bytes parsed are the bytes hashed, one read, so the line names this key. */
static int load_public(const char *path, int scanned, uint8_t pk[AR_ED25519_PK_BYTES],
		       char *sha256_hex, ar_err *e)
{
	uint8_t buf[AR_MAX_KEY_FILE_BYTES], *pem = buf;
	size_t len = 0, pk_len = AR_ED25519_PK_BYTES, skip = strlen(AR_QR_ZBAR_PREFIX);
	EVP_PKEY *pkey;
	int rc = read_key_file(path, 0, buf, sizeof buf, &len, e);

	if (rc != AR_OK)
		return rc;
	if (sha256_hex)
		ar_sha256_hex(buf, len, sha256_hex);
	if (scanned && len >= skip && memcmp(buf, AR_QR_ZBAR_PREFIX, skip) == 0) {
		pem += skip;
		len -= skip;
	}
	if (parse_pem_fast(pem, len, 0, pk))
		return AR_OK;
	pkey = parse_pem(pem, len, 0);
	/* another file of the gap is named for what it is, a private key among them */
	if (!pkey || EVP_PKEY_get_raw_public_key(pkey, pk, &pk_len) != 1 ||
	    pk_len != AR_ED25519_PK_BYTES)
		rc = ar_expect_kind(pem, len, AR_KIND_PUBLIC_KEY, path, e) != AR_OK
			     ? e->status
			     : ar_fail(e, AR_EINPUT, path,
				       "not a PEM SubjectPublicKeyInfo Ed25519 key");
	EVP_PKEY_free(pkey);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int ar_key_load_public(const char *path, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	return load_public(path, 0, pk, NULL, e);
}

int ar_key_load_public_sha256(const char *path, uint8_t pk[AR_ED25519_PK_BYTES],
			      char sha256_hex[AR_SHA256_HEX_CHARS + 1], ar_err *e)
{
	return load_public(path, 0, pk, sha256_hex, e);
}

int ar_key_load_scanned_public(const char *path, uint8_t pk[AR_ED25519_PK_BYTES],
			       char sha256_hex[AR_SHA256_HEX_CHARS + 1], ar_err *e)
{
	return load_public(path, 1, pk, sha256_hex, e);
}

json_t *ar_jwk_from_public(const uint8_t pk[AR_ED25519_PK_BYTES])
{
	char *x = ar_b64url_encode(pk, AR_ED25519_PK_BYTES);
	json_t *jwk = x ? json_pack("{s:s, s:s, s:s}", "crv", AR_JWK_CRV, "kty", AR_JWK_KTY,
				    "x", x) : NULL;

	free(x);
	return jwk;
}

int ar_jwk_to_public(json_t *jwk, uint8_t pk[AR_ED25519_PK_BYTES], const char *where,
		     ar_err *e)
{
	json_t *kty = json_object_get(jwk, "kty"), *crv = json_object_get(jwk, "crv");
	json_t *x = json_object_get(jwk, "x");
	size_t len = 0;

	if (!json_is_object(jwk))
		return ar_fail(e, AR_EINPUT, where, "\"jwk\" is not an object");
	if (json_object_get(jwk, "d"))
		return ar_fail(e, AR_EINPUT, where, "\"jwk\" carries a private key (refused)");
	if (!json_is_string(kty) || strcmp(json_string_value(kty), AR_JWK_KTY) != 0 ||
	    !json_is_string(crv) || strcmp(json_string_value(crv), AR_JWK_CRV) != 0)
		return ar_fail(e, AR_EINPUT, where, "\"jwk\" is not an OKP Ed25519 key");
	if (!json_is_string(x) ||
	    ar_b64url_decode(json_string_value(x), json_string_length(x), pk,
			     AR_ED25519_PK_BYTES, &len) != 0 ||
	    len != AR_ED25519_PK_BYTES)
		return ar_fail(e, AR_EINPUT, where, "\"jwk\" member \"x\" is not a 32-byte key");
	return AR_OK;
}

void ar_jwk_thumbprint(const uint8_t pk[AR_ED25519_PK_BYTES], char out[AR_THUMBPRINT_CHARS + 1])
{
	char *x = ar_b64url_encode(pk, AR_ED25519_PK_BYTES), input[128];
	int n;

	/* RFC 7638 section 3.2: required members only, sorted, no white space. */
	n = snprintf(input, sizeof input, "{\"crv\":\"%s\",\"kty\":\"%s\",\"x\":\"%s\"}",
		     AR_JWK_CRV, AR_JWK_KTY, x ? x : "");
	free(x);
	ar_sha256_b64url((const uint8_t *)input, (size_t)n, out);
}

int ar_kid_ok(const char *s)
{
	uint8_t thumbprint[AR_ED25519_PK_BYTES];
	size_t n = 0;

	return strlen(s) == AR_THUMBPRINT_CHARS &&
	       ar_b64url_decode(s, strlen(s), thumbprint, sizeof thumbprint, &n) == 0 &&
	       n == sizeof thumbprint;
}
