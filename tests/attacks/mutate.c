/* SPDX-License-Identifier: Apache-2.0 */
/* Every truncation and every single-bit flip of a genuine token and a genuine
 * activation key, fed through the same reader and decoder the programs use: each
 * must be refused (and, under the sanitizers, none may crash or leak).
 * Usage: mutate TOKEN_FILE KEY_FILE ISSUER_PUB_FILE */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "fileio.h"
#include "keys.h"
#include "token.h"

static uint8_t issuer_pk[AR_ED25519_PK_BYTES];
static char issuer_kid[AR_THUMBPRINT_CHARS + 1];

static int lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	(void)ctx;
	if (strcmp(kid, issuer_kid) != 0)
		return ar_fail(e, AR_EINPUT, NULL, "issuer key %s is not trusted", kid);
	memcpy(pk, issuer_pk, sizeof issuer_pk);
	return AR_OK;
}

/* What a program does with the bytes of a file: tolerant text reading, then decoding. */
static int accepted(const uint8_t *bytes, size_t len, int is_token)
{
	uint8_t *copy = malloc(len + 1);
	size_t n = len;
	ar_err e;
	int rc;

	if (!copy)
		abort();
	memcpy(copy, bytes, len);
	copy[len] = '\0';
	rc = ar_compact_text(copy, &n, "mutant", &e);
	if (rc == AR_OK && is_token) {
		ar_token t;

		rc = ar_token_decode((const char *)copy, n, &t, "mutant", &e);
		if (rc == AR_OK)
			ar_token_free(&t);
	} else if (rc == AR_OK) {
		ar_activation a;

		rc = ar_activation_decode((const char *)copy, n, lookup, NULL, &a, "mutant", &e);
		if (rc == AR_OK)
			ar_activation_free(&a);
	}
	if (rc != AR_OK && rc != AR_EINPUT) {
		fprintf(stderr, "mutate: refused with status %d, not 4: %s\n", rc, e.msg);
		rc = AR_OK; /* counted as a failure below */
	}
	free(copy);
	return rc == AR_OK;
}

/* Returns the number of mutants accepted (0 is the only right answer). */
static unsigned long mutate(const char *name, uint8_t *bytes, size_t len, int is_token,
			    unsigned long *tried)
{
	unsigned long bad = 0;
	size_t i;
	int bit;

	if (!accepted(bytes, len, is_token)) {
		fprintf(stderr, "mutate: %s: the genuine file is refused\n", name);
		return 1;
	}
	for (i = 0; i < len; i++, ++*tried)
		if (accepted(bytes, i, is_token)) {
			fprintf(stderr, "mutate: %s truncated to %zu bytes was accepted\n", name, i);
			bad++;
		}
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++, ++*tried) {
			bytes[i] ^= (uint8_t)(1u << bit);
			if (accepted(bytes, len, is_token)) {
				fprintf(stderr, "mutate: %s with bit %d of byte %zu flipped was "
					"accepted\n", name, bit, i);
				bad++;
			}
			bytes[i] ^= (uint8_t)(1u << bit);
		}
	return bad;
}

int main(int argc, char **argv)
{
	uint8_t *token = NULL, *key = NULL;
	size_t token_len = 0, key_len = 0;
	unsigned long bad = 0, token_tried = 0, key_tried = 0;
	ar_err e;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: mutate TOKEN_FILE KEY_FILE ISSUER_PUB_FILE\n");
		return 2;
	}
	if (ar_read_input(argv[1], AR_MAX_FILE_BYTES, &token, &token_len, &e) != AR_OK ||
	    ar_read_input(argv[2], AR_MAX_FILE_BYTES, &key, &key_len, &e) != AR_OK ||
	    ar_key_load_public(argv[3], issuer_pk, &e) != AR_OK) {
		ar_err_print("mutate", &e);
		return 1;
	}
	ar_jwk_thumbprint(issuer_pk, issuer_kid);
	bad += mutate(argv[1], token, token_len, 1, &token_tried);
	bad += mutate(argv[2], key, key_len, 0, &key_tried);
	printf("mutate: token %zu bytes, key %zu bytes: %lu token and %lu key mutants "
	       "(every truncation, every bit flip), %lu accepted\n", token_len, key_len,
	       token_tried, key_tried, bad);
	free(token);
	free(key);
	return bad == 0 ? 0 : 1;
}
