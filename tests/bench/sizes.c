/* SPDX-License-Identifier: Apache-2.0 */
/* make bench-sizes: where the bytes of a token and of its activation key go, for N
 * different real hosts (HETERO_DIR/node1.json ..., made by hosts.py): the token's parts
 * (header, payload before and after DEFLATE, signature), what each host-record field
 * costs after DEFLATE (removed from every record in turn, the rest deflated again with
 * the token's own compressor), and the key's claims. The numbers the shrinking of both
 * files (issue 16, part 5) starts from. Prints Markdown.
 * Usage: bench-sizes HETERO_DIR [N]   (N: 16) */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activation.h"
#include "ar_limits.h"
#include "codec.h"
#include "deflate.h"
#include "fileio.h"
#include "json.h"
#include "keys.h"
#include "token.h"

#define MAX_FIELDS 64

static void die(const char *what, const ar_err *e)
{
	fprintf(stderr, "bench-sizes: %s: %s: %s\n", what, e ? e->where : "", e ? e->msg : "");
	exit(1);
}

/* The DEFLATE size of the claims as ar_token_encode packs them. */
static size_t deflated(const json_t *claims)
{
	char *json = ar_json_dump_compact(claims);
	uint8_t *packed = NULL;
	size_t len = 0;
	ar_err e;

	if (!json || ar_deflate((const uint8_t *)json, strlen(json), &packed, &len, &e) != AR_OK)
		die("deflate", &e);
	free(json);
	free(packed);
	return len;
}

static size_t json_len(const json_t *v)
{
	char *json = ar_json_dump_compact(v);
	size_t len = json ? strlen(json) : 0;

	free(json);
	return len;
}

static json_t *load_hosts(const char *dir, int n)
{
	json_t *list = json_array();
	int i;

	for (i = 1; i <= n; i++) {
		char path[4096];
		uint8_t *data = NULL;
		size_t len = 0;
		json_t *h;
		ar_err e;

		snprintf(path, sizeof path, "%s/node%d.json", dir, i);
		if (ar_read_input(path, AR_MAX_FILE_BYTES, &data, &len, &e) != AR_OK ||
		    !(h = ar_json_parse_object(data, len, path, &e)))
			die("host record", &e);
		free(data);
		json_array_append_new(list, h);
	}
	return list;
}

typedef struct {
	const char *name;
	size_t records, json_saved, deflate_saved;
} field_cost;

static int by_deflate_cost(const void *a, const void *b)
{
	const field_cost *x = a, *y = b;

	return (x->deflate_saved < y->deflate_saved) - (x->deflate_saved > y->deflate_saved);
}

/* Each field of the host records removed from every record in turn. */
static void field_costs(const json_t *claims, size_t base_json, size_t base_deflate)
{
	field_cost f[MAX_FIELDS];
	size_t n = 0, i, j;
	json_t *host, *value;
	const char *key;

	json_array_foreach(json_object_get(claims, "hosts"), i, host)
		json_object_foreach(host, key, value) {
			for (j = 0; j < n && strcmp(f[j].name, key) != 0; j++)
				;
			if (j == n && n < MAX_FIELDS)
				f[n++] = (field_cost){ key, 0, 0, 0 };
			if (j < n)
				f[j].records++;
		}
	for (j = 0; j < n; j++) {
		json_t *c = json_deep_copy(claims);

		json_array_foreach(json_object_get(c, "hosts"), i, host)
			json_object_del(host, f[j].name);
		f[j].json_saved = base_json - json_len(c);
		f[j].deflate_saved = base_deflate - deflated(c);
		json_decref(c);
	}
	qsort(f, n, sizeof *f, by_deflate_cost);
	printf("| host-record field | records with it | JSON bytes | after DEFLATE | token chars "
	       "(base64url, x4/3) |\n|---|---|---|---|---|\n");
	for (j = 0; j < n; j++)
		printf("| %s | %zu | %zu | %zu | %.0f |\n", f[j].name, f[j].records,
		       f[j].json_saved, f[j].deflate_saved, (double)f[j].deflate_saved * 4 / 3);
}

