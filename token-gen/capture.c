/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"

/* openat2 has no glibc wrapper before 2.37. RESOLVE_IN_ROOT: "/", ".." and absolute link
 * targets stay inside dirfd, as under chroot; magic links (/proc/PID/fd/N) are not taken. */
static int openat2_in_root(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	int fd = -1, tries;

	memset(&how, 0, sizeof how);
	how.flags = (unsigned long long)flags;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a rename elsewhere raced the ".." check; the kernel asks for a retry */
	for (tries = 0; tries < 8; tries++) {
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

static int is_link(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/* Without openat2, every directory on the way is opened with O_NOFOLLOW: no link is
 * followed at all (ELOOP names one on the way). The last name is opened O_NOFOLLOW too. */
static int open_no_links(int dirfd, const char *rel, int flags)
{
	char part[NAME_MAX + 1];
	const char *p = rel, *slash;
	int cur = dirfd, fd, saved;

	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		if (n == 0 || n > NAME_MAX) {
			fd = -1;
			errno = ENAMETOOLONG;
		} else {
			memcpy(part, p, n);
			part[n] = '\0';
			fd = openat(cur, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 && errno == ENOTDIR && is_link(cur, part))
				errno = ELOOP;
		}
		saved = errno;
		if (cur != dirfd)
			close(cur);
		errno = saved;
		if (fd < 0)
			return -1;
		cur = fd;
		p = slash + 1;
	}
	fd = openat(cur, p, flags | O_NOFOLLOW);
	saved = errno;
	if (cur != dirfd)
		close(cur);
	errno = saved;
	return fd;
}

static int open_under(const capture *c, const char *rel, int flags)
{
	flags |= O_CLOEXEC;
	if (c->have_openat2)
		return openat2_in_root(c->dirfd, rel, flags);
	/* nothing can lead out of / itself */
	if (strcmp(c->root, "/") == 0)
		return openat(c->dirfd, rel, flags);
	return open_no_links(c->dirfd, rel, flags);
}

void capture_open(capture *c, const char *root)
{
	int probe;

	c->root = root;
	c->open_errno = 0;
	c->dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		c->open_errno = errno;
	c->have_openat2 = 1;
	if (c->dirfd < 0)
		return;
	probe = openat2_in_root(c->dirfd, ".", O_PATH | O_CLOEXEC);
	/* ENOSYS: before Linux 5.6; EPERM: a seccomp filter that predates it */
	if (probe < 0 && (errno == ENOSYS || errno == EPERM))
		c->have_openat2 = 0;
	if (probe >= 0)
		close(probe);
}

void capture_close(capture *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

static int link_refused(const char *path, ar_err *e)
{
	return ar_fail(e, AR_EINPUT, path, "a symbolic link on the way (refused: this kernel has "
		       "no openat2, Linux 5.6, to keep links inside the root)");
}

/* Looks (O_PATH: a device is never opened, a FIFO never waited on), then opens the same file
 * O_NONBLOCK and checks it is the one looked at. */
static int open_regular(const capture *c, const char *rel, const char *path, int *fd_out,
			char *why, size_t why_cap, ar_err *e)
{
	struct stat looked, opened;
	int fd = open_under(c, rel, O_PATH);

	*fd_out = -1;
	if (fd < 0 && errno == ELOOP && !c->have_openat2)
		return link_refused(path, e);
	if (fd < 0) {
		snprintf(why, why_cap, "%s: cannot open: %s", path, strerror(errno));
		return AR_OK;
	}
	if (fstat(fd, &looked) != 0)
		looked.st_mode = 0;
	close(fd);
	if (S_ISLNK(looked.st_mode))
		return link_refused(path, e);
	if (!S_ISREG(looked.st_mode))
		return ar_fail(e, AR_EINPUT, path, "is %s, not a regular file (refused)",
			       ar_file_kind(looked.st_mode));
	/* a hard link stays inside the root by name yet is another file's content (where
	 * fs.protected_hardlinks is off, any file of the host's); a capture's files are its own */
	if (strcmp(c->root, "/") != 0 && looked.st_nlink > 1)
		return ar_fail(e, AR_EINPUT, path, "has %ju hard links (refused: a file of the "
			       "capture shares its content with another)", (uintmax_t)looked.st_nlink);
	fd = open_under(c, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, why_cap, "%s: cannot open: %s", path, strerror(errno));
		return AR_OK;
	}
	if (fstat(fd, &opened) != 0 || opened.st_dev != looked.st_dev ||
	    opened.st_ino != looked.st_ino) {
		close(fd);
		return ar_fail(e, AR_EINPUT, path, "was replaced while being opened (refused)");
	}
	*fd_out = fd;
	return AR_OK;
}

int capture_read(const capture *c, const char *rel, size_t cap, uint8_t **data, size_t *len,
		 char *why, size_t why_cap, ar_err *e)
{
	char path[4096], scratch[8];
	ar_err read_err;
	int fd = -1, rc;

	*data = NULL;
	*len = 0;
	if (!why) {
		why = scratch;
		why_cap = sizeof scratch;
	}
	snprintf(path, sizeof path, "%s/%s", strcmp(c->root, "/") == 0 ? "" : c->root, rel);
	if (c->dirfd < 0) {
		snprintf(why, why_cap, "%s: cannot open: %s", c->root, strerror(c->open_errno));
		return AR_OK;
	}
	rc = open_regular(c, rel, path, &fd, why, why_cap, e);
	if (rc != AR_OK || fd < 0)
		return rc;
	/* too big or unreadable stays "absent", as before: another source may have the value */
	if (ar_read_fd(fd, cap, data, len, path, &read_err) != AR_OK) {
		snprintf(why, why_cap, "%s: %s", path, read_err.msg);
		*data = NULL;
	}
	close(fd);
	return AR_OK;
}
