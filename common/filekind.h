/* SPDX-License-Identifier: Apache-2.0 */
/* What a file is, from its first bytes or its JWS header's typ: a reader given another
 * file of the air gap names the file it got and where that one goes, instead of a parse
 * error (every reader of a carried file goes through here). */
#ifndef AIRREG_FILEKIND_H
#define AIRREG_FILEKIND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef enum {
	AR_KIND_UNKNOWN = 0, /* none of these: the reader's own checks say what is wrong */
	AR_KIND_TOKEN,
	AR_KIND_ACTIVATION_KEY,
	AR_KIND_REMOVAL_RECEIPT,
	AR_KIND_PUBLIC_KEY,
	AR_KIND_PRIVATE_KEY,
	AR_KIND_IMAGE,
	AR_KIND_ROTATION, /* an issuer rotation statement or a chain of them (JSON) */
	AR_KIND_REVOCATION_LIST /* registrar revoke's: key-import trust update takes it */
} ar_kind;

/* Who reads: the advice for a file given in the wrong place names where it goes from there.
 * key-import sets AR_READER_KEY_IMPORT once (it is on the stamp: an activation key is its own
 * to import, a host record goes after its --host). */
typedef enum { AR_READER_ANY = 0, AR_READER_KEY_IMPORT } ar_reader;
void ar_kind_set_reader(ar_reader reader);

/* A host record (`token-gen probe`'s JSON object: "version" and "uuidSource", or "version",
 * "name" and "uuid"), told from its bytes alone; 0 for anything else. */
int ar_is_host_record(const uint8_t *data, size_t len);

/* From the first bytes: a PNG, a PEM public or private key, a JWS (possibly wrapped
 * in lines) whose header's typ is a token's or an activation key's, or JSON that is a
 * rotation statement (its first signature's typ) or an array of them. */
ar_kind ar_kind_of(const uint8_t *data, size_t len);

/* AR_OK when the data is of kind want, or of no kind known here; else AR_EINPUT with
 * what it is and what to do with it. want AR_KIND_UNKNOWN refuses every known kind. */
int ar_expect_kind(const uint8_t *data, size_t len, ar_kind want, const char *where,
		   ar_err *e);

/* ar_read_compact_text() of a file that should be of kind want: another kind is refused
 * by what it is, before and after the compaction (a PNG, a PEM or a host record before, the
 * typ of the joined QR parts after). The bytes of a private key are wiped before they are freed. */
int ar_read_carried(const char *path, ar_kind want, char **text, size_t *len, ar_err *e);

#endif