/* The claims of the key, in its order, as `"name":value,` in its JSON (before DEFLATE). */
static void key_claims(const char *key)
{
	size_t header = strcspn(key, "."), body = strcspn(key + header + 1, ".");
	uint8_t *payload = malloc(strlen(key)), *json = NULL;
	size_t len = 0, json_bytes = 0, hosts = 0;
	json_t *claims, *value;
	const char *name;
	ar_err e;

	if (!payload || ar_b64url_decode(key + header + 1, body, payload, strlen(key), &len) != 0)
		die("key payload", NULL);
	if (ar_inflate(payload, len, AR_MAX_INFLATED_BYTES, &json, &json_bytes, "key", &e) != AR_OK)
		die("key payload", &e);
	if (!(claims = ar_json_parse_object(json, json_bytes, "key", &e)))
		die("key payload", &e);
	printf("\nactivation key: %zu bytes = header %zu + payload %zu (base64url of %zu bytes, "
	       "the DEFLATE of %zu bytes of JSON) + signature %zu (64 bytes), 2 dots\n\n",
	       strlen(key), header, body, len, json_bytes, strlen(key) - header - body - 2);
	printf("| key claim | JSON bytes (\"name\":value,) |\n|---|---|\n");
	json_object_foreach(claims, name, value) {
		size_t bytes = strlen(name) + 3 + json_len(value) + 1;

		if (strcmp(name, "hosts") == 0)
			hosts = json_array_size(value);
		printf("| %s | %zu |\n", name, bytes);
	}
	if (hosts)
		printf("\n(hosts: %zu entries of name, keyed digests, biosVersion, cpuCores: %.0f "
		       "bytes of JSON each)\n", hosts,
		       (double)json_len(json_object_get(claims, "hosts")) / (double)hosts);
	json_decref(claims);
	free(json);
	free(payload);
}

static char *make_key(const char *token, const ar_keypair *issuer)
{
	ar_activation_params p = { 0 };
	json_t *claims, *tenants = json_array();
	char *key = NULL;
	ar_signer signer;
	ar_token t;
	ar_err e;

	if (ar_token_decode(token, strlen(token), &t, "token", &e) != AR_OK)
		die("token", &e);
	ar_sha256_hex((const uint8_t *)token, strlen(token), t.sha256_hex);
	json_array_append_new(tenants, json_pack("{s:s,s:s}", "subscriptionId",
		"11111111-2222-4333-8444-555555555555", "tenantId", "0a0a0a0a-1111-4222-8333-444444444444"));
	p.name = "stamp-east";
	p.token_claims = t.claims;
	p.token_sha256 = t.sha256_hex;
	p.stamp_kid = t.stamp_kid;
	p.tenants = tenants;
	p.serial = 1;
	p.issued_at = (long long)time(NULL);
	p.expires_at = p.issued_at + 365 * 86400LL;
	claims = ar_activation_claims(&p, &e);
	ar_signer_of_secret(&signer, issuer->sk);
	if (!claims || ar_activation_encode(claims, &signer, &key, &e) != AR_OK)
		die("key", &e);
	json_decref(claims);
	json_decref(tenants);
	ar_token_free(&t);
	return key;
}

int main(int argc, char **argv)
{
	int n = argc == 3 ? atoi(argv[2]) : 16;
	json_t *hosts, *claims, *rest;
	ar_keypair stamp, issuer;
	ar_token_params p = { "5c0ffee0-1111-4222-8333-444455556666", AR_BILLING_CAPACITY,
			      "1234", NULL, 0, 0, 0, NULL };
	char *token = NULL, *key;
	size_t json_bytes, packed, header, body;
	ar_err e;

	if (argc < 2 || argc > 3 || n < 1 || sodium_init() < 0) {
		fprintf(stderr, "usage: bench-sizes HETERO_DIR [N]\n");
		return 2;
	}
	hosts = load_hosts(argv[1], n);
	p.issued_at = (long long)time(NULL);
	p.hosts = hosts;
	if (ar_keypair_generate(&stamp, &e) != AR_OK || ar_keypair_generate(&issuer, &e) != AR_OK)
		die("keygen", &e);
	if (!(claims = ar_token_claims(&p, &e)) ||
	    ar_token_encode(claims, &stamp, &token, &e) != AR_OK)
		die("token", &e);
	json_bytes = json_len(claims);
	packed = deflated(claims);
	rest = json_deep_copy(claims);
	json_object_del(rest, "hosts");
	header = strcspn(token, ".");
	body = strcspn(token + header + 1, ".");
	printf("token, %d different real hosts: %zu bytes (one QR code holds %d) = header %zu + "
	       "payload %zu + signature %zu (64 bytes), 2 dots\n\n", n, strlen(token),
	       AR_QR_BYTES_PER_CODE, header, body, strlen(token) - header - body - 2);
	printf("- header: base64url of %zu bytes of JSON (alg, typ, zip and the stamp's public "
	       "key as a JWK)\n", header * 3 / 4);
	printf("- payload: %zu bytes of JSON -> %zu bytes after DEFLATE (%.0f %%) -> %zu "
	       "base64url\n", json_bytes, packed, 100.0 * (double)packed / (double)json_bytes,
	       body);
	printf("- of the payload's JSON, the %zu host records take %zu bytes (%.0f each), the "
	       "other claims %zu (%zu after DEFLATE alone)\n\n", json_array_size(hosts),
	       json_len(json_object_get(claims, "hosts")),
	       (double)json_len(json_object_get(claims, "hosts")) / n, json_len(rest),
	       deflated(rest));
	field_costs(claims, json_bytes, packed);
	key = make_key(token, &issuer);
	key_claims(key);
	free(key);
	free(token);
	json_decref(rest);
	json_decref(claims);
	json_decref(hosts);
	ar_keypair_free(&stamp);
	ar_keypair_free(&issuer);
	return 0;
}
