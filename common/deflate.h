/* SPDX-License-Identifier: Apache-2.0 */
/* Raw DEFLATE (RFC 1951, as JWE's "zip":"DEF") through zlib, with a hard cap on output. */
#ifndef AIRREG_DEFLATE_H
#define AIRREG_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* *out is malloc'd. */
int ar_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len, ar_err *e);
/* Refuses (AR_EINPUT) a stream that is corrupt, truncated, followed by junk, or
 * that would inflate to more than cap bytes; stops at the cap, so a bomb costs
 * at most cap bytes of memory and the time to produce them. *out is malloc'd
 * with one extra NUL byte. */
int ar_inflate(const uint8_t *in, size_t len, size_t cap, uint8_t **out, size_t *out_len,
	       const char *where, ar_err *e);

#endif
