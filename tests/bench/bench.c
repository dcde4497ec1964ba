/* SPDX-License-Identifier: Apache-2.0 */
/* make bench, the in-process half: verification beside the bare signature check,
 * token creation, the registrar's batch (one transaction per batch) as its database
 * grows, and the sizes of the files, for copies of one host (HOST_RECORD.json) and for
 * different real hosts (HETERO_DIR/node1.json ..., made by hosts.py from the captures).
 * Prints rows of the table run.sh heads.
 * With BENCH_DATABASE (a postgresql:// URL of an empty database), the batches again on
 * PostgreSQL. Usage: bench HOST_RECORD.json HETERO_DIR WORK_DIR */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "activation.h"
#include "bench.h"
#include "codec.h"
#include "deflate.h"
#include "ar_limits.h"
#include "fileio.h"
#include "issuer.h"
#include "jws.h"
#include "json.h"
#include "keys.h"
#include "registry.h"
#include "store.h"
#include "token.h"

#define MIN_SECONDS 0.7 /* each rate is measured over at least this long */
#define CLOUD_ID "5c0ffee0-1111-4222-8333-444455556666"
#define N_HETERO 64       /* hosts.py's records: node1.json ... node64.json */

static json_t *proto_host, *hetero; /* hetero: the array of hosts.py's records */
long long now;

double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void die(const char *what, const ar_err *e)
{
	fprintf(stderr, "bench: %s: %s: %s\n", what, e ? e->where : "", e ? e->msg : "");
	exit(1);
}

void row(const char *what, const char *value, const char *target, const char *note)
{
	printf("| %s | %s | %s | %s |\n", what, value, target, note);
	fflush(stdout);
}

/* n distinct hosts like the sample record (distinct names, UUIDs and serials). */
static json_t *hosts(int n)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < n; i++) {
		json_t *h = json_deep_copy(proto_host);
		char name[16], uuid[40], serial[16];

		snprintf(name, sizeof name, "node%d", i + 1);
		snprintf(uuid, sizeof uuid, "4c4c4544-0042-3510-8052-b4c04f%06x", (unsigned)i);
		snprintf(serial, sizeof serial, "B5R%04dM2", i);
		json_object_set_new(h, "name", json_string(name));
		json_object_set_new(h, "uuid", json_string(uuid));
		json_object_set_new(h, "serial", json_string(serial));
		json_array_append_new(list, h);
	}
	return list;
}

/* The first n of the different real hosts. */
json_t *hetero_hosts(int n)
{
	json_t *list = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append(list, json_array_get(hetero, (size_t)i));
	return list;
}

/* A Capacity token for the hosts h (takes h). */
char *token_of(json_t *h, const ar_keypair *stamp, const char *cloud_id)
{
	json_t *claims;
	ar_token_params p = { cloud_id, AR_BILLING_CAPACITY, "1234", NULL, 0, 0, now, h };
	char *compact = NULL;
	ar_err e;

	claims = ar_token_claims(&p, &e);
	if (!claims || ar_token_encode(claims, stamp, &compact, &e) != AR_OK)
		die("token", &e);
	json_decref(claims);
	json_decref(h);
	return compact;
}

/* A token for n copies of the sample host. */
char *make_token(int n_hosts, const ar_keypair *stamp, const char *cloud_id)
{
	return token_of(hosts(n_hosts), stamp, cloud_id);
}

