/* SPDX-License-Identifier: Apache-2.0 */
/* How `key-import check` shows what it found: a line per host and the verdict, or one JSON
 * object. Firmware and inventory drift is told here, and never changes a verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"
#include "json.h"

static const char *name_of(json_t *hosts, int i)
{
	return i < 0 ? NULL : json_string_value(json_object_get(json_array_get(hosts, (size_t)i),
								AR_HOST_NAME));
}

/* A field both sides hold, and differently: the key's value then the record's. NULL: no drift
 * (equal, or one side does not say). */
static json_t *drift(json_t *licensed, json_t *record, const char *field)
{
	json_t *was = json_object_get(licensed, field), *now = json_object_get(record, field);

	if (!was || !now || json_equal(was, now))
		return NULL;
	return json_pack("{s:O,s:O}", "was", was, "now", now);
}

static const char *result_word(hm_result res)
{
	return res == HM_SAME ? "same" : res == HM_REPLACED_BOARD ? "replaced board" : "missing";
}

int check_print_text(const check_report *r, ar_err *e)
{
	size_t i;

	(void)e;
	for (i = 0; i < r->n_licensed; i++) {
		json_t *lic = json_array_get(r->licensed_hosts, i);
		int to = r->a.licensed_to[i];
		json_t *rec = to < 0 ? NULL : json_array_get(r->records, (size_t)to);
		json_t *bios = rec ? drift(lic, rec, AR_HOST_BIOS_VERSION) : NULL;
		json_t *cores = rec ? drift(lic, rec, AR_HOST_CPU_CORES) : NULL;

		printf("%s: %s", name_of(r->licensed_hosts, (int)i), result_word(r->a.licensed[i]));
		if (r->a.licensed[i] == HM_REPLACED_BOARD)
			printf(" (now %s)", name_of(r->records, to));
		if (bios)
			printf(", firmware changed (BIOS %s \xe2\x86\x92 %s)",
			       json_string_value(json_object_get(bios, "was")),
			       json_string_value(json_object_get(bios, "now")));
		if (cores)
			printf(", cores %lld \xe2\x86\x92 %lld",
			       (long long)json_integer_value(json_object_get(cores, "was")),
			       (long long)json_integer_value(json_object_get(cores, "now")));
		putchar('\n');
		json_decref(bios);
		json_decref(cores);
	}
	for (i = 0; i < r->n_given; i++) {
		if (r->a.fresh[i] == HM_FRESH_NEW)
			printf("%s: new\n", name_of(r->records, (int)i));
		else if (r->a.fresh[i] == HM_FRESH_DUPLICATE)
			printf("%s: duplicate of %s\n", name_of(r->records, (int)i),
			       name_of(r->licensed_hosts, r->a.fresh_to[i]));
	}
	printf("%s: %s\n", r->compliant ? "in compliance" : "out of compliance", r->reason);
	return AR_OK;
}

/* null for a host name that is not there, so the object is always whole */
static json_t *name_or_null(json_t *hosts, int i)
{
	const char *s = name_of(hosts, i);

	return s ? json_string(s) : json_null();
}

static json_t *licensed_json(const check_report *r)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; out && i < r->n_licensed; i++) {
		json_t *lic = json_array_get(r->licensed_hosts, i);
		int to = r->a.licensed_to[i];
		json_t *rec = to < 0 ? NULL : json_array_get(r->records, (size_t)to);
		json_t *bios = rec ? drift(lic, rec, AR_HOST_BIOS_VERSION) : NULL;
		json_t *cores = rec ? drift(lic, rec, AR_HOST_CPU_CORES) : NULL;

		json_array_append_new(out, json_pack("{s:O,s:s,s:o,s:o,s:o}", "name",
			json_object_get(lic, AR_HOST_NAME), "result", result_word(r->a.licensed[i]),
			"given", name_or_null(r->records, to),
			"firmware", bios ? json_pack("{s:o}", AR_HOST_BIOS_VERSION, bios) : json_null(),
			"inventory", cores ? json_pack("{s:o}", AR_HOST_CPU_CORES, cores) : json_null()));
	}
	return out;
}

static json_t *given_json(const check_report *r)
{
	static const char *const words[] = { "matched", "new", "duplicate" };
	json_t *out = json_array();
	size_t i;

	for (i = 0; out && i < r->n_given; i++)
		json_array_append_new(out, json_pack("{s:O,s:s,s:o}", "name",
			json_object_get(json_array_get(r->records, i), AR_HOST_NAME),
			"result", words[r->a.fresh[i]],
			"licensed", name_or_null(r->licensed_hosts, r->a.fresh_to[i])));
	return out;
}

static json_t *capacity_json(const check_capacity *c)
{
	if (!c->known)
		return json_null();
	return json_pack("{s:{s:I,s:I},s:o}", "hosts", "given", (json_int_t)c->given_hosts,
			 "licensed", (json_int_t)c->licensed_hosts, "cpuCores",
			 c->licensed_cores > 0 ? json_pack("{s:I,s:I}", "given",
				(json_int_t)c->given_cores, "licensed", (json_int_t)c->licensed_cores)
			 : json_null());
}

int check_print_json(const check_report *r, ar_err *e)
{
	json_t *doc = json_pack("{s:b,s:O,s:I,s:o,s:o,s:o,s:s}", "compliant", r->compliant,
				"policy", json_object_get(r->resource, "hostMatch"), "needs",
				(json_int_t)hm_policy_needs(&r->policy, r->n_licensed),
				"licensed", licensed_json(r), "given", given_json(r),
				"capacity", capacity_json(&r->cap), "reason", r->reason);
	int rc = ar_json_print(doc, e);

	json_decref(doc);
	return rc;
}
