/* SPDX-License-Identifier: Apache-2.0 */
/* Telling absence from permission (issue 15, part 3): a state directory, data directory,
 * database, key or state file that cannot be looked at is not missing, and the line that
 * says so names who can read it, so that no one runs `init` (a second identity, a second
 * issuer) over a directory they merely may not read. */
#ifndef AIRREG_REACH_H
#define AIRREG_REACH_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

enum ar_reach_verb {
	AR_REACH_READ,  /* looking at or opening what is there */
	AR_REACH_WRITE  /* making something in a directory */
};

/* Whether path is there (lstat, links not followed): *present is 1, or 0 only when the
 * system says it is absent (ENOENT). Any other failure is not absence: AR_EENV, with
 * ar_fail_reach()'s line. */
int ar_path_present(const char *path, int *present, ar_err *e);

/* Fails with status for errno err, met while reaching path. Permission (EACCES, EPERM)
 * names what refused, path or the nearest directory above it that can be looked at,
 * and its owner: "cannot read D: permission denied (run as the owner, USER)"; any other
 * errno is "cannot read: strerror" at path. */
int ar_fail_reach(ar_err *e, int status, const char *path, int err, enum ar_reach_verb verb);

/* After a failure to make a state or data directory: when it was ar_fail_reach()'s
 * permission line (the default under /var/lib, run as a user), the line also names the
 * flag and the variable that put it elsewhere. Any other failure is left as it is. */
int ar_fail_elsewhere(ar_err *e, const char *command, const char *flag, const char *env_name);

/* The owner's login name, else "uid N". */
void ar_owner_name(uid_t uid, char *out, size_t cap);

/* Refuses what another user owns, for a runner who is not root: run as its owner, never
 * chown it (that would hand another's state, or the issuer, to the wrong user): a
 * directory, or with is_key a private key. */
int ar_fail_not_owner(ar_err *e, const char *path, int is_key, uid_t owner);

#endif
