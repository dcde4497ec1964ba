/* SPDX-License-Identifier: Apache-2.0 */
/* The licensed hosts of an activation key (common/hostkey.c): the keyed digests against a
 * vector computed apart (Python's hmac, docs/formats.md's recipe), placeholders left out,
 * firmware in clear, and the issuer's policy in words or a count. */
#include "testutil.h"

#include "hostkey.h"

#define CLOUD "5c0ffee0-1111-4222-8333-444455556666"

static void digest_vector(void **state)
{
	uint8_t salt[AR_HOST_SALT_BYTES];
	char d[AR_HOST_DIGEST_CHARS + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof salt; i++)
		salt[i] = (uint8_t)i;
	/* hmac.new(bytes(range(16)), b"\0".join([b"airreg-host-v1", CLOUD, b"serial",
	 * b"PC131TBF"]), sha256).digest()[:8], base64url */
	assert_int_equal(ar_host_digest(salt, CLOUD, "serial", "PC131TBF", d), 0);
	assert_string_equal(d, "Tj-p5mpwJC4");
	assert_int_equal(ar_host_digest(salt, CLOUD, "uuid", "161674cc-2a1e-11b2-a85c-e121881d01b9",
					d), 0);
	assert_string_equal(d, "7nTSaI1EtK8");
	/* the field's name is bound: one value, another field, another digest */
	assert_int_equal(ar_host_digest(salt, CLOUD, "boardSerial", "PC131TBF", d), 0);
	assert_string_not_equal(d, "Tj-p5mpwJC4");
}

static void hosts_of_records(void **state)
{
	uint8_t salt[AR_HOST_SALT_BYTES] = { 0 };
	json_t *records = json_loads("[{\"name\":\"a\",\"uuid\":\"161674CC-2A1E-11B2-A85C-E121881D01B9\","
				     "\"serial\":\"To Be Filled By O.E.M.\",\"boardSerial\":\"BS1\","
				     "\"biosVersion\":\"1.2\",\"cpuCores\":8,\"memoryMiB\":1024},"
				     "{\"name\":\"b\",\"uuid\":\"00000000-0000-0000-0000-000000000000\","
				     "\"biosVersion\":\"1.3\"}]", 0, NULL);
	json_t *hosts = ar_key_hosts(records, CLOUD, salt), *a, *b;
	char d[AR_HOST_DIGEST_CHARS + 1];
	ar_err e;

	(void)state;
	assert_non_null(hosts);
	a = json_array_get(hosts, 0);
	b = json_array_get(hosts, 1);
	/* the UUID is lowercased before it is hashed */
	assert_int_equal(ar_host_digest(salt, CLOUD, "uuid", "161674cc-2a1e-11b2-a85c-e121881d01b9",
					d), 0);
	assert_string_equal(json_string_value(json_object_get(a, "uuid")), d);
	assert_null(json_object_get(a, "serial"));         /* a placeholder: left out */
	assert_non_null(json_object_get(a, "boardSerial"));
	assert_string_equal(json_string_value(json_object_get(a, "biosVersion")), "1.2");
	assert_int_equal(json_integer_value(json_object_get(a, "cpuCores")), 8);
	assert_null(json_object_get(a, "memoryMiB"));      /* inventory the key does not carry */
	assert_null(json_object_get(b, "uuid"));           /* an all-zero UUID: left out */
	assert_int_equal(json_object_size(b), 2);          /* name, biosVersion */
	assert_int_equal(ar_key_hosts_check(hosts, "t", &e), AR_OK);
	json_object_set_new(a, "serial", json_string("Tj-p5mpwJC"));
	assert_int_equal(ar_key_hosts_check(hosts, "t", &e), AR_EINPUT);
	json_decref(hosts);
	json_decref(records);
}

static void policy(void **state)
{
	json_t *c = NULL;
	char text[96];
	ar_err e;

	(void)state;
	assert_int_equal(ar_host_match_parse("most", "--host-match", 3, &c, &e), AR_OK);
	ar_host_match_describe(c, 3, text, sizeof text);
	assert_string_equal(text, "most of 3 hosts");
	json_decref(c);
	assert_int_equal(ar_host_match_parse("2", "--host-match", 3, &c, &e), AR_OK);
	assert_true(json_is_integer(c));
	ar_host_match_describe(c, 3, text, sizeof text);
	assert_string_equal(text, "at least 2 of 3 hosts");
	assert_int_equal(ar_host_match_check(c, 3, "t", &e), AR_OK);
	assert_int_equal(ar_host_match_check(c, 1, "t", &e), AR_EINPUT);
	json_decref(c);
	assert_int_equal(ar_host_match_parse("4", "--host-match", 3, &c, &e), AR_EUSAGE);
	assert_int_equal(ar_host_match_parse("02", "--host-match", 3, &c, &e), AR_EUSAGE);
	assert_int_equal(ar_host_match_parse("2x", "--host-match", 3, &c, &e), AR_EUSAGE);
	assert_int_equal(ar_host_match_parse("All", "--host-match", 3, &c, &e), AR_EUSAGE);
	ar_host_match_describe(NULL, 3, text, sizeof text);
	assert_string_equal(text, "none (a key from a registrar before hardware policies)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digest_vector),
		cmocka_unit_test(hosts_of_records),
		cmocka_unit_test(policy),
	};
	return cmocka_run_group_tests_name("hostkey", tests, NULL, NULL);
}
