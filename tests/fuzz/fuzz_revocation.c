/* SPDX-License-Identifier: Apache-2.0 */
/* The revocation list as a stamp reads it (common/revocation.c). First byte 0: the rest is a
 * list file, its issuer key the fixed fuzz key. Otherwise: the rest is a claims payload,
 * signed here with that key (so the claim checks behind the signature are reached), and a
 * list that passes is also judged against itself and a fixed held list, as key-import does. */
#include <stdio.h>

#include "fuzz.h"
#include "revocation.h"

static int lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	(void)ctx;
	if (strcmp(kid, fuzz_kid) != 0)
		return ar_fail(e, AR_EINPUT, NULL, "issuer key %s is not trusted here", kid);
	memcpy(pk, fuzz_pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

static void decode(const char *text, size_t len)
{
	ar_revocation l, again;
	ar_err e;

	if (ar_revocation_decode(text, len, lookup, NULL, &l, "fuzz", &e) != AR_OK)
		return;
	(void)ar_revocation_issuer_revoked(&l, fuzz_kid);
	(void)ar_revocation_serials_up_to(&l, "east", "5c0ffee0-1111-4222-8333-444455556666");
	/* as a held list: read again unverified, then a list must keep its own entries */
	if (ar_revocation_decode(text, len, NULL, NULL, &again, "fuzz", &e) == AR_OK) {
		if (ar_revocation_keeps(&l, &again, "fuzz", &e) != AR_OK)
			abort();
		ar_revocation_free(&again);
	}
	ar_revocation_free(&l);
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
		 AR_JWS_ALG, AR_TYP_REVOCATION_LIST, fuzz_kid);
	compact = fuzz_sign(header, data + 1, size - 1);
	if (compact)
		decode(compact, strlen(compact));
	free(compact);
	return 0;
}