static const ar_keypair *lookup_key;
static int lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	char want[AR_THUMBPRINT_CHARS + 1];

	(void)ctx;
	ar_jwk_thumbprint(lookup_key->pk, want);
	if (strcmp(kid, want) != 0)
		return ar_fail(e, AR_EINPUT, NULL, "not trusted");
	memcpy(pk, lookup_key->pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

/* What key-import does in memory: decode (base64url, JSON, types), verify, bind, time. */
static void verify_key(const char *key, size_t len, const char *stamp_kid)
{
	ar_activation a;
	ar_err e;
	json_t *c;

	if (ar_activation_decode(key, len, lookup, NULL, &a, "key", &e) != AR_OK)
		die("decode key", &e);
	c = a.claims;
	if (strcmp(json_string_value(json_object_get(json_object_get(c, "cnf"), "jkt")),
		   stamp_kid) != 0 ||
	    strcmp(json_string_value(json_object_get(c, "cloudId")), CLOUD_ID) != 0 ||
	    json_integer_value(json_object_get(c, "nbf")) > now + AR_CLOCK_SKEW_SECONDS ||
	    json_integer_value(json_object_get(c, "exp")) <= now)
		die("key claims", NULL);
	ar_activation_free(&a);
}

static void verify_token(const char *token, size_t len)
{
	ar_token t;
	ar_err e;

	if (ar_token_decode(token, len, &t, "token", &e) != AR_OK)
		die("decode token", &e);
	ar_token_free(&t);
}

/* Runs fn until MIN_SECONDS have passed; returns calls per second. */
#define RATE(result, stmt) do { \
	long n_ = 0; double t0_ = seconds(), t_; \
	do { for (int i_ = 0; i_ < 64; i_++) { stmt; } n_ += 64; } \
	while ((t_ = seconds() - t0_) < MIN_SECONDS); \
	(result) = (double)n_ / t_; \
} while (0)

static void raw_rate(const char *compact, const uint8_t pk[AR_ED25519_PK_BYTES], double *rate)
{
	ar_jws jws;
	ar_err e;

	if (ar_jws_parse(compact, strlen(compact), &jws, "raw", &e) != AR_OK)
		die("parse", &e);
	RATE(*rate, if (crypto_sign_verify_detached(jws.sig, (const uint8_t *)jws.signing_input,
						     jws.signing_input_len, pk) != 0) die("raw", NULL));
	ar_jws_free(&jws);
}

/* What jansson alone costs on the payload: with the bare verify, the ceiling of the
 * ratio any decoder built on it can reach. */
static double json_ceiling(const char *compact, int inflated, double raw)
{
	ar_jws jws;
	ar_err e;
	uint8_t *json = NULL;
	size_t len = 0;
	double rate;

	if (ar_jws_parse(compact, strlen(compact), &jws, "ceiling", &e) != AR_OK)
		die("parse", &e);
	if (inflated) {
		if (ar_inflate(jws.payload, jws.payload_len, AR_MAX_INFLATED_BYTES, &json, &len,
			       "ceiling", &e) != AR_OK)
			die("inflate", &e);
	} else {
		json = malloc(jws.payload_len);
		memcpy(json, jws.payload, jws.payload_len);
		len = jws.payload_len;
	}
	RATE(rate, json_decref(json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, NULL)));
	free(json);
	ar_jws_free(&jws);
	return (1 / raw) / (1 / raw + 1 / rate);
}

/* The activation key the registrar issues for a token: one tenant, a year. */
static char *make_key(const char *token, const ar_keypair *issuer, ar_token *t)
{
	ar_activation_params p = { 0 };
	ar_signer signer;
	json_t *claims, *tenants = json_array();
	char *key = NULL;
	ar_err e;

	if (ar_token_decode(token, strlen(token), t, "token", &e) != AR_OK)
		die("token", &e);
	ar_sha256_hex((const uint8_t *)token, strlen(token), t->sha256_hex);
	json_array_append_new(tenants, json_pack("{s:s,s:s}", "subscriptionId",
		"11111111-2222-4333-8444-555555555555", "tenantId", "0a0a0a0a-1111-4222-8333-444444444444"));
	p.name = "stamp-east";
	p.token_claims = t->claims;
	p.token_sha256 = t->sha256_hex;
	p.stamp_kid = t->stamp_kid;
	p.tenants = tenants;
	p.serial = 1;
	p.issued_at = now;
	p.expires_at = now + 365 * 86400LL;
	claims = ar_activation_claims(&p, &e);
	ar_signer_of_secret(&signer, issuer->sk);
	if (!claims || ar_activation_encode(claims, &signer, &key, &e) != AR_OK)
		die("key", &e);
	json_decref(claims);
	json_decref(tenants);
	return key;
}

