/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: registrar serve's request handling (api_handle), HTTP aside, on a
 * database holding one registration "east" with one customer subscription. Input:
 * a method byte, then lines PATH, $top, $skipToken, If-Match, If-None-Match (an empty
 * line: absent), then the body; the api-version is right unless the method byte's high bit says absent. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "http/api.h"
#include "fuzz.h"
#include "store.h"
#include "token.h"

static store *db;
static ar_keypair issuer;
static ar_signer issuer_signer;

static const char host_record[] =
	"{\"version\":1,\"name\":\"node1\",\"uuid\":\"161674cc-2a1e-11b2-a85c-e121881d01b9\","
	"\"uuidSource\":\"smbios\",\"manufacturer\":\"LENOVO\",\"product\":\"20L8S07A14\","
	"\"serial\":\"PC131TBF\",\"biosVendor\":\"LENOVO\",\"biosVersion\":\"N22ET52W (1.29 )\","
	"\"biosDate\":\"01/16/2019\",\"cpuModel\":\"Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\","
	"\"cpuSockets\":1,\"cpuCores\":4,\"cpuThreads\":8,\"memoryMiB\":24576}";

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_api: set-up failed: %s\n", what);
		abort();
	}
}

/* A registration made the way the API makes one. */
static void register_east(void)
{
	ar_token_params p = { 0 };
	ar_keypair stamp = { 0 };
	json_t *hosts = json_array(), *claims;
	char *compact = NULL, *body;
	api_request rq = { 0 };
	api_response rs;
	ar_err e;

	must(ar_keypair_generate(&stamp, &e) == AR_OK, e.msg);
	json_array_append_new(hosts, json_loads(host_record, 0, NULL));
	p.cloud_id = "5a3b1e00-aaaa-4bbb-8ccc-000000000001";
	p.billing_model = "Development";
	p.issued_at = (long long)time(NULL);
	p.hosts = hosts;
	claims = ar_token_claims(&p, &e);
	must(claims && ar_token_encode(claims, &stamp, &compact, &e) == AR_OK, e.msg);
	body = malloc(strlen(compact) + 64);
	sprintf(body, "{\"properties\":{\"registrationToken\":\"%s\"}}", compact);
	rq.method = "PUT";
	rq.path = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/"
		  "providers/Microsoft.AzureStack/registrations/east";
	rq.api_version = AR_API_VERSION;
	rq.origin = "http://fuzz";
	rq.body = (const uint8_t *)body;
	rq.body_len = strlen(body);
	api_handle(db, &issuer_signer, &rq, &rs);
	must(rs.status == 201, rs.body ? rs.body : "PUT east");
	free(rs.body);
	json_decref(claims);
	json_decref(hosts);
	free(compact);
	free(body);
	ar_keypair_free(&stamp);
}

static char dir[] = "/tmp/airreg-fuzz-api-XXXXXX";

/* libFuzzer ends a timed run with exit(): the database and its directory go with it. */
static void remove_dir(void)
{
	static const char *const files[] = { "registrar.db", "registrar.db-wal",
		"registrar.db-shm", "registrar.db-journal", NULL };
	const char *const *f;
	char path[sizeof dir + 32];
	ar_err e;

	store_close(db, AR_OK, &e);
	for (f = files; *f; f++) {
		snprintf(path, sizeof path, "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ar_err e;

	(void)argc;
	(void)argv;
	fuzz_init();
	must(mkdtemp(dir) != NULL, "mkdtemp");
	atexit(remove_dir);
	must(store_create(dir, "fuzz", NULL, NULL, &e) == AR_OK, e.msg);
	must(store_open(dir, 0, &db, &e) == AR_OK, e.msg);
	must(ar_keypair_generate(&issuer, &e) == AR_OK, e.msg);
	ar_signer_of_secret(&issuer_signer, issuer.sk);
	register_east();
	return 0;
}

/* The next line of the input (NUL-terminated in place), or NULL when it is empty. */
static char *next_line(char **p, char *end)
{
	char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));

	if (!nl)
		nl = end;
	*nl = '\0';
	*p = nl < end ? nl + 1 : end;
	return *line ? line : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD" };
	char *text, *p, *end, *path;
	api_request rq = { 0 };
	api_response rs;
	json_t *parsed;
	int bodyless;

	if (size < 1 || size > AR_API_MAX_BODY_BYTES + 1024)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	p = text;
	end = text + size - 1;
	path = next_line(&p, end);
	rq.method = methods[(data[0] & 0x7f) % 6];
	rq.path = path ? path : "/";
	rq.api_version = (data[0] & 0x80) ? NULL : AR_API_VERSION;
	rq.top = next_line(&p, end);
	rq.skip_token = next_line(&p, end);
	rq.if_match = next_line(&p, end);
	rq.if_none_match = next_line(&p, end);
	rq.origin = "http://fuzz";
	rq.body = (const uint8_t *)p;
	rq.body_len = (size_t)(end - p);
	api_handle(db, &issuer_signer, &rq, &rs);
	/* every request gets a status; a body is a JSON object, and only a 204, a 304 or a
	 * DELETE's 200 has none */
	parsed = rs.body ? json_loads(rs.body, 0, NULL) : NULL;
	bodyless = rs.status == 204 || rs.status == 304 ||
		   (rs.status == 200 && strcmp(rq.method, "DELETE") == 0);
	if (rs.status < 200 || rs.status > 599 || (rs.body ? !json_is_object(parsed) : !bodyless)) {
		fprintf(stderr, "fuzz_api: status %u, body %s\n", rs.status,
			rs.body ? rs.body : "(none)");
		abort();
	}
	json_decref(parsed);
	free(rs.body);
	free(text);
	return 0;
}
