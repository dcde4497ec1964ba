/* SPDX-License-Identifier: Apache-2.0 */
/* The JWS reader: any bytes, as the text reader and ar_jws_parse see them. */
#include "fuzz.h"

static void parse(const char *text, size_t len)
{
	ar_jws jws;
	ar_err e;

	if (ar_jws_parse(text, len, &jws, "fuzz", &e) == AR_OK) {
		ar_jws_header_string(&jws, "typ");
		ar_jws_verify(&jws, fuzz_pk, "fuzz", &e);
		ar_jws_free(&jws);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	fuzz_as_file(data, size, parse);
	return 0;
}
