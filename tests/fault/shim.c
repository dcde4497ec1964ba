/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only LD_PRELOAD shim: fails the Nth file-system call that can change the
 * disk, so the fault tests can show that every step of every writer either leaves
 * the old state or the new one.
 *   FAULT_AT=N          the Nth counted call fails (1-based; 0 or unset: none)
 *   FAULT_ERRNO=EIO     the error (ENOSPC by default; EIO also understood)
 *   FAULT_COUNT=FILE    at exit, the number of counted calls is written there
 *   FAULT_PLANT_LINK=T  before an exclusive create of a temp file, plant a symbolic
 *                       link to T at its name (an attacker winning the race)
 *   FAULT_DUMPABLE=FILE at exit, prctl(PR_GET_DUMPABLE) is written there
 *   FAULT_STALL=NAME:N  the Nth lstat() of a path ending in /NAME creates the file
 *                       FAULT_STALLED, then waits (at most 30 s) until FAULT_RELEASE
 *                       exists: another process can act at that exact moment
 *   FAULT_SQLITE_CLOSE=N the Nth sqlite3_close() finds a statement of its connection left
 *                       unfinalized (what a statement lost from registrar's cache did), so
 *                       SQLite itself refuses the close with SQLITE_BUSY
 *   FAULT_STALL_OPEN=NAME:N  the same at the Nth open() of a path ending in /NAME (the
 *                       lock file: a moment after every unlocked read, before the lock)
 * Counted: open/openat for writing or creating, write/pwrite to fds above 2,
 * fsync, fdatasync, ftruncate, fchmod, rename, link, mkdir, unlink (not of temp files). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long calls, fail_at = -1;
static int fail_errno = ENOSPC;

static void setup(void) __attribute__((constructor));
static void setup(void)
{
	const char *at = getenv("FAULT_AT"), *err = getenv("FAULT_ERRNO");

	fail_at = at ? atol(at) : 0;
	if (err && strcmp(err, "EIO") == 0)
		fail_errno = EIO;
}

static void put_number(const char *env, long n)
{
	const char *path = getenv(env);
	char text[32];
	int fd, len;

	if (!path)
		return;
	len = snprintf(text, sizeof text, "%ld\n", n);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (syscall(SYS_write, fd, text, (size_t)len) < 0)
			perror("fault shim");
		syscall(SYS_close, fd);
	}
}

static void report(void) __attribute__((destructor));
static void report(void)
{
	put_number("FAULT_COUNT", calls);
	put_number("FAULT_DUMPABLE", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
}

/* 1 when this call is the one to fail. */
static int fault(void)
{
	if (++calls != fail_at)
		return 0;
	errno = fail_errno;
	return 1;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static int is_temp(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".tmp") == 0;
}

static void plant_link(const char *path, int flags)
{
	const char *target = getenv("FAULT_PLANT_LINK");

	if (target && (flags & O_CREAT) && (flags & O_EXCL) && is_temp(path))
		if (symlink(target, path) != 0)
			perror("fault shim: symlink");
}

static void stall_open(const char *path);

static int changes_disk(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	stall_open(path);
	plant_link(path, flags);
	if (changes_disk(flags) && fault())
		return -1;
	return REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	stall_open(path);
	plant_link(path, flags);
	if (changes_disk(flags) && fault())
		return -1;
	return REAL(openat)(dirfd, path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd > 2 && fault())
		return -1;
	return REAL(write)(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (fault())
		return -1;
	return REAL(pwrite)(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) __attribute__((alias("pwrite")));

#define SIMPLE(ret, name, params, args) \
	ret name params { if (fault()) return -1; return REAL(name) args; }
SIMPLE(int, fsync, (int fd), (fd))
SIMPLE(int, fdatasync, (int fd), (fd))
SIMPLE(int, ftruncate, (int fd, off_t len), (fd, len))
SIMPLE(int, fchmod, (int fd, mode_t mode), (fd, mode))
SIMPLE(int, rename, (const char *a, const char *b), (a, b))
SIMPLE(int, link, (const char *a, const char *b), (a, b))
SIMPLE(int, mkdir, (const char *path, mode_t mode), (path, mode))

int unlink(const char *path)
{
	if (!is_temp(path) && fault())
		return -1;
	return REAL(unlink)(path);
}

static int exists(const char *path)
{
	return path && syscall(SYS_faccessat, AT_FDCWD, path, F_OK) == 0;
}

/* Stops at the Nth call on a path ending in /NAME, as the spec in env says; seen
 * counts those calls (one counter per spec). */
static void stall_at(const char *env, long *seen, const char *path)
{
	const char *spec = getenv(env), *colon, *base = strrchr(path, '/');
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int waited;

	if (!spec || !(colon = strchr(spec, ':')) || !base)
		return;
	base++;
	if (strlen(base) != (size_t)(colon - spec) || strncmp(base, spec, strlen(base)) != 0 ||
	    ++*seen != atol(colon + 1))
		return;
	put_number("FAULT_STALLED", *seen);
	for (waited = 0; waited < 3000 && !exists(getenv("FAULT_RELEASE")); waited++)
		nanosleep(&tick, NULL);
}

static void stall(const char *path)
{
	static long seen;

	stall_at("FAULT_STALL", &seen, path);
}

static void stall_open(const char *path)
{
	static long seen;

	stall_at("FAULT_STALL_OPEN", &seen, path);
}

int lstat(const char *path, struct stat *st)
{
	stall(path);
	return REAL(lstat)(path, st);
}

int lstat64(const char *path, struct stat64 *st)
{
	stall(path);
	return REAL(lstat64)(path, st);
}

/* SQLite's types and calls, declared here: the shim does not link SQLite, it finds the
 * program's copy with dlsym. */
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
int sqlite3_close(sqlite3 *db);

int sqlite3_close(sqlite3 *db)
{
	static long closes;
	const char *at = getenv("FAULT_SQLITE_CLOSE");
	int (*prepare)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **) =
		(int (*)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **))
			dlsym(RTLD_NEXT, "sqlite3_prepare_v2");
	sqlite3_stmt *left = NULL;

	if (db && at && ++closes == atol(at) && prepare)
		prepare(db, "SELECT 1", -1, &left, NULL); /* never finalized */
	return REAL(sqlite3_close)(db);
}
