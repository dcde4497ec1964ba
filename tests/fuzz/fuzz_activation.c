/* SPDX-License-Identifier: Apache-2.0 */
/* Activation-key claim checks. First byte 0: the rest is a key file. Otherwise the
 * rest is a claims payload, signed here by the (trusted) fixed issuer key. */
#include <stdio.h>

#include "activation.h"
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
