/* SPDX-License-Identifier: Apache-2.0 */
#include "host.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fileio.h"
#include "filekind.h"
#include "json.h"
#include "ar_limits.h"
#include "placeholder.h"
#include "text.h"

static const char *const host_fields[] = {
	AR_HOST_VERSION, AR_HOST_NAME, AR_HOST_UUID, AR_HOST_UUID_SOURCE, AR_HOST_MANUFACTURER,
	AR_HOST_PRODUCT, AR_HOST_SERIAL, AR_HOST_BOARD_SERIAL, AR_HOST_BIOS_VENDOR,
	AR_HOST_BIOS_VERSION, AR_HOST_BIOS_DATE, AR_HOST_CPU_MODEL, AR_HOST_CPU_SOCKETS, AR_HOST_CPU_CORES,
	AR_HOST_CPU_THREADS, AR_HOST_MEMORY_MIB, AR_HOST_OPERATOR, NULL
};

/* Fields an operator may supply by hand (everything read from hardware). */
static const char *const operator_fields[] = {
	AR_HOST_UUID, AR_HOST_MANUFACTURER, AR_HOST_PRODUCT, AR_HOST_SERIAL, AR_HOST_BOARD_SERIAL,
	AR_HOST_BIOS_VENDOR, AR_HOST_BIOS_VERSION, AR_HOST_BIOS_DATE, AR_HOST_CPU_MODEL,
	AR_HOST_CPU_SOCKETS, AR_HOST_CPU_CORES, AR_HOST_CPU_THREADS, AR_HOST_MEMORY_MIB, NULL
};

long long ar_host_count_max(const char *key)
{
	if (strcmp(key, AR_HOST_CPU_SOCKETS) == 0)
		return AR_MAX_CPU_SOCKETS;
	if (strcmp(key, AR_HOST_CPU_CORES) == 0)
		return AR_MAX_CPU_CORES;
	if (strcmp(key, AR_HOST_CPU_THREADS) == 0)
		return AR_MAX_CPU_THREADS;
	return strcmp(key, AR_HOST_MEMORY_MIB) == 0 ? AR_MAX_MEMORY_MIB : 0;
}

