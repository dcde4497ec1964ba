/* SPDX-License-Identifier: Apache-2.0 */
/* airreg-connect's client set-up (airreg-connect/open.c): which registrar URLs, pins, path
 * names and secret files are taken, and that each refusal has its exit status, before a
 * byte is sent. */
#include "testutil.h"

#include <curl/curl.h>

#include "http.h"

static const char secret[] = "q0Zk5m5o1QvJ0c2fN3yGJmR8wK2a9X7VdE4sT6uP1bA"; /* 43, base64url */

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void opts_for(connect_opts *o, const char *url, char *secret_path)
{
	memset(o, 0, sizeof *o);
	o->registrar = url;
	o->name = "east";
	o->subscription = "11111111-2222-4333-8444-555555555555";
	o->resource_group = "azurestack";
	o->timeout = 30;
	snprintf(secret_path, 4096, "%s/secret", test_dir);
	o->api_secret = secret_path;
}

/* The status http_open answers for url (the secret file good). */
static int open_url(const char *url, const char *pin, const char *ca, http_client *c)
{
	connect_opts o;
	char path[4096];
	ar_err e;
	int rc;

	opts_for(&o, url, path);
	o.pin = pin;
	o.ca_file = ca;
	write_file(path, secret, 0600);
	memset(&e, 0, sizeof e);
	rc = http_open(c, &o, &e);
	if (rc != AR_OK)
		assert_int_equal(e.status, rc);
	return rc;
}

static void urls(void **state)
{
	static const struct { const char *url; int want; } cases[] = {
		{ "https://registrar.example", AR_OK },
		{ "https://registrar.example:8443/airreg/", AR_OK },
		{ "HTTPS://registrar.example", AR_OK },
		{ "http://127.0.0.1:8080", AR_OK },
		{ "http://127.1.2.3", AR_OK },
		{ "http://localhost:1", AR_OK },
		{ "http://LOCALHOST", AR_OK },
		{ "http://[::1]:8080", AR_OK },
		{ "http://registrar.example", AR_EUSAGE },
		{ "http://127.0.0.1.evil.example", AR_EUSAGE },
		{ "http://localhost.evil.example", AR_EUSAGE },
		{ "http://128.0.0.1", AR_EUSAGE },
		{ "http://[::2]", AR_EUSAGE },
		{ "http://0.0.0.0", AR_EUSAGE },
		{ "ftp://registrar.example", AR_EUSAGE },
		{ "file:///etc/passwd", AR_EUSAGE },
		{ "https://user:pw@registrar.example", AR_EUSAGE },
		{ "https://user@registrar.example", AR_EUSAGE },
		{ "https://registrar.example/?x=1", AR_EUSAGE },
		{ "https://registrar.example/#f", AR_EUSAGE },
		{ "registrar.example", AR_EUSAGE },
		{ "", AR_EUSAGE },
		{ "https://", AR_EUSAGE },
	};
	http_client c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = open_url(cases[i].url, NULL, NULL, &c);

		http_close(&c);
		if (rc != cases[i].want)
			fail_msg("%s: %d, want %d", cases[i].url, rc, cases[i].want);
	}
	/* the path prefix: no doubled slash, the names as given */
	assert_int_equal(open_url("https://r.example:8443/airreg//", NULL, NULL, &c), AR_OK);
	assert_string_equal(c.prefix, "https://r.example:8443/airreg/subscriptions/11111111-2222-"
			    "4333-8444-555555555555/resourceGroups/azurestack/providers/"
			    "Microsoft.AzureStack/registrations");
	assert_string_equal(c.authorization + strlen("Authorization: Bearer "), secret);
	http_close(&c);
	assert_null(c.authorization);
}

static void pins(void **state)
{
	static const struct { const char *pin; int want; } cases[] = {
		{ "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", AR_OK },
		{ "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", AR_EUSAGE },
		{ "sha256//47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", AR_EUSAGE },
		{ "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", AR_EUSAGE },
		{ "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", AR_EUSAGE },
		{ "sha256//", AR_EUSAGE },
		{ "sha1//AAAAAAAAAAAAAAAAAAAAAAAAAAA=", AR_EUSAGE },
	};
	http_client c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = open_url("https://r.example", cases[i].pin, NULL, &c);

		http_close(&c);
		if (rc != cases[i].want)
			fail_msg("%s: %d, want %d", cases[i].pin, rc, cases[i].want);
	}
	/* plain HTTP has no certificate to check: a pin or CA file there is a mistake */
	assert_int_equal(open_url("http://127.0.0.1", cases[0].pin, NULL, &c), AR_EUSAGE);
	http_close(&c);
	assert_int_equal(open_url("http://127.0.0.1", NULL, "ca.pem", &c), AR_EUSAGE);
	http_close(&c);
}

