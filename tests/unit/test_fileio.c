/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "fileio.h"
#include "json.h"
#include "reach.h"

static void write_file(const char *name, const void *data, size_t len, char *path, size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", test_dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static int entries(void)
{
	DIR *d = opendir(test_dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."));
	closedir(d);
	return n;
}

/* What a USB round trip does to a token must not matter. */
static void compact_text_tolerates_transport(void **state)
{
	static const char *const forms[] = {
		"abc.def.ghi", "\xEF\xBB\xBF" "abc.def.ghi", "abc.def.ghi\r\n", "abc.de\r\nf.ghi\r\n",
		"  abc.\n def.\n ghi \t\n\n", "a\nb\nc\n.\nd\ne\nf\n.\ng\nh\ni",
	};
	char path[4200], *text;
	size_t i, len;
	ar_err e;

	(void)state;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		write_file("t.txt", forms[i], strlen(forms[i]), path, sizeof path);
		assert_int_equal(ar_read_compact_text(path, 1024, &text, &len, &e), AR_OK);
		assert_string_equal(text, "abc.def.ghi");
		assert_int_equal(len, 11);
		free(text);
	}
}

static void compact_text_refuses_binary_and_empty(void **state)
{
	char path[4200], *text = NULL;
	size_t len;
	ar_err e;

	(void)state;
	write_file("bin.txt", "abc\0def", 7, path, sizeof path);
	assert_int_equal(ar_read_compact_text(path, 1024, &text, &len, &e), AR_EINPUT);
	assert_string_equal(e.msg, "unexpected byte 0x00 at offset 3 (not a text token)");
	write_file("utf.txt", "abc\xC3\xA9", 5, path, sizeof path);
	assert_int_equal(ar_read_compact_text(path, 1024, &text, &len, &e), AR_EINPUT);
	write_file("empty.txt", "\r\n \xEF\xBB\xBF", 3, path, sizeof path);
	assert_int_equal(ar_read_compact_text(path, 1024, &text, &len, &e), AR_EINPUT);
	assert_string_equal(e.msg, "file is empty");
	assert_null(text);
}

static void read_cap_refuses_before_reading(void **state)
{
	char path[4200], big[2000];
	uint8_t *data = NULL;
	size_t len;
	ar_err e;

	(void)state;
	memset(big, 'a', sizeof big);
	write_file("big.txt", big, sizeof big, path, sizeof path);
	assert_int_equal(ar_read_input(path, 1999, &data, &len, &e), AR_EINPUT);
	assert_string_equal(e.msg, "file larger than 1999 bytes");
	assert_int_equal(ar_read_input(path, 2000, &data, &len, &e), AR_OK);
	assert_int_equal(len, 2000);
	free(data);
	snprintf(path, sizeof path, "%s/none", test_dir);
	assert_int_equal(ar_read_input(path, 10, &data, &len, &e), AR_EINPUT);
	assert_int_equal(ar_read_input(test_dir, 10, &data, &len, &e), AR_EINPUT);
	assert_string_equal(e.msg, "is a directory");
}

static void atomic_write_and_no_clobber(void **state)
{
	char path[4200], *text;
	size_t len;
	struct stat st;
	ar_err e;
	int before;

	(void)state;
	snprintf(path, sizeof path, "%s/out.txt", test_dir);
	assert_int_equal(ar_write_output(path, "one", 3, 0, &e), AR_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(ar_write_output(path, "two", 3, AR_WRITE_SECRET, &e), AR_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	before = entries();
	assert_int_equal(ar_write_output(path, "three", 5, AR_WRITE_NO_CLOBBER, &e), AR_EENV);
	assert_int_equal(entries(), before); /* no temp file left behind */
	assert_int_equal(ar_read_compact_text(path, 100, &text, &len, &e), AR_OK);
	assert_string_equal(text, "two");
	free(text);
	snprintf(path, sizeof path, "%s/no-such-test_dir/out.txt", test_dir);
	assert_int_equal(ar_write_output(path, "x", 1, 0, &e), AR_EENV);
}

static void private_dir_checks(void **state)
{
	char path[4200];
	ar_err e;

	(void)state;
	snprintf(path, sizeof path, "%s/state/deeper", test_dir);
	assert_int_equal(ar_prepare_private_dir(path, 1, &e), AR_OK);
	assert_int_equal(chmod(path, 0777), 0);
	assert_int_equal(ar_prepare_private_dir(path, 1, &e), AR_EENV);
	assert_string_equal(e.msg, "directory is writable by group or others (mode 0777); run chmod go-w");
	snprintf(path, sizeof path, "%s/absent", test_dir);
	assert_int_equal(ar_prepare_private_dir(path, 0, &e), AR_EENV);
}

/* A character device or a FIFO is written to, never replaced; a directory, a socket or a
 * block device is refused; our own state files are regular files or nothing. */
static void outputs_not_regular(void **state)
{
	char path[4200], copy[4200], cmd[8600];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	ar_err e;
	pid_t reader;
	int status, sock;

	(void)state;
	snprintf(path, sizeof path, "%s/null", test_dir);
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) != 0)
		skip(); /* not root: no device node to test with */
	assert_int_equal(ar_write_output(path, "x", 1, 0, &e), AR_OK);
	assert_int_equal(ar_write_output(path, "x", 1, AR_WRITE_NO_CLOBBER, &e), AR_OK);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(ar_write_output(path, "x", 1, AR_WRITE_STATE, &e), AR_EENV);
	assert_string_equal(e.msg, "not a regular file");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));

	snprintf(path, sizeof path, "%s/fifo", test_dir);
	snprintf(copy, sizeof copy, "%s/from-fifo", test_dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(ar_write_output(path, "x", 1, AR_WRITE_STATE, &e), AR_EENV);
	assert_string_equal(e.msg, "not a regular file"); /* and did not wait for a reader */
	snprintf(cmd, sizeof cmd, "cat '%s' > '%s'", path, copy);
	reader = fork();
	assert_true(reader >= 0);
	if (reader == 0)
		_exit(system(cmd) == 0 ? 0 : 1);
	assert_int_equal(ar_write_output(path, "via fifo", 8, 0, &e), AR_OK);
	assert_int_equal(waitpid(reader, &status, 0), reader);
	assert_int_equal(status, 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(stat(copy, &st), 0);
	assert_int_equal(st.st_size, 8);

	snprintf(path, sizeof path, "%s/adir", test_dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ar_write_output(path, "x", 1, 0, &e), AR_EENV);
	assert_string_equal(e.msg, "is a directory; an output must be a regular file, "
				   "a character device or a FIFO");
	snprintf(path, sizeof path, "%s/block", test_dir);
	assert_int_equal(mknod(path, S_IFBLK | 0600, makedev(7, 255)), 0);
	assert_int_equal(ar_write_output(path, "x", 1, 0, &e), AR_EENV);
	assert_string_equal(e.msg, "is a block device; an output must be a regular file, "
				   "a character device or a FIFO");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	snprintf(path, sizeof path, "%s/sock", test_dir);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sock >= 0);
	assert_int_equal(bind(sock, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(ar_write_output(path, "x", 1, 0, &e), AR_EENV);
	assert_string_equal(e.msg, "is a socket; an output must be a regular file, "
				   "a character device or a FIFO");
	close(sock);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
}

/* A directory or a private key of another user is theirs to change: refused. */
static void ownership_checked(void **state)
{
	char path[4200], uid[64];
	ar_err e;

	(void)state;
	snprintf(path, sizeof path, "%s/theirs", test_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(ar_prepare_private_dir(path, 0, &e), AR_OK); /* ours, 0755 */
	if (chown(path, 65534, 65534) != 0)
		skip(); /* not root: cannot give it away */
	assert_int_equal(ar_prepare_private_dir(path, 0, &e), AR_EENV);
	snprintf(uid, sizeof uid, "%u", (unsigned)geteuid());
	assert_non_null(strstr(e.msg, "directory is owned by uid 65534, not by uid "));
	assert_non_null(strstr(e.msg, uid));
	assert_int_equal(ar_prepare_private_dir(path, 1, &e), AR_EENV);
}

/* Only ENOENT is absence (issue 15, part 3): what cannot be looked at is not called missing,
 * and permission names what refused and its owner. */
static void absence_is_enoent_alone(void **state)
{
	char dir[4200], file[4200], below[4300], deep[4300], want[8500], owner[64];
	int present = -1;
	ar_err e;

	(void)state;
	snprintf(dir, sizeof dir, "%s/reach", test_dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(chmod(dir, 0755), 0); /* whatever the umask */
	write_file("reach/f", "x", 1, file, sizeof file);
	assert_int_equal(ar_path_present(file, &present, &e), AR_OK);
	assert_int_equal(present, 1);
	snprintf(below, sizeof below, "%s/none", dir);
	assert_int_equal(ar_path_present(below, &present, &e), AR_OK);
	assert_int_equal(present, 0);
	assert_false(ar_file_exists(below));
	/* a name below a regular file: ENOTDIR, not absence */
	snprintf(below, sizeof below, "%s/x", file);
	assert_int_equal(ar_path_present(below, &present, &e), AR_EENV);
	assert_string_equal(e.msg, "cannot read: Not a directory");
	assert_true(ar_file_exists(below));
	/* permission on a path below: the nearest one that can be looked at is named */
	snprintf(deep, sizeof deep, "%s/a/b", dir);
	assert_int_equal(ar_fail_reach(&e, AR_EENV, deep, EACCES, AR_REACH_READ), AR_EENV);
	snprintf(want, sizeof want, "cannot read %s: permission denied (mode 0755)", dir);
	assert_string_equal(e.msg, want);
	assert_string_equal(e.where, "");
	assert_int_equal(ar_fail_reach(&e, AR_EENV, deep, EIO, AR_REACH_WRITE), AR_EENV);
	assert_string_equal(e.msg, "cannot create: Input/output error");
	if (chown(dir, 65534, 65534) != 0)
		skip(); /* not root: cannot give it away */
	ar_owner_name(65534, owner, sizeof owner);
	assert_int_equal(ar_fail_reach(&e, AR_EENV, deep, EPERM, AR_REACH_WRITE), AR_EENV);
	snprintf(want, sizeof want, "cannot write %s: permission denied (run as the owner, %s)",
		 dir, owner);
	assert_string_equal(e.msg, want);
}

static void json_strict(void **state)
{
	const char *dup = "{\"a\":1,\"a\":2}";
	const char *ok = "{\"s\":\"x\",\"n\":5,\"b\":true,\"l\":[1,2]}";
	json_t *j;
	const char *s = NULL;
	json_int_t n = 0;
	int b = 0;
	ar_err e;

	(void)state;
	assert_null(ar_json_parse_object((const uint8_t *)dup, strlen(dup), "t", &e));
	assert_int_equal(e.status, AR_EINPUT);
	assert_null(ar_json_parse_object((const uint8_t *)"[1]", 3, "t", &e));
	assert_string_equal(e.msg, "JSON is not an object");
	j = ar_json_parse_object((const uint8_t *)ok, strlen(ok), "t", &e);
	assert_non_null(j);
	assert_int_equal(ar_json_string(j, "s", 1, 5, &s, "t", &e), AR_OK);
	assert_string_equal(s, "x");
	assert_int_equal(ar_json_string(j, "n", 1, 5, &s, "t", &e), AR_EINPUT);
	assert_string_equal(e.msg, "field \"n\" must be a string");
	assert_int_equal(ar_json_int(j, "s", 1, 0, 9, &n, "t", &e), AR_EINPUT);
	assert_int_equal(ar_json_int(j, "n", 1, 0, 4, &n, "t", &e), AR_EINPUT);
	assert_int_equal(ar_json_int(j, "n", 1, 0, 9, &n, "t", &e), AR_OK);
	assert_int_equal(ar_json_bool(j, "b", 1, &b, "t", &e), AR_OK);
	assert_int_equal(b, 1);
	assert_int_equal(ar_json_int(j, "missing", 1, 0, 9, &n, "t", &e), AR_EINPUT);
	assert_string_equal(e.msg, "missing field \"missing\"");
	assert_int_equal(ar_json_int(j, "missing", 0, 0, 9, &n, "t", &e), AR_OK);
	{
		static const char *const allowed[] = { "s", "n", "b", NULL };

		assert_int_equal(ar_json_only_keys(j, allowed, "thing", "t", &e), AR_EINPUT);
		assert_string_equal(e.msg, "unknown field \"l\" in thing");
	}
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compact_text_tolerates_transport),
		cmocka_unit_test(compact_text_refuses_binary_and_empty),
		cmocka_unit_test(read_cap_refuses_before_reading),
		cmocka_unit_test(atomic_write_and_no_clobber),
		cmocka_unit_test(private_dir_checks),
		cmocka_unit_test(outputs_not_regular),
		cmocka_unit_test(ownership_checked),
		cmocka_unit_test(absence_is_enoent_alone),
		cmocka_unit_test(json_strict),
	};
	return cmocka_run_group_tests_name("fileio+json", tests, scratch_setup, scratch_teardown);
}