int ar_host_name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > AR_MAX_HOST_NAME_CHARS || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int check_text(json_t *host, const char *key, int required, const char *where,
		      ar_err *e)
{
	const char *v = NULL;
	char what[64];

	if (ar_json_string(host, key, required, AR_MAX_VALUE_CHARS, &v, where, e) != AR_OK)
		return e->status;
	if (!v)
		return AR_OK;
	if (v[0] == '\0')
		return ar_fail(e, AR_EINPUT, where, "field \"%s\" is empty", key);
	snprintf(what, sizeof what, "field \"%s\"", key);
	if (ar_text_check(v, what, AR_EINPUT, where, e) != AR_OK)
		return e->status;
	/* Values are compared (and digested) byte for byte, and probe trims what it reads:
	 * a hand-typed " ABC " would never match the "ABC" the host reports. */
	if (isspace((unsigned char)v[0]) || isspace((unsigned char)v[strlen(v) - 1]))
		return ar_fail(e, AR_EINPUT, where, "\"%s\" \"%s\" has white space at its start "
			       "or end: values are compared byte for byte; trim it (probe does)",
			       key, v);
	/* What probe drops (hw_clean_value) a record may not carry: it tells no machine apart,
	 * and the registrar leaves it out of the key, so a host could never be found by it. */
	if (hw_is_placeholder_text(v))
		return required ? ar_fail(e, AR_EINPUT, where, "\"%s\" \"%s\" is a placeholder: "
					  "probe the host again (token-gen probe), or give its "
					  "real value", key, v)
				: ar_fail(e, AR_EINPUT, where, "\"%s\" \"%s\" is a placeholder: "
					  "leave it out of the record (probe leaves it out)", key, v);
	return AR_OK;
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int check_operator_list(json_t *host, const char *where, ar_err *e)
{
	json_t *list = NULL, *item;
	size_t i, j;

	if (ar_json_array(host, AR_HOST_OPERATOR, 0, 16, &list, where, e) != AR_OK)
		return e->status;
	if (!list)
		return AR_OK;
	json_array_foreach(list, i, item) {
		if (!json_is_string(item) || !in_list(json_string_value(item), operator_fields))
			return ar_fail(e, AR_EINPUT, where,
				       "\"%s\" entry %zu is not a hardware field name",
				       AR_HOST_OPERATOR, i);
		if (!json_object_get(host, json_string_value(item)))
			return ar_fail(e, AR_EINPUT, where, "\"%s\" names absent field \"%s\"",
				       AR_HOST_OPERATOR, json_string_value(item));
		for (j = 0; j < i; j++)
			if (json_equal(item, json_array_get(list, j)))
				return ar_fail(e, AR_EINPUT, where, "\"%s\" repeats \"%s\"",
					       AR_HOST_OPERATOR, json_string_value(item));
	}
	return AR_OK;
}

int ar_host_validate(json_t *host, const char *where, ar_err *e)
{
	static const char *const texts[] = { AR_HOST_MANUFACTURER, AR_HOST_PRODUCT, AR_HOST_SERIAL,
		AR_HOST_BOARD_SERIAL, AR_HOST_BIOS_DATE, NULL };
	static const char *const counts[] = { AR_HOST_CPU_SOCKETS, AR_HOST_CPU_CORES,
		AR_HOST_CPU_THREADS, AR_HOST_MEMORY_MIB, NULL };
	const char *name = NULL, *uuid = NULL, *source = NULL;
	const char *const *k;
	json_int_t version = 0, n = 0;

	if (!json_is_object(host))
		return ar_fail(e, AR_EINPUT, where, "host record is not a JSON object");
	if (ar_json_only_keys(host, host_fields, "host record", where, e) != AR_OK ||
	    ar_json_int(host, AR_HOST_VERSION, 1, 1, 1000, &version, where, e) != AR_OK)
		return e->status;
	if (version != AR_HOST_FORMAT_VERSION)
		return ar_fail(e, AR_EINPUT, where, "host record version %lld not supported",
			       (long long)version);
	if (ar_json_string(host, AR_HOST_NAME, 1, AR_MAX_HOST_NAME_CHARS, &name, where, e) != AR_OK)
		return e->status;
	if (!ar_host_name_ok(name))
		return ar_fail(e, AR_EINPUT, where, "host name \"%s\" is not a valid host name", name);
	if (ar_json_uuid(host, AR_HOST_UUID, &uuid, where, e) != AR_OK ||
	    ar_json_string(host, AR_HOST_UUID_SOURCE, 1, 16, &source, where, e) != AR_OK)
		return e->status;
	if (strcmp(source, AR_SOURCE_SMBIOS) != 0 && strcmp(source, AR_SOURCE_SYSFS) != 0 &&
	    strcmp(source, AR_SOURCE_OPERATOR) != 0)
		return ar_fail(e, AR_EINPUT, where, "\"uuidSource\" must be smbios, sysfs or operator");
	if (hw_uuid_placeholder_reason(uuid))
		return ar_fail(e, AR_EINPUT, where, "\"%s\" %s is a placeholder (%s): it tells no "
			       "machine apart; probe the host again (token-gen probe), or give its "
			       "real UUID (--system-uuid)", AR_HOST_UUID, uuid,
			       hw_uuid_placeholder_reason(uuid));
	if (check_text(host, AR_HOST_BIOS_VENDOR, 1, where, e) != AR_OK ||
	    check_text(host, AR_HOST_BIOS_VERSION, 1, where, e) != AR_OK ||
	    check_text(host, AR_HOST_CPU_MODEL, 1, where, e) != AR_OK)
		return e->status;
	for (k = texts; *k; k++)
		if (check_text(host, *k, 0, where, e) != AR_OK)
			return e->status;
	for (k = counts; *k; k++)
		if (ar_json_int(host, *k, 0, 1, ar_host_count_max(*k), &n, where, e) != AR_OK)
			return e->status;
	if (check_operator_list(host, where, e) != AR_OK)
		return e->status;
	return ar_json_text_check(host, "", AR_EINPUT, where, e);
}

int ar_host_load(const char *path, json_t **host, ar_err *e)
{
	uint8_t *data = NULL;
	size_t len = 0;

	*host = NULL;
	if (ar_read_input(path, AR_MAX_FILE_BYTES, &data, &len, e) != AR_OK)
		return e->status;
	/* a host record is none of the files that cross the gap */
	if (ar_expect_kind(data, len, AR_KIND_UNKNOWN, ar_input_name(path), e) != AR_OK) {
		if (ar_kind_of(data, len) == AR_KIND_PRIVATE_KEY)
			sodium_memzero(data, len);
		free(data);
		return e->status;
	}
	*host = ar_json_parse_object(data, len, path, e);
	free(data);
	if (!*host || ar_host_validate(*host, path, e) != AR_OK) {
		json_decref(*host);
		*host = NULL;
		return e->status;
	}
	return AR_OK;
}
