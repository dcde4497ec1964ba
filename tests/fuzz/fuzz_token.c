/* SPDX-License-Identifier: Apache-2.0 */
/* Token decoding. First byte 0: the rest is a token file. Otherwise the rest is a
 * claims payload, deflated and signed here with a key the header carries, so that
 * every claim check is reached. */
#include <jansson.h>

#include "deflate.h"
#include "fuzz.h"
#include "token.h"

static void decode(const char *text, size_t len)
{
	ar_token t;
	ar_err e;

	if (ar_token_decode(text, len, &t, "fuzz", &e) == AR_OK)
		ar_token_free(&t);
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
		json_t *h = json_pack("{s:s, s:s, s:s, s:o}", "alg", AR_JWS_ALG, "typ", AR_TYP_TOKEN,
				      "zip", AR_ZIP_DEFLATE, "jwk", ar_jwk_from_public(fuzz_pk));
		char *header = h ? json_dumps(h, JSON_COMPACT) : NULL, *compact = NULL;
		uint8_t *z = NULL;
		size_t zlen = 0;
		ar_err e;

		if (header && ar_deflate(data + 1, size - 1, &z, &zlen, &e) == AR_OK &&
		    (compact = fuzz_sign(header, z, zlen)) != NULL)
			decode(compact, strlen(compact));
		free(compact);
		free(z);
		free(header);
		json_decref(h);
	}
	return 0;
}
