/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the unit tests: cmocka, and paths to the test data (tests/data) and a scratch dir. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* $TESTDATA (the repository's tests/data), set by the Makefile. */
static inline const char *testdata_path(const char *rel, char *buf, size_t cap)
{
	const char *root = getenv("TESTDATA");

	snprintf(buf, cap, "%s/%s", root ? root : "tests/data", rel);
	return buf;
}

static inline json_t *load_testdata_json(const char *rel)
{
	char path[4096];
	json_error_t err;
	json_t *j = json_load_file(testdata_path(rel, path, sizeof path), JSON_REJECT_DUPLICATES, &err);

	if (!j)
		fail_msg("cannot load %s: %s", path, err.text);
	return j;
}

/* A fresh private scratch directory under /tmp. */
static inline char *scratch_dir(void)
{
	char *dir = strdup("/tmp/airreg-unit-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static inline void remove_tree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The scratch directory of a test file that needs one. */
static char *test_dir;

static inline int scratch_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	test_dir = scratch_dir();
	return 0;
}

static inline int scratch_teardown(void **state)
{
	(void)state;
	remove_tree(test_dir);
	free(test_dir);
	return 0;
}

static inline int unit_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

#endif
