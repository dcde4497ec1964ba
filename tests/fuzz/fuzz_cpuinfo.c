/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/cpuinfo and /proc/meminfo parsing. */
#include "cpuinfo.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	cpu_info info;

	if (cpuinfo_parse(text, &info) == 0)
		cpuinfo_free(&info);
	meminfo_total_mib(text);
	free(text);
	return 0;
}
