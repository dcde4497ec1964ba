/* SPDX-License-Identifier: Apache-2.0 */
/* SMBIOS parsing. First byte: the entry point's length (0: none), then the entry
 * point, then the structure table. */
#include "fuzz.h"
#include "placeholder.h"
#include "smbios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smbios_info info;
	size_t ep_len;
	char uuid[37], *clean;

	if (size == 0)
		return 0;
	ep_len = data[0] % 33;
	if (ep_len > size - 1)
		ep_len = size - 1;
	if (smbios_parse(ep_len ? data + 1 : NULL, ep_len, data + 1 + ep_len, size - 1 - ep_len,
			 &info) == 0) {
		if (info.have_uuid) {
			smbios_uuid_text(&info, uuid);
			hw_uuid_placeholder_reason(uuid);
			hw_uuid_is_partial_template(info.uuid_raw);
		}
		clean = info.sys_manufacturer ? hw_clean_value(info.sys_manufacturer) : NULL;
		free(clean);
		smbios_free(&info);
	}
	return 0;
}
