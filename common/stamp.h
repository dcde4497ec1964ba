/* SPDX-License-Identifier: Apache-2.0 */
/* The stamp's identity in its state directory: an Ed25519 key pair and a
 * CloudId, made once by `token-gen init` and kept (token-gen signs with it,
 * key-import checks that an activation key names it). Only init makes one: a
 * mistyped --state-dir must not become a second stamp (issue 15, part 2). */
#ifndef AIRREG_STAMP_H
#define AIRREG_STAMP_H

#include "err.h"
#include "keys.h"

typedef struct {
	ar_keypair key;
	char cloud_id[37];
	char kid[AR_THUMBPRINT_CHARS + 1];
} ar_stamp;

/* The state directory: the option, else $AIRREG_STATE_DIR, else the default. */
const char *ar_stamp_dir(const char *option);

/* `token-gen init`: makes the identity (the directory too, 0700) under the
 * directory lock; cloud_id_option, if given, becomes the CloudId. One already
 * there is never replaced: AR_EENV naming its CloudId. */
int ar_stamp_init(const char *dir, const char *cloud_id_option, ar_stamp *out, ar_err *e);
/* AR_OK when dir holds a complete identity: cloud-id a regular file (not a link) holding
 * a UUID, stamp.pub, and with need_key stamp.key, each a regular file. Else AR_EENV with a
 * line naming the directory (absent: "no such directory", none: "no stamp identity in")
 * or the wrong file, having created nothing (not the directory, not its lock).
 * Permission is not absence. */
int ar_stamp_require(const char *dir, int need_key, ar_err *e);
/* Loads the identity (private key included) under the directory lock. */
int ar_stamp_open(const char *dir, ar_stamp *out, ar_err *e);
void ar_stamp_close(ar_stamp *stamp);
/* The public half only (key-import): stamp.pub and cloud-id; AR_EENV when the
 * directory holds no complete identity (stamp.key is not needed). */
int ar_stamp_load_public(const char *dir, uint8_t pk[AR_ED25519_PK_BYTES], char cloud_id[37],
			 ar_err *e);
/* An output (-o, --qr, --metrics) in the state directory dir or under it, a link to it
 * included, would replace the stamp's own files (stamp.key, serials.json, the trust store)
 * with what it writes: AR_EUSAGE naming the directory. AR_OK for NULL, "-" and a path whose
 * directory is not there (refused where it is written). */
int ar_stamp_output_outside(const char *dir, const char *path, ar_err *e);

#endif