static void names(void **state)
{
	static const struct { const char *sub, *rg, *name; int want; } cases[] = {
		{ "11111111-2222-4333-8444-555555555555", "rg", "east", AR_OK },
		{ "11111111-2222-4333-8444-5555555555AA", "Rg.(x)_-1", "e.1_2-3", AR_OK },
		{ "11111111-2222-4333-8444-55555555555", "rg", "east", AR_EUSAGE },
		{ "11111111-2222-4333-8444-5555555555555", "rg", "east", AR_EUSAGE },
		{ "11111111x2222-4333-8444-555555555555", "rg", "east", AR_EUSAGE },
		{ "11111111-2222-4333-8444-55555555555g", "rg", "east", AR_EUSAGE },
		{ "11111111-2222-4333-8444-555555555555", "", "east", AR_EUSAGE },
		{ "11111111-2222-4333-8444-555555555555", "r/g", "east", AR_EUSAGE },
		{ "11111111-2222-4333-8444-555555555555", "r g", "east", AR_EUSAGE },
		{ "11111111-2222-4333-8444-555555555555", "rg", "../x", AR_EUSAGE },
		{ "11111111-2222-4333-8444-555555555555", "rg", "e?x", AR_EUSAGE },
		{ "11111111-2222-4333-8444-555555555555", "rg", "-e", AR_EUSAGE },
	};
	connect_opts o;
	http_client c;
	char path[4096];
	ar_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc;

		opts_for(&o, "https://r.example", path);
		write_file(path, secret, 0600);
		o.subscription = cases[i].sub;
		o.resource_group = cases[i].rg;
		o.name = cases[i].name;
		rc = http_open(&c, &o, &e);
		http_close(&c);
		if (rc != cases[i].want)
			fail_msg("%s %s %s: %d, want %d", cases[i].sub, cases[i].rg, cases[i].name, rc,
				 cases[i].want);
	}
}

static void secrets(void **state)
{
	static const struct { const char *text; mode_t mode; int want; } cases[] = {
		{ secret, 0600, AR_OK },
		{ "q0Zk5m5o1QvJ0c2fN3yGJmR8wK2a9X7VdE4sT6uP1bA\n", 0600, AR_OK },
		{ "q0Zk5m5o1QvJ0c2fN3yGJmR8wK2a9X7VdE4sT6uP1bA\r\n", 0400, AR_OK },
		{ secret, 0640, AR_EENV },
		{ secret, 0604, AR_EENV },
		{ "short", 0600, AR_EENV },
		{ "", 0600, AR_EENV },
		{ "q0Zk5m5o1QvJ0c2fN3yGJmR8wK2a9X7VdE4sT6uP1bA\r\nX-Injected: 1", 0600, AR_EENV },
		{ "q0Zk5m5o1QvJ0c2fN3yG JmR8wK2a9X7VdE4sT6uP1bA", 0600, AR_EENV },
		{ "q0Zk5m5o1QvJ0c2fN3yG\x1bJmR8wK2a9X7VdE4sT6uP1bA", 0600, AR_EENV },
	};
	connect_opts o;
	http_client c;
	char path[4096], link[4200];
	ar_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc;

		opts_for(&o, "https://r.example", path);
		unlink(path);
		write_file(path, cases[i].text, cases[i].mode);
		rc = http_open(&c, &o, &e);
		http_close(&c);
		if (rc != cases[i].want)
			fail_msg("secret %zu: %d, want %d (%s)", i, rc, cases[i].want, e.msg);
	}
	/* a link to a good secret, and no file at all */
	opts_for(&o, "https://r.example", path);
	write_file(path, secret, 0600);
	snprintf(link, sizeof link, "%s/link", test_dir);
	unlink(link);
	assert_int_equal(symlink(path, link), 0);
	o.api_secret = link;
	assert_int_equal(http_open(&c, &o, &e), AR_EENV);
	http_close(&c);
	o.api_secret = "/nonexistent/airreg/secret";
	assert_int_equal(http_open(&c, &o, &e), AR_EENV);
	http_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urls),
		cmocka_unit_test(pins),
		cmocka_unit_test(names),
		cmocka_unit_test(secrets),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	int failed = cmocka_run_group_tests_name("connect_open", tests, scratch_setup,
						 scratch_teardown);

	curl_global_cleanup();
	return failed;
}
