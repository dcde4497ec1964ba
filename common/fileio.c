/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "fileio.h"
#include "reach.h"
#include "qr.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ar_limits.h"
#include "codec.h"
#include "text.h"

static int env_error(ar_err *e, const char *where, const char *what)
{
	return ar_fail(e, AR_EENV, where, "%s: %s", what, strerror(errno));
}

int ar_read_fd(int fd, size_t cap, uint8_t **data, size_t *len, const char *where, ar_err *e)
{
	size_t size = 0, alloc = 4096;
	uint8_t *buf = malloc(alloc + 1);
	int rc;

	if (!buf)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	for (;;) {
		ssize_t n;

		if (size == alloc) {
			uint8_t *grown;

			alloc *= 2;
			if (alloc > cap + 1)
				alloc = cap + 1;
			if (size == alloc) {
				rc = ar_fail(e, AR_EINPUT, where, "file larger than %zu bytes", cap);
				goto fail;
			}
			grown = realloc(buf, alloc + 1);
			if (!grown) {
				rc = ar_fail(e, AR_EINTERNAL, where, "out of memory");
				goto fail;
			}
			buf = grown;
		}
		n = read(fd, buf + size, alloc - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = env_error(e, where, "cannot read");
			goto fail;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (size > cap) {
		rc = ar_fail(e, AR_EINPUT, where, "file larger than %zu bytes", cap);
		goto fail;
	}
	buf[size] = '\0';
	*data = buf;
	*len = size;
	return AR_OK;
fail:
	free(buf);
	return rc;
}

static int read_path(const char *path, size_t cap, int own_state, uint8_t **data, size_t *len,
		     ar_err *e)
{
	struct stat st;
	int fd, rc;
	const char *where = ar_input_name(path);

	if (ar_is_stdio(path) && !own_state) {
		fd = STDIN_FILENO;
	} else {
		/* O_NONBLOCK: a FIFO in our state is refused below, not waited on. */
		fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC |
				(own_state ? O_NOFOLLOW | O_NONBLOCK : 0));
		if (fd < 0 && errno == ELOOP && own_state)
			return ar_fail(e, AR_EENV, path, "is a symbolic link (refused)");
		if (fd < 0 && (errno == EACCES || errno == EPERM))
			return ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_READ);
		if (fd < 0) {
			int status = (errno == ENOENT && !own_state) ? AR_EINPUT : AR_EENV;

			return ar_fail(e, status, path, "cannot open: %s", strerror(errno));
		}
	}
	if (fstat(fd, &st) != 0) {
		rc = env_error(e, where, "cannot stat");
	} else if (own_state && !S_ISREG(st.st_mode)) {
		rc = ar_fail(e, AR_EENV, where, "not a regular file");
	} else if (S_ISDIR(st.st_mode)) {
		rc = ar_fail(e, AR_EINPUT, where, "is a directory");
	} else if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > cap) {
		rc = ar_fail(e, AR_EINPUT, where, "file larger than %zu bytes", cap);
	} else {
		rc = ar_read_fd(fd, cap, data, len, where, e);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

int ar_read_input(const char *path, size_t cap, uint8_t **data, size_t *len, ar_err *e)
{
	return read_path(path, cap, 0, data, len, e);
}

int ar_read_state_file(const char *path, size_t cap, uint8_t **data, size_t *len, ar_err *e)
{
	return read_path(path, cap, 1, data, len, e);
}

int ar_compact_text(uint8_t *data, size_t *len, const char *where, ar_err *e)
{
	size_t in = 0, out = 0, bom = 0;

	if (*len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
		bom = 3;
		memmove(data, data + bom, *len - bom);
		*len -= bom;
	}
	/* Parts of QR codes, as a scanner read them, become the one text. */
	if (ar_qr_join(data, *len, len, where, e) != AR_OK)
		return e->status;
	for (; in < *len; in++) {
		uint8_t c = data[in];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c < 0x21 || c > 0x7E)
			return ar_fail(e, AR_EINPUT, where,
				       "unexpected byte 0x%02x at offset %zu (not a text token)",
				       c, in + bom);
		data[out++] = c;
	}
	data[out] = '\0';
	*len = out;
	if (out == 0)
		return ar_fail(e, AR_EINPUT, where, "file is empty");
	return AR_OK;
}

