/* SPDX-License-Identifier: Apache-2.0 */
/* Activation-key claim checks. First byte 0: the rest is a key file. 1: the rest is a
 * claims payload, deflated ("zip":"DEF", as registrars since issue 16 write keys) and signed
 * here by the (trusted) fixed issuer key. Otherwise: a claims payload signed plain, as a
 * registrar before issue 16 wrote it (the older format key-import still reads). */
#include <stdio.h>

#include "activation.h"
#include "deflate.h"
#include "fuzz.h"

static int lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	(void)ctx;
	if (strcmp(kid, fuzz_kid) != 0)
		return ar_fail(e, AR_EINPUT, NULL, "not trusted");
	memcpy(pk, fuzz_pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

static void decode(const char *text, size_t len)
{
	ar_activation a;
	ar_err e;

	if (ar_activation_decode(text, len, lookup, NULL, &a, "fuzz", &e) == AR_OK)
		ar_activation_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size == 0)
		return 0;
	if (data[0] == 0) {
		fuzz_as_file(data + 1, size - 1, decode);
	} else if (data[0] == 1) {
		char header[192], *compact = NULL;
		uint8_t *z = NULL;
		size_t zlen = 0;
		ar_err e;

		snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"%s\",\"zip\":\"%s\","
			 "\"kid\":\"%s\"}", AR_JWS_ALG, AR_TYP_ACTIVATION_KEY, AR_ZIP_DEFLATE, fuzz_kid);
		if (ar_deflate(data + 1, size - 1, &z, &zlen, &e) == AR_OK &&
		    (compact = fuzz_sign(header, z, zlen)) != NULL)
			decode(compact, strlen(compact));
		free(compact);
		free(z);
	} else {
		char header[160], *compact;

		snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}",
			 AR_JWS_ALG, AR_TYP_ACTIVATION_KEY, fuzz_kid);
		compact = fuzz_sign(header, data + 1, size - 1);
		if (compact)
			decode(compact, strlen(compact));
		free(compact);
	}
	return 0;
}
