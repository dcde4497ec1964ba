/* SPDX-License-Identifier: Apache-2.0 */
/* The removal receipt on the stamp side: made under the lock by `key-import remove` and kept
 * in the state directory, read back for `remove -o` after the removal, and written to the
 * operator's -o / --qr. The format itself is common/receipt.c's. */
#ifndef KEYIMPORT_RECEIPT_OUT_H
#define KEYIMPORT_RECEIPT_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "err.h"
#include "receipt.h"
#include "stamp.h"

/* Refuses, before anything changes, an -o or --qr that cannot be written: both on stdout, a
 * directory, a missing directory above it, a file in the state directory dir (AR_EUSAGE /
 * AR_EENV; either may be NULL). */
int receipt_check_outputs(const char *dir, const char *output, const char *qr, ar_err *e);

/* Under the lock, the high-water mark raised: signs the receipt of the removal of resource
 * at now with the stamp key and keeps it (replacing the last one). *compact is malloc'd. */
int receipt_make(const char *dir, const ar_stamp *stamp, json_t *resource, long long now,
		 char **compact, ar_err *e);

/* The kept receipt, verified with this stamp's key: AR_OK with *compact NULL when none. */
int receipt_read_kept(const char *dir, const ar_stamp *stamp, char **compact, ar_receipt *r,
		      ar_err *e);

/* Whether a removal receipt is kept in dir (not read: a plain remove only names it). */
int receipt_kept(const char *dir);

/* Writes compact to output and/or qr, with their lines on report. */
int receipt_write(const char *output, const char *qr, const char *compact, const char *name,
		  long long serial, FILE *report, ar_err *e);

#endif