int ar_read_compact_text(const char *path, size_t cap, char **text, size_t *len, ar_err *e)
{
	uint8_t *data = NULL;
	int rc = ar_read_input(path, cap, &data, len, e);

	if (rc == AR_OK)
		rc = ar_compact_text(data, len, ar_input_name(path), e);
	if (rc == AR_OK)
		*text = (char *)data;
	else
		free(data);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ar_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/* A temp name beside the target, so the rename stays in one file system. */
static int temp_path_for(char *out, size_t cap, const char *path)
{
	char *copy = strdup(path);
	char *copy2 = strdup(path);
	uint8_t rnd[8];
	char hex[17];
	int n = -1;

	if (copy && copy2) {
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
		n = snprintf(out, cap, "%s/.%s.%s.tmp", dirname(copy), basename(copy2), hex);
	}
	free(copy);
	free(copy2);
	return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

static int write_stdout(const void *data, size_t len, ar_err *e)
{
	if (write_all(STDOUT_FILENO, data, len) != 0)
		return env_error(e, "(stdout)", "cannot write");
	return AR_OK;
}

/* What a file that is not a regular file is, in words, for the lines that refuse it. */
const char *ar_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISCHR(mode))
		return "a character device";
	return S_ISFIFO(mode) ? "a FIFO" : "a special file";
}

/* A character device or a FIFO the user named: written to, never replaced (-o /dev/null
 * discards, a FIFO feeds its reader). No fsync: neither keeps data. */
static int write_stream(const char *path, const void *data, size_t len, ar_err *e)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC), rc = AR_OK;

	if (fd < 0)
		return ar_fail(e, AR_EENV, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) != 0)
		rc = env_error(e, path, "cannot stat");
	else if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
		/* swapped since lstat(): opened without O_TRUNC, so nothing was touched */
		rc = ar_fail(e, AR_EENV, path, "replaced while being opened; run again");
	else if (write_all(fd, data, len) != 0)
		rc = env_error(e, path, "cannot write");
	if (close(fd) != 0 && rc == AR_OK)
		rc = env_error(e, path, "cannot write");
	return rc;
}

int ar_check_output(const char *path, ar_err *e)
{
	struct stat st;

	if (!path || ar_is_stdio(path) || lstat(path, &st) != 0 || S_ISREG(st.st_mode) ||
	    S_ISLNK(st.st_mode) || S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
		return AR_OK;
	return ar_fail(e, AR_EENV, path,
		       "is %s; an output must be a regular file, a character device or a FIFO",
		       ar_file_kind(st.st_mode));
}

int ar_write_output(const char *path, const void *data, size_t len, int flags, ar_err *e)
{
	char tmp[4096];
	struct stat st;
	mode_t mode = (flags & AR_WRITE_SECRET) ? 0600 : 0644;
	int fd, rc = AR_OK;

	if (ar_is_stdio(path))
		return write_stdout(data, len, e);
	/* Only a regular file or a symbolic link (the link, never its target) is replaced. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		if (flags & AR_WRITE_STATE)
			return ar_fail(e, AR_EENV, path, "not a regular file");
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
			return write_stream(path, data, len, e);
		return ar_check_output(path, e);
	}
	if (temp_path_for(tmp, sizeof tmp, path) != 0)
		return ar_fail(e, AR_EUSAGE, path, "path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return env_error(e, path, "cannot create");
	/* open() honours the umask; the mode is part of the contract. */
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = env_error(e, path, "cannot write");
		close(fd);
	} else if (close(fd) != 0) {
		rc = env_error(e, path, "cannot write");
	} else if (flags & AR_WRITE_NO_CLOBBER) {
		/* link() fails with EEXIST atomically, unlike a check before rename(). */
		if (link(tmp, path) != 0)
			rc = errno == EEXIST
				? ar_fail(e, AR_EENV, path, "file exists (use --force to replace it)")
				: env_error(e, path, "cannot create");
	} else if (rename(tmp, path) != 0) {
		rc = env_error(e, path, "cannot replace");
	}
	/* No temp file stays: what a failure left, or link()'s second name. */
	if (rc != AR_OK || (flags & AR_WRITE_NO_CLOBBER))
		unlink(tmp);
	if (rc == AR_OK && ar_sync_dir(path) != 0)
		rc = env_error(e, path, "cannot sync directory");
	return rc;
}

