/* SPDX-License-Identifier: Apache-2.0 */
/* The licensed hosts as an activation key carries them (docs/formats.md, "Activation key"):
 * identities (system UUID, system serial, board serial) as keyed 64-bit digests, never in
 * clear, so a key on a USB stick does not disclose serial numbers and the digests of two
 * tokens' keys cannot be linked (every key of one token carries its salt); firmware and inventory (biosVersion, cpuCores) in clear, as they are
 * reported, never decide. And the issuer's policy: how many of them must be found. */
#ifndef AIRREG_HOSTKEY_H
#define AIRREG_HOSTKEY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"

/* base64url of the first 8 bytes of HMAC-SHA256(key = salt, "airreg-host-v1" NUL cloudId NUL
 * field NUL value). -1 when out of memory. */
int ar_host_digest(const uint8_t salt[AR_HOST_SALT_BYTES], const char *cloud_id,
		   const char *field, const char *value, char out[AR_HOST_DIGEST_CHARS + 1]);

/* Sets into's "uuid", "serial", "boardSerial" to the record's digests (ar_host_digest); a
 * field absent from the record, or a placeholder, is left out. -1 when out of memory. One
 * function for the stamp (a v2 token) and the registrar (a key from a v1 token). */
int ar_host_identities(json_t *record, const char *cloud_id,
		       const uint8_t salt[AR_HOST_SALT_BYTES], json_t *into);
/* 1 when s is a host digest as written: AR_HOST_DIGEST_CHARS base64url characters. */
int ar_host_digest_ok(const char *s);

/* One entry made from one record (a key's host, a token's host); NULL when out of memory. */
typedef json_t *(*ar_host_entry_fn)(json_t *record, const char *cloud_id,
				    const uint8_t salt[AR_HOST_SALT_BYTES]);
/* The entries of every record, in order; NULL when any is NULL. */
json_t *ar_hosts_map(json_t *records, ar_host_entry_fn entry, const char *cloud_id,
		     const uint8_t salt[AR_HOST_SALT_BYTES]);

/* The key's hosts from the token's hosts. salt given: a v1 token's host records, whose
 * identities are digested here. salt NULL: a v2 token's entries, digested by the stamp with
 * the token's hostSalt, whose digests are copied as they are. NULL when out of memory. */
json_t *ar_key_hosts(json_t *records, const char *cloud_id,
		     const uint8_t salt[AR_HOST_SALT_BYTES]);

/* The key's hosts as a registrar writes them (closed set, types, digests' form). */
int ar_key_hosts_check(json_t *hosts, const char *where, ar_err *e);
/* The hosts of a key from a registrar before issue 16 (UUID in clear, hardwareSha256). */
int ar_key_hosts_check_legacy(json_t *hosts, const char *where, ar_err *e);

/* hostMatch from the issuer's words: all, most, any, or a count 1 to n_hosts (AR_EUSAGE
 * naming what, "--host-match" or "hostMatch", and the range). *claim is a new reference. */
int ar_host_match_parse(const char *text, const char *what, size_t n_hosts, json_t **claim,
			ar_err *e);
/* hostMatch as a key holds it: one of the three words, or an integer 1 to n_hosts. */
int ar_host_match_check(json_t *claim, size_t n_hosts, const char *where, ar_err *e);
/* "most of 3 hosts", "at least 2 of 3 hosts"; "none (...)" without a claim. */
void ar_host_match_describe(json_t *claim, size_t n_hosts, char *out, size_t cap);

#endif
