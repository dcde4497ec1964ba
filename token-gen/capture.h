/* SPDX-License-Identifier: Apache-2.0 */
/* The files probe reads, from this machine (/) or from a capture (--root DIR) read as if DIR
 * were /: a capture is data, never a way to make probe read the host or wait for ever. */
#ifndef TOKENGEN_CAPTURE_H
#define TOKENGEN_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct {
	const char *root;  /* as given; "/" for this machine */
	int dirfd;         /* the root (O_PATH), or -1 when it cannot be opened */
	int open_errno;    /* why it cannot */
	int have_openat2;  /* 0 on kernels before Linux 5.6 (or a filter hiding openat2) */
} capture;

/* Opens the root; a root that cannot be opened makes every file absent (with the reason). */
void capture_open(capture *c, const char *root);
void capture_close(capture *c);

/* Reads REL (relative, no "..") under the root, up to cap bytes, NUL-terminated.
 * Resolved as if the root were /: a symbolic link is followed only inside it (openat2
 * RESOLVE_IN_ROOT); without openat2, a link under a capture is refused.
 * AR_OK and *data set: read. AR_OK and *data NULL: absent or unreadable, why says so (the
 * live host hides files from non-root users; a capture need not hold every file).
 * AR_EINPUT: refused, naming the file: not a regular file (a FIFO is never waited on, a
 * device never opened), replaced between looking and opening, or a link without openat2. */
int capture_read(const capture *c, const char *rel, size_t cap, uint8_t **data, size_t *len,
		 char *why, size_t why_cap, ar_err *e);

#endif
