/* SPDX-License-Identifier: Apache-2.0 */
#include "reach.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cuts the last name off path, in place: "a/b" is "a", "/a" is "/", "a" is ".". */
static void parent_of(char *path)
{
	char *slash;
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		strcpy(path, ".");
	else if (slash == path)
		path[1] = '\0';
	else
		*slash = '\0';
}

/* getpwuid_r: libairreg answers from many threads at once, and getpwuid's record is one
 * static buffer for the whole process */
void ar_owner_name(uid_t uid, char *out, size_t cap)
{
	struct passwd rec, *pw = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &rec, buf, sizeof buf, &pw) == 0 && pw && pw->pw_name)
		snprintf(out, cap, "%s", pw->pw_name);
	else
		snprintf(out, cap, "uid %u", (unsigned)uid);
}

int ar_fail_reach(ar_err *e, int status, const char *path, int err, enum ar_reach_verb verb)
{
	char at[4096], owner[64];
	struct stat st;
	int found;

	if (err != EACCES && err != EPERM)
		return ar_fail(e, status, path, verb == AR_REACH_WRITE ? "cannot create: %s"
			       : "cannot read: %s", strerror(err));
	/* What refused: path itself (a file or directory we may not open), else the first
	 * directory above it that can be looked at (the one we may not search or write). */
	snprintf(at, sizeof at, "%s", path);
	while (!(found = lstat(at, &st) == 0) && strcmp(at, "/") != 0 && strcmp(at, ".") != 0)
		parent_of(at);
	if (!found)
		return ar_fail(e, status, path, "cannot read: %s", strerror(err));
	if (st.st_uid == geteuid())
		/* its owner runs this: the mode is what refuses, and running as another would not help */
		return ar_fail(e, status, NULL, verb == AR_REACH_WRITE
			       ? "cannot write %s: permission denied (mode %04o)"
			       : "cannot read %s: permission denied (mode %04o)",
			       at, (unsigned)(st.st_mode & 07777));
	ar_owner_name(st.st_uid, owner, sizeof owner);
	return ar_fail(e, status, NULL, verb == AR_REACH_WRITE
		       ? "cannot write %s: permission denied (run as the owner, %s)"
		       : "cannot read %s: permission denied (run as the owner, %s)",
		       at, owner);
}

int ar_fail_elsewhere(ar_err *e, const char *command, const char *flag, const char *env_name)
{
	if (e->where[0] != '\0' || strncmp(e->msg, "cannot write ", 13) != 0 ||
	    !strstr(e->msg, ": permission denied ("))
		return e->status;
	return ar_fail(e, e->status, NULL, "%s; or keep it where you may write: %s %s DIR, or "
		       "set %s", e->msg, command, flag, env_name);
}

int ar_fail_not_owner(ar_err *e, const char *path, int is_key, uid_t owner)
{
	char name[64];

	ar_owner_name(owner, name, sizeof name);
	return ar_fail(e, AR_EENV, path, is_key
		       ? "private key is owned by %s, not by uid %u who runs this; run as the owner, %s"
		       : "directory is owned by %s, not by uid %u who runs this; run as the owner, %s",
		       name, (unsigned)geteuid(), name);
}

int ar_path_present(const char *path, int *present, ar_err *e)
{
	struct stat st;

	*present = 0;
	if (lstat(path, &st) == 0) {
		*present = 1;
		return AR_OK;
	}
	if (errno == ENOENT)
		return AR_OK;
	return ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_READ);
}
