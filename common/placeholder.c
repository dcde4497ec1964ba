/* SPDX-License-Identifier: Apache-2.0 */
#include "placeholder.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ar_limits.h"
#include "text.h"

/* Whole values that mean "not set". Sources: glpi-agent isInvalidBiosValue(),
 * dmidecode output seen in tests/data/hwdata, DMTF defaults. */
static const char *const placeholder_texts[] = {
	"To Be Filled By O.E.M.", "To Be Filled By O.E.M", "Default string", "Default",
	"Not Specified", "Not Present", "Not Available", "Not Applicable", "Not Installed",
	"N/A", "NA", "None", "Unknown", "Undefined", "OEM", "O.E.M.", "Invalid",
	"System Serial Number", "System Product Name", "System manufacturer",
	"System Manufacturer", "System Version", "System Name", "Chassis Serial Number",
	"Chassis Manufacture", "Chassis Manufacturer", "Chassis Version", "No Asset Tag",
	"Base Board Serial Number", "Type2 - Board Serial Number", "BSN12345678901234567",
	"<BAD INDEX>", "<OUT OF SPEC>", "Type1ProductConfigId",
	"0123456789", "1234567890", "123456789", "Serial", "SerialNumber", "Fill By OEM",
	NULL
};

int hw_is_placeholder_text(const char *text)
{
	const char *const *p;
	size_t n = strlen(text), i;

	for (p = placeholder_texts; *p; p++)
		if (strcasecmp(*p, text) == 0)
			return 1;
	/* "XXXXXXXX", "00000000", "........": one character repeated */
	for (i = 1; i < n && text[i] == text[0]; i++)
		;
	return n >= 3 && i == n;
}

char *hw_clean_value(const char *raw)
{
	const char *start = raw, *end;
	char *value;
	size_t n;

	if (!raw)
		return NULL;
	while (*start && isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - start);
	if (n == 0)
		return NULL;
	if (n > AR_MAX_VALUE_CHARS)
		n = AR_MAX_VALUE_CHARS;
	/* the cut may end on a blank: a host record refuses white space at either end */
	while (isspace((unsigned char)start[n - 1]))
		n--;
	value = strndup(start, n);
	if (!value)
		return NULL;
	ar_text_clean(value); /* kept, marked, rather than refused: firmware is not the operator */
	if (hw_is_placeholder_text(value)) {
		free(value);
		return NULL;
	}
	return value;
}

const char *hw_uuid_placeholder_reason(const char *uuid)
{
	static const char *const templates[] = {
		"03000200-0400-0500-0006-000700080009", /* AMI default, SMBIOS 2.6+ order */
		"00020003-0004-0005-0006-000700080009", /* the same bytes in raw order */
		"12345678-1234-5678-90ab-cddeefaabbcc",
		"ffffff00-ffff-ffff-ffff-ffffffffffff",
		NULL
	};
	const char *const *t;
	char first = 0;
	const char *p;
	int same = 1;

	for (p = uuid; *p; p++) {
		if (*p == '-')
			continue;
		if (!first)
			first = *p;
		else if (*p != first)
			same = 0;
	}
	if (same && first == '0')
		return "all-zero (firmware says: not present)";
	if (same && first == 'f')
		return "all-FF (firmware says: not set)";
	if (same)
		return "one digit repeated (a template value)";
	for (t = templates; *t; t++)
		if (strcmp(*t, uuid) == 0)
			return "a firmware template value shared by many machines";
	return NULL;
}

int hw_uuid_is_partial_template(const uint8_t raw[16])
{
	int i;

	for (i = 1; i < 16; i += 2)
		if (raw[i] != (uint8_t)((i + 3) / 2))
			return 0;
	return 1;
}