static void verification(const ar_keypair *issuer, const ar_keypair *stamp)
{
	char *token = make_token(16, stamp, CLOUD_ID), *key, v[64], note[160];
	ar_token t;
	double full, raw;

	key = make_key(token, issuer, &t);
	lookup_key = issuer;
	RATE(full, verify_key(key, strlen(key), t.stamp_kid));
	raw_rate(key, issuer->pk, &raw);
	snprintf(v, sizeof v, "%.0f/s vs %.0f/s raw: %.3f", full, raw, full / raw);
	snprintf(note, sizeof note, "decode, verify, claim checks; jansson's parse alone caps "
		 "it at %.2f", json_ceiling(key, 0, raw));
	row("activation key (16 hosts) verified in process / bare crypto_sign_verify_detached",
	    v, ">= 0.90", note);
	RATE(full, verify_token(token, strlen(token)));
	raw_rate(token, stamp->pk, &raw);
	snprintf(v, sizeof v, "%.0f/s vs %.0f/s raw: %.3f", full, raw, full / raw);
	snprintf(note, sizeof note, "inflate %zu -> %zu bytes, JSON, every claim; jansson's parse "
		 "alone caps it at %.2f", t.compressed_len, t.payload_len,
		 json_ceiling(token, 1, raw));
	row("16-host token verified in process / bare verify", v, ">= 0.90", note);
	free(key);
	ar_token_free(&t);
	free(token);
}

static void growth(const ar_keypair *stamp)
{
	static const int n[] = { 1, 4, 16, 64 };
	char v[64], what[64];
	double rate;
	size_t i;

	for (i = 0; i < 4; i++) {
		char *t = make_token(n[i], stamp, CLOUD_ID);

		RATE(rate, verify_token(t, strlen(t)));
		snprintf(what, sizeof what, "token verified in process, %d host%s", n[i],
			 n[i] == 1 ? "" : "s");
		snprintf(v, sizeof v, "%.0f/s (%.0f us)", rate, 1e6 / rate);
		row(what, v, "", "growth with hosts");
		free(t);
	}
}

static void creation(const ar_keypair *stamp)
{
	static const int sizes[] = { 1, 16 };
	char v[64], what[64];
	double rate;
	size_t i;

	for (i = 0; i < 2; i++) {
		RATE(rate, free(make_token(sizes[i], stamp, CLOUD_ID)));
		snprintf(what, sizeof what, "token creation, %d host%s (records given)", sizes[i],
			 sizes[i] == 1 ? "" : "s");
		snprintf(v, sizeof v, "%.0f/s", rate);
		row(what, v, "", "claims, DEFLATE, Ed25519 sign");
	}
}

static void size_row(const char *file, int n, int same, size_t bytes)
{
	char what[96], v[32], note[64];

	snprintf(what, sizeof what, "%s size, %d host%s, %s", file, n, n == 1 ? "" : "s",
		 same ? "copies of one model" : "different real hosts");
	snprintf(v, sizeof v, "%zu bytes", bytes);
	snprintf(note, sizeof note, "%.0f %% of one QR code%s",
		 100.0 * (double)bytes / AR_QR_BYTES_PER_CODE,
		 bytes <= AR_QR_BYTES_PER_CODE ? "" : ": does not fit");
	row(what, v, "<= 2331 (one QR code, level M)", note);
}

/* Token and key sizes for 1, 4, 16, 64 hosts: copies of the sample (names, UUIDs and
 * serials differ), then different real hosts (hosts.py); each key has one tenant. */
static void sizes(const ar_keypair *issuer, const ar_keypair *stamp)
{
	static const int n[] = { 1, 4, 16, 64 };
	size_t i, token_len[2][4], key_len[2][4];
	int same;

	for (same = 1; same >= 0; same--)
		for (i = 0; i < 4; i++) {
			char *t = same ? make_token(n[i], stamp, CLOUD_ID)
				       : token_of(hetero_hosts(n[i]), stamp, CLOUD_ID);
			char *k;
			ar_token tok;

			k = make_key(t, issuer, &tok);
			token_len[same][i] = strlen(t);
			key_len[same][i] = strlen(k);
			ar_token_free(&tok);
			free(k);
			free(t);
		}
	for (same = 1; same >= 0; same--)
		for (i = 0; i < 4; i++)
			size_row("token", n[i], same, token_len[same][i]);
	for (same = 1; same >= 0; same--)
		for (i = 0; i < 4; i++)
			size_row("activation key (1 tenant)", n[i], same, key_len[same][i]);
}

