/* SPDX-License-Identifier: Apache-2.0 */
#include "tokenhost.h"

#include <stdio.h>
#include <string.h>

#include "host.h"
#include "hostkey.h"
#include "json.h"
#include "text.h"

/* What the registrar shows and a Capacity key counts, in clear: the model, the firmware and
 * the inventory. The rest of the record (uuidSource, biosVendor, biosDate, cpuSockets,
 * cpuThreads) stays on the stamp, where key-import check reads it. */
static const char *const clear_texts[] = { AR_HOST_MANUFACTURER, AR_HOST_PRODUCT,
	AR_HOST_BIOS_VERSION, AR_HOST_CPU_MODEL, NULL };
static const char *const clear_counts[] = { AR_HOST_CPU_CORES, AR_HOST_MEMORY_MIB, NULL };
static const char *const entry_fields[] = { AR_HOST_NAME, AR_HOST_UUID, AR_HOST_SERIAL,
	AR_HOST_BOARD_SERIAL, AR_HOST_MANUFACTURER, AR_HOST_PRODUCT, AR_HOST_BIOS_VERSION,
	AR_HOST_CPU_MODEL, AR_HOST_CPU_CORES, AR_HOST_MEMORY_MIB, AR_HOST_OPERATOR, NULL };

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* The operator-supplied fields the entry still carries (a typed biosVendor stays behind). */
static int copy_operator(json_t *record, json_t *entry)
{
	json_t *list = json_object_get(record, AR_HOST_OPERATOR), *kept = json_array(), *item;
	size_t i;

	if (!kept)
		return -1;
	json_array_foreach(list, i, item)
		if (json_object_get(entry, json_string_value(item)) &&
		    json_array_append(kept, item) != 0) {
			json_decref(kept);
			return -1;
		}
	if (json_array_size(kept) == 0) {
		json_decref(kept);
		return 0;
	}
	return json_object_set_new(entry, AR_HOST_OPERATOR, kept);
}

static json_t *entry_of(json_t *record, const char *cloud_id,
			const uint8_t salt[AR_HOST_SALT_BYTES])
{
	json_t *h = json_pack("{s:O}", AR_HOST_NAME, json_object_get(record, AR_HOST_NAME));
	const char *const *f;

	if (h && ar_host_identities(record, cloud_id, salt, h) != 0)
		goto fail;
	for (f = clear_texts; h && *f; f++)
		if (json_object_get(record, *f))
			json_object_set(h, *f, json_object_get(record, *f));
	for (f = clear_counts; h && *f; f++)
		if (json_object_get(record, *f))
			json_object_set(h, *f, json_object_get(record, *f));
	if (h && copy_operator(record, h) != 0)
		goto fail;
	return h;
fail:
	json_decref(h);
	return NULL;
}

json_t *ar_token_hosts_v2(json_t *records, const char *cloud_id,
			  const uint8_t salt[AR_HOST_SALT_BYTES])
{
	return ar_hosts_map(records, entry_of, cloud_id, salt);
}

static int check_operator(json_t *host, const char *where, ar_err *e)
{
	json_t *list = NULL, *item;
	size_t i, j;

	if (ar_json_array(host, AR_HOST_OPERATOR, 0, 16, &list, where, e) != AR_OK)
		return e->status;
	if (!list)
		return AR_OK;
	json_array_foreach(list, i, item) {
		const char *f = json_string_value(item);

		if (!f || strcmp(f, AR_HOST_NAME) == 0 || !in_list(f, entry_fields) ||
		    strcmp(f, AR_HOST_OPERATOR) == 0 || !json_object_get(host, f))
			return ar_fail(e, AR_EINPUT, where, "\"%s\" entry %zu is not a field of the "
				       "host", AR_HOST_OPERATOR, i);
		for (j = 0; j < i; j++)
			if (json_equal(item, json_array_get(list, j)))
				return ar_fail(e, AR_EINPUT, where, "\"%s\" repeats \"%s\"",
					       AR_HOST_OPERATOR, f);
	}
	return AR_OK;
}

static int check_entry(json_t *host, const char *where, ar_err *e)
{
	static const char *const digests[] = { AR_HOST_UUID, AR_HOST_SERIAL, AR_HOST_BOARD_SERIAL,
		NULL };
	const char *const *f;
	const char *s = NULL;
	json_int_t n = 0;

	if (!json_is_object(host))
		return ar_fail(e, AR_EINPUT, where, "host record is not a JSON object");
	if (ar_json_only_keys(host, entry_fields, "host", where, e) != AR_OK ||
	    ar_json_string(host, AR_HOST_NAME, 1, AR_MAX_HOST_NAME_CHARS, &s, where, e) != AR_OK)
		return e->status;
	if (!ar_host_name_ok(s))
		return ar_fail(e, AR_EINPUT, where, "host name \"%s\" is not a valid host name", s);
	for (f = digests; *f; f++) {
		s = NULL;
		if (ar_json_string(host, *f, 0, AR_MAX_VALUE_CHARS, &s, where, e) != AR_OK)
			return e->status;
		if (s && !ar_host_digest_ok(s))
			return ar_fail(e, AR_EINPUT, where, "\"%s\" is not a host digest (%d "
				       "base64url characters)", *f, AR_HOST_DIGEST_CHARS);
	}
	for (f = clear_texts; *f; f++) {
		/* the probe always reads these two: a record without them is none it wrote */
		int required = strcmp(*f, AR_HOST_BIOS_VERSION) == 0 ||
			       strcmp(*f, AR_HOST_CPU_MODEL) == 0;

		s = NULL;
		if (ar_json_string(host, *f, required, AR_MAX_VALUE_CHARS, &s, where, e) != AR_OK)
			return e->status;
		if (s && !*s)
			return ar_fail(e, AR_EINPUT, where, "field \"%s\" is empty", *f);
	}
	for (f = clear_counts; *f; f++)
		if (ar_json_int(host, *f, 0, 1, ar_host_count_max(*f), &n, where, e) != AR_OK)
			return e->status;
	if (check_operator(host, where, e) != AR_OK)
		return e->status;
	return ar_json_text_check(host, "", AR_EINPUT, where, e);
}

int ar_token_hosts_v2_check(json_t *hosts, const char *where, ar_err *e)
{
	static const char *const unique[] = { AR_HOST_NAME, AR_HOST_UUID, NULL };
	const char *const *f;
	json_t *host;
	size_t i, j;

	json_array_foreach(hosts, i, host) {
		char msg[sizeof e->msg];

		if (check_entry(host, where, e) != AR_OK) {
			/* the file name first, the host index in the message */
			snprintf(msg, sizeof msg, "host %zu: %s", i + 1, e->msg);
			return ar_fail(e, AR_EINPUT, where, "%s", msg);
		}
		/* a stamp names each host once: by its name, and by its UUID (two UUIDs that
		 * differ collide in 64 bits with a chance of about 2^-64) */
		for (j = 0; j < i; j++)
			for (f = unique; *f; f++) {
				json_t *v = json_object_get(host, *f);

				if (!json_is_string(v) ||
				    !json_equal(v, json_object_get(json_array_get(hosts, j), *f)))
					continue;
				if (strcmp(*f, AR_HOST_NAME) == 0)
					return ar_fail(e, AR_EINPUT, where, "hosts %zu and %zu share "
						       "name %s", j + 1, i + 1, json_string_value(v));
				return ar_fail(e, AR_EINPUT, where, "hosts %zu and %zu share UUID "
					       "digest %s", j + 1, i + 1, json_string_value(v));
			}
	}
	return AR_OK;
}
