/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "keys.h"

static void path_in(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", test_dir, name);
}

static void private_key_round_trip_0600(void **state)
{
	char path[4200];
	ar_keypair kp = { 0 }, back = { 0 };
	struct stat st;
	ar_err e;

	(void)state;
	path_in(path, sizeof path, "a.key");
	assert_int_equal(ar_keypair_generate(&kp, &e), AR_OK);
	assert_int_equal(ar_key_save_private(path, &kp, 0, &e), AR_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ar_key_load_private(path, &back, &e), AR_OK);
	assert_memory_equal(back.pk, kp.pk, 32);
	assert_memory_equal(back.sk, kp.sk, 64);
	/* no clobber without force; force replaces */
	assert_int_equal(ar_key_save_private(path, &kp, 0, &e), AR_EENV);
	assert_string_equal(e.msg, "file exists (use --force to replace it)");
	assert_int_equal(ar_key_save_private(path, &kp, 1, &e), AR_OK);
	ar_keypair_free(&kp);
	ar_keypair_free(&back);
	assert_null(kp.sk);
}

static void loose_or_linked_private_key_refused(void **state)
{
	char path[4200], link_path[4200];
	ar_keypair kp = { 0 }, back = { 0 };
	ar_err e;

	(void)state;
	path_in(path, sizeof path, "b.key");
	path_in(link_path, sizeof link_path, "link.key");
	assert_int_equal(ar_keypair_generate(&kp, &e), AR_OK);
	assert_int_equal(ar_key_save_private(path, &kp, 0, &e), AR_OK);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ar_key_load_private(path, &back, &e), AR_EENV);
	assert_string_equal(e.msg, "private key is accessible by group or others (mode 0640); run chmod 600");
	assert_null(back.sk);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(symlink(path, link_path), 0);
	assert_int_equal(ar_key_load_private(link_path, &back, &e), AR_EENV);
	assert_string_equal(e.msg, "private key file is a symbolic link (refused)");
	ar_keypair_free(&kp);
}

/* `openssl pkey` reads ours; we read what `openssl genpkey` writes. */
static void openssl_interoperates(void **state)
{
	char path[4200], pub[4200], cmd[9000];
	ar_keypair kp = { 0 };
	uint8_t pk[32];
	ar_err e;

	(void)state;
	path_in(path, sizeof path, "ossl.key");
	path_in(pub, sizeof pub, "ossl.pub");
	snprintf(cmd, sizeof cmd, "umask 077 && openssl genpkey -algorithm ed25519 -out '%s' && "
		 "openssl pkey -in '%s' -pubout -out '%s'", path, path, pub);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ar_key_load_private(path, &kp, &e), AR_OK);
	assert_int_equal(ar_key_load_public(pub, pk, &e), AR_OK);
	assert_memory_equal(pk, kp.pk, 32);
	ar_keypair_free(&kp);

	path_in(path, sizeof path, "ours.key");
	path_in(pub, sizeof pub, "ours.pub");
	assert_int_equal(ar_keypair_generate(&kp, &e), AR_OK);
	assert_int_equal(ar_key_save_private(path, &kp, 0, &e), AR_OK);
	assert_int_equal(ar_key_save_public(pub, kp.pk, 0, &e), AR_OK);
	snprintf(cmd, sizeof cmd, "openssl pkey -in '%s' -noout && openssl pkey -pubin -in '%s' -noout",
		 path, pub);
	assert_int_equal(system(cmd), 0);
	ar_keypair_free(&kp);
}

static void wrong_key_types_refused(void **state)
{
	char path[4200], cmd[9000];
	ar_keypair kp = { 0 };
	uint8_t pk[32];
	ar_err e;

	(void)state;
	path_in(path, sizeof path, "ec.key");
	snprintf(cmd, sizeof cmd, "umask 077 && openssl genpkey -algorithm EC -pkeyopt "
		 "ec_paramgen_curve:P-256 -out '%s' 2>/dev/null", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ar_key_load_private(path, &kp, &e), AR_EINPUT);
	assert_string_equal(e.msg, "not a PEM PKCS#8 Ed25519 private key");
	assert_int_equal(ar_key_load_public(path, pk, &e), AR_EINPUT);
	path_in(path, sizeof path, "missing.pub");
	assert_int_equal(ar_key_load_public(path, pk, &e), AR_EINPUT);
}

/* An encrypted key is refused, never prompted for. */
static void encrypted_key_refused_without_prompt(void **state)
{
	char path[4200], cmd[9000];
	ar_keypair kp = { 0 };
	ar_err e;

	(void)state;
	snprintf(path, sizeof path, "%s/enc.key", test_dir);
	snprintf(cmd, sizeof cmd, "umask 077 && openssl genpkey -algorithm ed25519 -aes-256-cbc "
		 "-pass pass:secret -out '%s'", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ar_key_load_private(path, &kp, &e), AR_EINPUT);
	assert_null(kp.sk);
}

static void jwk_private_part_refused(void **state)
{
	json_t *jwk = json_pack("{s:s,s:s,s:s,s:s}", "kty", "OKP", "crv", "Ed25519", "x",
				"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d",
				"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
	uint8_t pk[32];
	ar_err e;

	(void)state;
	assert_int_equal(ar_jwk_to_public(jwk, pk, "t", &e), AR_EINPUT);
	json_object_del(jwk, "d");
	assert_int_equal(ar_jwk_to_public(jwk, pk, "t", &e), AR_OK);
	json_object_set_new(jwk, "crv", json_string("X25519"));
	assert_int_equal(ar_jwk_to_public(jwk, pk, "t", &e), AR_EINPUT);
	json_decref(jwk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_key_round_trip_0600),
		cmocka_unit_test(loose_or_linked_private_key_refused),
		cmocka_unit_test(openssl_interoperates),
		cmocka_unit_test(wrong_key_types_refused),
		cmocka_unit_test(encrypted_key_refused_without_prompt),
		cmocka_unit_test(jwk_private_part_refused),
	};
	return cmocka_run_group_tests_name("keys", tests, scratch_setup, scratch_teardown);
}
