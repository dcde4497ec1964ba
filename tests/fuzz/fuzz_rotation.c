/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's rotation statement and chain as a stamp reads them (common/rotation.c).
 * First byte 0: the rest is a statement or chain file. Otherwise: the rest is a claims
 * payload, signed here by the fixed fuzz key (previous) and a second fixed key (new), each
 * named by its kid, so the claim checks and the signatures' success path are reached. */
#include <stdio.h>

#include "fuzz.h"
#include "rotation.h"

static uint8_t new_pk[AR_ED25519_PK_BYTES], new_sk[AR_ED25519_SK_BYTES];

static void decode(const uint8_t *data, size_t len)
{
	ar_rotation *chain = NULL;
	char *text;
	size_t n = 0;
	ar_err e;

	if (ar_rotation_decode_chain((const char *)data, len, &chain, &n, "fuzz", &e) != AR_OK)
		return;
	text = ar_rotation_chain_text(chain, n);
	free(text);
	ar_rotation_free_chain(chain, n);
}

/* A compact JWS's three segments, cut in place. */
static void cut(char *compact, char *seg[3])
{
	seg[0] = compact;
	seg[1] = strchr(seg[0], '.');
	*seg[1]++ = '\0';
	seg[2] = strchr(seg[1], '.');
	*seg[2]++ = '\0';
}

static void signed_payload(const uint8_t *payload, size_t len)
{
	char h[2][160], kid[AR_THUMBPRINT_CHARS + 1], *c[2] = { NULL, NULL }, *a[3], *b[3];
	ar_rotation r;
	json_t *st;
	ar_err e;

	ar_jwk_thumbprint(new_pk, kid);
	snprintf(h[0], sizeof h[0], "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}", AR_JWS_ALG,
		 AR_TYP_ROTATION, fuzz_kid);
	snprintf(h[1], sizeof h[1], "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}", AR_JWS_ALG,
		 AR_TYP_ROTATION, kid);
	c[0] = fuzz_sign(h[0], payload, len);
	if (c[0] && ar_jws_sign(h[1], payload, len, new_sk, &c[1], &e) != AR_OK)
		c[1] = NULL;
	if (c[0] && c[1]) {
		cut(c[0], a);
		cut(c[1], b);
		st = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "payload", a[1], "signatures",
			       "protected", a[0], "signature", a[2], "protected", b[0],
			       "signature", b[2]);
		if (st && ar_rotation_decode(st, &r, "fuzz", &e) == AR_OK)
			ar_rotation_free(&r);
		json_decref(st);
	}
	free(c[0]);
	free(c[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	fuzz_init();
	if (!ready) {
		uint8_t seed[AR_ED25519_SEED_BYTES];

		memset(seed, 0x43, sizeof seed);
		crypto_sign_seed_keypair(new_pk, new_sk, seed);
		ready = 1;
	}
	if (size == 0)
		return 0;
	if (data[0] == 0)
		decode(data + 1, size - 1);
	else
		signed_payload(data + 1, size - 1);
	return 0;
}
