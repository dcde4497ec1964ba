/* The JWS reader: any bytes, as the text reader and ar_jws_parse see them. */
#include "fileio.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	size_t len = size;
	ar_jws jws;
	ar_err e;

	fuzz_init();
	if (ar_compact_text((uint8_t *)text, &len, "fuzz", &e) == AR_OK &&
	    ar_jws_parse(text, len, &jws, "fuzz", &e) == AR_OK) {
		ar_jws_header_string(&jws, "typ");
		ar_jws_verify(&jws, fuzz_pk, "fuzz", &e);
		ar_jws_free(&jws);
	}
	free(text);
	return 0;
}
