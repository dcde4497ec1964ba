/* SPDX-License-Identifier: Apache-2.0 */
/* Host records, as token-gen create reads them from --host files. */
#include "fuzz.h"
#include "host.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ar_err e;
	json_t *host = ar_json_parse_object(data, size, "fuzz", &e);

	if (host) {
		ar_host_validate(host, "fuzz", &e);
		json_decref(host);
	}
	return 0;
}