int ar_prepare_private_dir(const char *dir, int create, ar_err *e)
{
	struct stat st;

	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		if (errno == ENOENT) {
			/* One missing parent is common (/var/lib/airreg); make the chain. */
			char *copy = strdup(dir);
			int rc;

			if (!copy)
				return ar_fail(e, AR_EINTERNAL, dir, "out of memory");
			rc = ar_prepare_private_dir(dirname(copy), 1, e);
			free(copy);
			if (rc != AR_OK)
				return rc;
			if (mkdir(dir, 0700) != 0 && errno != EEXIST)
				return env_error(e, dir, "cannot create directory");
		} else if (errno == EACCES || errno == EPERM) {
			/* refused whether it is there or not: say by whom, after stat() below */
			int err = errno;

			if (stat(dir, &st) != 0)
				return ar_fail_reach(e, AR_EENV, dir, errno == ENOENT ? err : errno,
						     errno == ENOENT ? AR_REACH_WRITE : AR_REACH_READ);
		} else {
			return env_error(e, dir, "cannot create directory");
		}
	}
	if (stat(dir, &st) != 0)
		return errno == ENOENT
			? ar_fail(e, AR_EENV, dir, "state directory missing: %s", strerror(errno))
			: ar_fail_reach(e, AR_EENV, dir, errno, AR_REACH_READ);
	if (!S_ISDIR(st.st_mode))
		return ar_fail(e, AR_EENV, dir, "not a directory");
	/* Another's directory we may not read: we are the wrong user, not the owner's victim. */
	if (faccessat(AT_FDCWD, dir, R_OK | X_OK, AT_EACCESS) != 0 &&
	    (errno == EACCES || errno == EPERM))
		return ar_fail_reach(e, AR_EENV, dir, errno, AR_REACH_READ);
	/* Its owner may plant or swap files in it whatever its mode says. */
	if (st.st_uid != geteuid() && geteuid() != 0)
		return ar_fail_not_owner(e, dir, 0, st.st_uid);
	if (st.st_uid != geteuid())
		return ar_fail(e, AR_EENV, dir,
			       "directory is owned by uid %u, not by uid %u who runs this; "
			       "run chown %u on it",
			       (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return ar_fail(e, AR_EENV, dir,
			       "directory is writable by group or others (mode %04o); run chmod go-w",
			       (unsigned)(st.st_mode & 07777));
	return AR_OK;
}

int ar_lock_dir(const char *dir, int *lock_fd, ar_err *e)
{
	char path[4096];
	int fd;

	if (ar_join_path(path, sizeof path, dir, AR_LOCK_FILE, e) != AR_OK)
		return e->status;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_WRITE);
	if (fd < 0)
		return env_error(e, path, "cannot open lock");
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int rc = env_error(e, path, "cannot lock"); /* before close() changes errno */

			close(fd);
			return rc;
		}
	}
	*lock_fd = fd;
	return AR_OK;
}

void ar_unlock(int lock_fd)
{
	if (lock_fd >= 0)
		close(lock_fd);
}

int ar_join_path(char *out, size_t cap, const char *dir, const char *name, ar_err *e)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap)
		return ar_fail(e, AR_EUSAGE, dir, "path too long");
	return AR_OK;
}

int ar_file_exists(const char *path)
{
	struct stat st;

	/* only ENOENT is absence: what we may not look at (EACCES) may well be there */
	return lstat(path, &st) == 0 || errno != ENOENT;
}

int ar_is_stdio(const char *path)
{
	return path && strcmp(path, "-") == 0;
}

const char *ar_input_name(const char *path)
{
	return ar_is_stdio(path) ? "(stdin)" : path;
}

int ar_stdin_once(const char *const *paths, size_t n, const char *flag, ar_err *e)
{
	size_t i, seen = 0;

	for (i = 0; i < n; i++)
		if (ar_is_stdio(paths[i]) && ++seen > 1)
			return ar_fail(e, AR_EUSAGE, NULL, "- (stdin) given twice for %s: standard "
				       "input holds one file; give the others by name", flag);
	return AR_OK;
}

const char *ar_output_name(const char *path)
{
	return ar_is_stdio(path) ? "(stdout)" : path;
}

FILE *ar_report_stream(const char *output)
{
	return ar_is_stdio(output) ? stderr : stdout;
}

void ar_report_sha256(FILE *out, const void *data, size_t len, const char *name)
{
	char hex[AR_SHA256_HEX_CHARS + 1];

	ar_sha256_hex(data, len, hex);
	ar_report_sha256_hex(out, hex, name);
}

void ar_report_sha256_hex(FILE *out, const char *hex, const char *name)
{
	const char *shown = ar_text_shown(name);

	/* sha256sum's own form: a line whose name holds an escape starts with a backslash,
	 * so that `sha256sum -c` reads the name back (a backslash is written `\\` by both) */
	fprintf(out, "%s%s  %s\n", strchr(shown, '\\') ? "\\" : "", hex, shown);
}

const char *ar_choose_dir(const char *option, const char *env_name, const char *fallback)
{
	const char *env = getenv(env_name);

	if (option)
		return option;
	return (env && *env) ? env : fallback;
}

int ar_check_dir_choice(const char *option, const char *flag, const char *env_name, ar_err *e)
{
	const char *env = getenv(env_name);

	if (option && !*option)
		return ar_fail(e, AR_EUSAGE, NULL, "%s is empty (name a directory, or leave "
			       "the flag out)", flag);
	if (!option && env && !*env)
		return ar_fail(e, AR_EUSAGE, NULL, "%s is set but empty (name a directory, or "
			       "unset it)", env_name);
	return AR_OK;
}
