/* SPDX-License-Identifier: Apache-2.0 */
/* A v2 token's hosts (docs/formats.md, "Registration token"): per host its name, the
 * identities (system UUID, system serial, board serial) as the keyed 64-bit digests an
 * activation key carries (ar_host_digest, with the token's hostSalt), and the model and
 * inventory in clear. The whole host records stay on the stamp. */
#ifndef AIRREG_TOKENHOST_H
#define AIRREG_TOKENHOST_H

#include <jansson.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"

/* The token's entries from validated host records. NULL when out of memory. */
json_t *ar_token_hosts_v2(json_t *records, const char *cloud_id,
			  const uint8_t salt[AR_HOST_SALT_BYTES]);
/* Checks a v2 token's hosts: the closed set of fields, their types, the digests' form, no
 * name and no UUID digest twice. AR_EINPUT naming the host. */
int ar_token_hosts_v2_check(json_t *hosts, const char *where, ar_err *e);

#endif
