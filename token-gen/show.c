/* SPDX-License-Identifier: Apache-2.0 */
/* `token-gen show`: verify a registration token and print what it says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "commands.h"
#include "fileio.h"
#include "filekind.h"
#include "host.h"
#include "json.h"
#include "token.h"
#include "text.h"

static const char *str(json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v ? ar_text_shown(v) : "-";
}

static long long num(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

/* A count a record may lack (probe leaves out what it cannot read): "unknown", never 0. */
static const char *count(json_t *obj, const char *key, const char *unit, char *buf, size_t cap)
{
	if (!json_object_get(obj, key))
		snprintf(buf, cap, "%s unknown", unit);
	else
		snprintf(buf, cap, "%lld %s", num(obj, key), unit);
	return buf;
}

/* How many hosts state no value of key: a total over the others says so. */
static size_t hosts_without(json_t *hosts, const char *key)
{
	json_t *h;
	size_t i, n = 0;

	json_array_foreach(hosts, i, h)
		n += json_object_get(h, key) == NULL;
	return n;
}

/* A v2 token's host: identities as keyed digests (not reversible here), the rest in clear. */
static void print_host_v2(json_t *h)
{
	static const char *const digests[][2] = { { AR_HOST_UUID, "UUID digest" },
		{ AR_HOST_SERIAL, "Serial digest" }, { AR_HOST_BOARD_SERIAL, "Board digest" } };
	size_t i;

	printf("  %s\n", str(h, AR_HOST_NAME));
	for (i = 0; i < sizeof digests / sizeof digests[0]; i++)
		printf("    %-20s%s\n", digests[i][1], str(h, digests[i][0]));
	printf("    %-20s%s %s\n", "System", str(h, AR_HOST_MANUFACTURER), str(h, AR_HOST_PRODUCT));
	printf("    %-20s%s\n", "BIOS version", str(h, AR_HOST_BIOS_VERSION));
	char c[48], m[48];

	printf("    %-20s%s; %s\n", "CPU", str(h, AR_HOST_CPU_MODEL),
	       count(h, AR_HOST_CPU_CORES, "cores", c, sizeof c));
	printf("    %-20s%s\n", "Memory", count(h, AR_HOST_MEMORY_MIB, "MiB", m, sizeof m));
}

static void print_host(json_t *h)
{
	printf("  %s\n", str(h, AR_HOST_NAME));
	printf("    %-20s%s (%s)\n", "UUID", str(h, AR_HOST_UUID), str(h, AR_HOST_UUID_SOURCE));
	printf("    %-20s%s %s, serial %s", "System", str(h, AR_HOST_MANUFACTURER),
	       str(h, AR_HOST_PRODUCT), str(h, AR_HOST_SERIAL));
	if (json_object_get(h, AR_HOST_BOARD_SERIAL))
		printf(", board serial %s", str(h, AR_HOST_BOARD_SERIAL));
	printf("\n");
	printf("    %-20s%s %s (%s)\n", "BIOS", str(h, AR_HOST_BIOS_VENDOR),
	       str(h, AR_HOST_BIOS_VERSION), str(h, AR_HOST_BIOS_DATE));
	printf("    %-20s%s; %lld sockets, %lld cores, %lld threads\n", "CPU",
	       str(h, AR_HOST_CPU_MODEL), num(h, AR_HOST_CPU_SOCKETS), num(h, AR_HOST_CPU_CORES),
	       num(h, AR_HOST_CPU_THREADS));
	printf("    %-20s%lld MiB\n", "Memory", num(h, AR_HOST_MEMORY_MIB));
	if (json_object_get(h, AR_HOST_OPERATOR)) {
		char *list = ar_json_dump_compact(json_object_get(h, AR_HOST_OPERATOR));

		printf("    %-20s%s\n", "Operator-supplied", list ? list : "?");
		free(list);
	}
}

static void print_text(const char *name, const ar_token *t)
{
	json_t *c = t->claims, *hosts = json_object_get(c, "hosts"), *tot, *h;
	char when[AR_TIME_CHARS + 1];
	int v2 = json_object_get(c, "hostSalt") != NULL;
	size_t i;

	tot = json_object_get(c, "totals");
	printf("%-24s%s\n", "Registration token", ar_text_shown(name));
	printf("%-24s%lld%s\n", "Format", num(c, "version"),
	       v2 ? " (host identities as keyed digests)" : " (host records in clear)");
	printf("%-24s%s\n", "SHA-256", t->sha256_hex);
	printf("%-24svalid, stamp key %s\n", "Signature", t->stamp_kid);
	printf("%-24s%s\n", "CloudId", str(c, "cloudId"));
	printf("%-24s%s\n", "Billing model", str(c, "billingModel"));
	printf("%-24s%s\n", "Agreement number", str(c, "agreementNumber"));
	printf("%-24s%s\n", "Asset tag", str(c, "assetTag"));
	printf("%-24s%s\n", "Usage reporting",
	       json_is_true(json_object_get(c, "usageReporting")) ? "on" : "off");
	printf("%-24s%s\n", "Marketplace syndication",
	       json_is_true(json_object_get(c, "marketplaceSyndication")) ? "on" : "off");
	printf("%-24s%s\n", "Issued", ar_format_time(num(c, "issuedAt"), when));
	if (v2)
		printf("%-24s%lld (%lld cores, %lld MiB)%s\n", "Hosts", num(tot, "hosts"),
		       num(tot, "cpuCores"), num(tot, "memoryMiB"),
		       hosts_without(hosts, AR_HOST_CPU_CORES) + hosts_without(hosts, AR_HOST_MEMORY_MIB)
		       ? "; some hosts state no cores or memory: not counted" : "");
	else
		printf("%-24s%lld (%lld sockets, %lld cores, %lld threads, %lld MiB)\n", "Hosts",
		       num(tot, "hosts"), num(tot, "cpuSockets"), num(tot, "cpuCores"),
		       num(tot, "cpuThreads"), num(tot, "memoryMiB"));
	json_array_foreach(hosts, i, h) {
		if (v2)
			print_host_v2(h);
		else
			print_host(h);
	}
}

static int print_json(const char *name, const ar_token *t, ar_err *e)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:O}", "file", name, "sha256", t->sha256_hex,
				"stampKeyThumbprint", t->stamp_kid, "claims", t->claims);
	int rc = ar_json_print(doc, e);

	json_decref(doc);
	return rc;
}

int cmd_show_run(const char *file, int json, ar_err *e)
{
	const char *name = ar_input_name(file);
	char *text = NULL;
	size_t len = 0;
	ar_token t;
	int rc;

	if (ar_read_carried(file, AR_KIND_TOKEN, &text, &len, e) != AR_OK)
		return e->status;
	rc = ar_token_decode(text, len, &t, name, e);
	if (rc == AR_OK)
		ar_sha256_hex((const uint8_t *)text, len, t.sha256_hex);
	free(text);
	if (rc == AR_OK && json)
		rc = print_json(name, &t, e);
	else if (rc == AR_OK)
		print_text(name, &t);
	ar_token_free(&t);
	return rc;
}
