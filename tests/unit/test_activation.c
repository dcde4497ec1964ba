/* SPDX-License-Identifier: Apache-2.0 */
/* What a Capacity key licenses (common/activation.c): the hosts and their physical cores,
 * as the registrar issues them from a token; a key stating no cores licenses none and is
 * refused (a forged key, or one a registrar of issue 16 issued before cores were required). */
#include "testutil.h"

#include "activation.h"
#include "token.h"

/* A format-2 Capacity token's claims as token-gen writes them, for two hosts of 16 cores. */
static json_t *token_claims(void)
{
	json_t *hosts = json_pack("[{s:s,s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:s,s:i}]",
				  "name", "a", "uuid", "00112233-4455-6677-8899-aabbccddeeff",
				  "biosVersion", "1.0", "cpuModel", "Xeon", "cpuCores", 16,
				  "name", "b", "uuid", "00112233-4455-6677-8899-aabbccddeef0",
				  "biosVersion", "1.0", "cpuModel", "Xeon", "cpuCores", 16);
	ar_token_params p = { "5c0ffee0-1111-4222-8333-444455556666", "Capacity", "1234", NULL,
			      0, 0, 1763779200, hosts };
	ar_err e;
	json_t *c = ar_token_claims(&p, &e);

	assert_non_null(c);
	json_decref(hosts);
	return c;
}

static json_t *key_claims(json_t *token)
{
	ar_activation_params p = { "east", token,
		"0000000000000000000000000000000000000000000000000000000000000000",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, 1, 1763779200,
		1763779200 + 86400 };
	ar_err e;
	json_t *c;

	p.tenants = json_array();
	c = ar_activation_claims(&p, &e);
	json_decref(p.tenants);
	assert_non_null(c);
	return c;
}

static void expect_refused(json_t *c, const char *msg)
{
	ar_err e;

	assert_int_equal(ar_activation_check_claims(c, "key", &e), AR_EINPUT);
	assert_string_equal(e.msg, msg);
}

static void capacity_licenses_cores(void **state)
{
	json_t *token = token_claims(), *key = key_claims(token), *licensed, *h;
	ar_err e;
	size_t i;

	(void)state;
	/* as issued: both counts, and the stamp's check takes it */
	licensed = json_object_get(key, "licensed");
	assert_int_equal(json_integer_value(json_object_get(licensed, "hosts")), 2);
	assert_int_equal(json_integer_value(json_object_get(licensed, "cpuCores")), 32);
	assert_int_equal(ar_activation_check_claims(key, "key", &e), AR_OK);
	/* a licence without cores while the hosts state them */
	json_object_del(licensed, "cpuCores");
	expect_refused(key, "\"licensed\" counts no cores, the key's hosts 32");
	/* no core anywhere: {"hosts": 2} only, which the old check took */
	json_array_foreach(json_object_get(key, "hosts"), i, h)
		json_object_del(h, "cpuCores");
	expect_refused(key, "host 1 (a) of a Capacity key has no \"cpuCores\" (no cores licensed)");
	/* one host without cores, the licence the other's: a partial licence */
	json_object_set_new(json_array_get(json_object_get(key, "hosts"), 0), "cpuCores",
			    json_integer(16));
	json_object_set_new(licensed, "cpuCores", json_integer(16));
	expect_refused(key, "host 2 (b) of a Capacity key has no \"cpuCores\" (no cores licensed)");
	json_decref(key);
	json_decref(token);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capacity_licenses_cores),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("activation", tests, NULL, NULL);
}
