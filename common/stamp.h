/* SPDX-License-Identifier: Apache-2.0 */
/* The stamp's identity in its state directory: an Ed25519 key pair and a
 * CloudId, made on first use and kept (token-gen signs with it, key-import
 * checks that an activation key names it). */
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

/* Loads the identity, creating it first when the directory holds none
 * (cloud_id_option, if given, becomes the CloudId; later it must match).
 * *created tells whether this call made it. Holds the directory lock meanwhile. */
int ar_stamp_open(const char *dir, const char *cloud_id_option, ar_stamp *out, int *created,
		  ar_err *e);
void ar_stamp_close(ar_stamp *stamp);
/* The public half only (key-import): stamp.pub and cloud-id; AR_EENV when the
 * directory holds no identity yet. */
int ar_stamp_load_public(const char *dir, uint8_t pk[AR_ED25519_PK_BYTES], char cloud_id[37],
			 ar_err *e);

#endif
