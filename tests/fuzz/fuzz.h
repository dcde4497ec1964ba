/* SPDX-License-Identifier: Apache-2.0 */
/* What the libFuzzer targets share: a fixed Ed25519 key, so that a target can sign
 * what the fuzzer made and reach the checks behind the signature. */
#ifndef AIRREG_FUZZ_H
#define AIRREG_FUZZ_H

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "fileio.h"
#include "jws.h"
#include "keys.h"

static uint8_t fuzz_pk[AR_ED25519_PK_BYTES], fuzz_sk[AR_ED25519_SK_BYTES];
static char fuzz_kid[AR_THUMBPRINT_CHARS + 1];

static inline void fuzz_init(void)
{
	static int done;
	uint8_t seed[AR_ED25519_SEED_BYTES];

	if (done)
		return;
	done = 1;
	if (sodium_init() < 0)
		abort();
	memset(seed, 0x42, sizeof seed);
	crypto_sign_seed_keypair(fuzz_pk, fuzz_sk, seed);
	ar_jwk_thumbprint(fuzz_pk, fuzz_kid);
}

/* A NUL-terminated copy of the fuzzer's bytes. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* The bytes as a program reads a file carried across the gap: the tolerant text reader,
 * then decode() on the token it leaves. */
static inline void fuzz_as_file(const uint8_t *data, size_t size,
				void (*decode)(const char *text, size_t len))
{
	char *text = fuzz_text(data, size);
	size_t len = size;
	ar_err e;

	if (ar_compact_text((uint8_t *)text, &len, "fuzz", &e) == AR_OK)
		decode(text, len);
	free(text);
}

/* Signs payload under header_json with the fixed key; NULL when signing fails. */
static inline char *fuzz_sign(const char *header_json, const uint8_t *payload, size_t len)
{
	char *out = NULL;
	ar_err e;

	if (ar_jws_sign(header_json, payload, len, fuzz_sk, &out, &e) != AR_OK)
		return NULL;
	return out;
}

#endif
