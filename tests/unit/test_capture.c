/* SPDX-License-Identifier: Apache-2.0 */
/* token-gen's capture reader (token-gen/capture.c), with openat2 and, as on kernels before
 * Linux 5.6, without it: tests/attacks/captures.sh drives the first through the program;
 * the second only a test can choose. */
#include "testutil.h"

#include <sys/stat.h>

#include "capture.h"

static void put(const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", test_dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_at(const char *target, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", test_dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* Reads rel; returns the status, *text the value (or NULL when absent). */
static int read_rel(const capture *c, const char *rel, char **text, ar_err *e)
{
	uint8_t *data = NULL;
	size_t len = 0;
	char why[300] = "";
	int rc = capture_read(c, rel, 4096, &data, &len, why, sizeof why, e);

	*text = (char *)data;
	return rc;
}

/* root/ a/file ("in"), a/fifo, a/abs -> /a/file, a/up -> ../../../a/file, d -> a;
 * beside root: outside ("out"). */
static char *make_root(void)
{
	char path[4096], *root;

	snprintf(path, sizeof path, "%s/root", test_dir);
	root = strdup(path);
	assert_int_equal(mkdir(root, 0700), 0);
	snprintf(path, sizeof path, "%s/a", root);
	assert_int_equal(mkdir(path, 0700), 0);
	put("root/a/file", "in");
	put("outside", "out");
	snprintf(path, sizeof path, "%s/a/fifo", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	link_at("/a/file", "root/a/abs");
	link_at("../../../a/file", "root/a/up");
	link_at("a", "root/d");
	snprintf(path, sizeof path, "%s/outside", test_dir);
	link_at(path, "root/a/out");
	return root;
}

/* rel is read from the capture and holds the inside file's "in" */
static void reads_in(const capture *c, const char *rel)
{
	char *text;
	ar_err e;

	assert_int_equal(read_rel(c, rel, &text, &e), AR_OK);
	assert_string_equal(text, "in");
	free(text);
}

static void with_openat2(void **state)
{
	char *root = make_root(), *text;
	capture c;
	ar_err e;

	(void)state;
	capture_open(&c, root);
	if (!c.have_openat2) {
		capture_close(&c);
		free(root);
		skip(); /* this kernel has none: the other test is what runs here */
	}
	reads_in(&c, "a/file");
	/* absolute and climbing links stay inside the root, as under chroot */
	reads_in(&c, "a/abs");
	reads_in(&c, "a/up");
	reads_in(&c, "d/file");
	/* a link to a file outside means ROOT/that path: absent, never the file outside */
	assert_int_equal(read_rel(&c, "a/out", &text, &e), AR_OK);
	assert_null(text);
	assert_int_equal(read_rel(&c, "a/fifo", &text, &e), AR_EINPUT);
	assert_string_equal(e.msg, "is a FIFO, not a regular file (refused)");
	capture_close(&c);
	free(root);
}

static void without_openat2(void **state)
{
	char *root = make_root(), *text;
	capture c;
	ar_err e;

	(void)state;
	capture_open(&c, root);
	c.have_openat2 = 0; /* as on Linux before 5.6 */
	reads_in(&c, "a/file");
	/* no link is followed, last name or on the way */
	assert_int_equal(read_rel(&c, "a/abs", &text, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "a symbolic link on the way (refused"));
	assert_int_equal(read_rel(&c, "a/out", &text, &e), AR_EINPUT);
	assert_int_equal(read_rel(&c, "d/file", &text, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "a symbolic link on the way (refused"));
	assert_int_equal(read_rel(&c, "a/fifo", &text, &e), AR_EINPUT);
	assert_string_equal(e.msg, "is a FIFO, not a regular file (refused)");
	assert_int_equal(read_rel(&c, "a/none", &text, &e), AR_OK);
	assert_null(text);
	capture_close(&c);
	free(root);
}

static void root_missing(void **state)
{
	char path[4096], why[300] = "";
	uint8_t *data = NULL;
	size_t len = 0;
	capture c;
	ar_err e;

	(void)state;
	snprintf(path, sizeof path, "%s/no-such-root", test_dir);
	capture_open(&c, path);
	assert_int_equal(capture_read(&c, "proc/cpuinfo", 64, &data, &len, why, sizeof why, &e),
			 AR_OK);
	assert_null(data);
	assert_non_null(strstr(why, "cannot open: No such file or directory"));
	capture_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(with_openat2, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(without_openat2, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(root_missing, scratch_setup, scratch_teardown),
	};
	return cmocka_run_group_tests_name("capture", tests, NULL, NULL);
}