/* The issuer's signature, of an activation key's signing input (about 1 KB), with the file
 * key in memory and through a PKCS#11 token (BENCH_PKCS11_URI: run.sh's SoftHSM2, the PIN in
 * AIRREG_PKCS11_PIN): what init --pkcs11 costs each key issued. */
static void token_signing(const ar_keypair *issuer)
{
	const char *uri = getenv("BENCH_PKCS11_URI");
	uint8_t msg[1024], sig[AR_ED25519_SIG_BYTES];
	registrar_issuer *iss = NULL;
	const ar_signer *tok;
	ar_signer file;
	double file_rate, tok_rate;
	char v[96];
	ar_err e;

	if (!uri)
		return;
	randombytes_buf(msg, sizeof msg);
	ar_signer_of_secret(&file, issuer->sk);
	if (registrar_issuer_generate(uri, &iss, &e) != AR_OK)
		die("pkcs11", &e);
	tok = registrar_issuer_signer(iss);
	RATE(file_rate, if (file.sign(file.ctx, msg, sizeof msg, sig, &e) != AR_OK) die("sign", &e));
	RATE(tok_rate, if (tok->sign(tok->ctx, msg, sizeof msg, sig, &e) != AR_OK) die("sign", &e));
	snprintf(v, sizeof v, "%.0f/s vs %.0f/s file key: %.2f", tok_rate, file_rate,
		 tok_rate / file_rate);
	row("issuer signature (1 KB) through SoftHSM2 (PKCS#11, CKM_EDDSA) / file key", v, "",
	    "one session, one signature at a time (serve's lock); each checked with the public key");
	registrar_issuer_close(iss);
}

int main(int argc, char **argv)
{
	ar_keypair issuer, stamp;
	uint8_t *data = NULL;
	size_t len = 0;
	const char *only = getenv("BENCH_ONLY"), *pg_url = getenv("BENCH_DATABASE");
	ar_err e;
	int i;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: bench HOST_RECORD.json HETERO_DIR WORK_DIR\n");
		return 2;
	}
	now = (long long)time(NULL);
	if (ar_read_input(argv[1], AR_MAX_FILE_BYTES, &data, &len, &e) != AR_OK ||
	    !(proto_host = ar_json_parse_object(data, len, argv[1], &e)))
		die("host record", &e);
	free(data);
	hetero = json_array();
	for (i = 1; i <= N_HETERO; i++) {
		char path[4096];
		json_t *h;

		snprintf(path, sizeof path, "%s/node%d.json", argv[2], i);
		if (ar_read_input(path, AR_MAX_FILE_BYTES, &data, &len, &e) != AR_OK ||
		    !(h = ar_json_parse_object(data, len, path, &e)))
			die("host record", &e);
		free(data);
		json_array_append_new(hetero, h);
	}
	if (ar_keypair_generate(&issuer, &e) != AR_OK || ar_keypair_generate(&stamp, &e) != AR_OK)
		die("keygen", &e);
	/* BENCH_ONLY=registrar: the batches alone, for a profiler; BENCH_ONLY=postgresql:
	 * PostgreSQL's alone */
	if (!only) {
		verification(&issuer, &stamp);
		growth(&stamp);
		creation(&stamp);
		sizes(&issuer, &stamp);
		token_signing(&issuer);
		fflush(stdout);
	}
	if (!only || strcmp(only, "registrar") == 0)
		registrar_batches(argv[3], &issuer, 0);
	fflush(stdout);
	/* BENCH_DATABASE: a postgresql:// URL of an empty database (run.sh's throw-away
	 * cluster): the same batches there */
	if (pg_url) {
		char dir[4096];

		snprintf(dir, sizeof dir, "%s/pg", argv[3]);
		if (mkdir(dir, 0700) != 0)
			die(dir, NULL);
		store_use_database(pg_url);
		registrar_batches(dir, &issuer, 1);
	}
	ar_keypair_free(&issuer);
	ar_keypair_free(&stamp);
	json_decref(proto_host);
	json_decref(hetero);
	return 0;
}
