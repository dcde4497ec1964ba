/* SPDX-License-Identifier: Apache-2.0 */
/* The removal receipt as the registrar reads it (common/receipt.c). First byte 0: the rest
 * is a receipt file, its key on record the fixed fuzz key. Otherwise: the rest is a claims
 * payload, signed here with that key (so the claim checks behind the signature are reached). */
#include <stdio.h>

#include "fuzz.h"
#include "receipt.h"

static int lookup(void *ctx, const char *registration, const char *kid,
		  uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	(void)ctx;
	if (strcmp(registration, "east") != 0)
		return ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound");
	if (strcmp(kid, fuzz_kid) != 0)
		return ar_fail(e, AR_EINPUT, NULL, "another stamp key");
	memcpy(pk, fuzz_pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

static void decode(const char *text, size_t len)
{
	ar_receipt r;
	ar_err e;

	if (ar_receipt_decode(text, len, lookup, NULL, &r, "fuzz", &e) == AR_OK)
		ar_receipt_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char header[160], *compact;

	fuzz_init();
	if (size == 0)
		return 0;
	if (data[0] == 0) {
		fuzz_as_file(data + 1, size - 1, decode);
		return 0;
	}
	snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}",
		 AR_JWS_ALG, AR_TYP_REMOVAL_RECEIPT, fuzz_kid);
	compact = fuzz_sign(header, data + 1, size - 1);
	if (compact)
		decode(compact, strlen(compact));
	free(compact);
	return 0;
}
