/* SPDX-License-Identifier: Apache-2.0 */
/* base64url (RFC 4648 section 5, unpadded, as JOSE uses it), hex and SHA-256, all from libsodium. */
#ifndef AIRREG_CODEC_H
#define AIRREG_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Returns a malloc'd NUL-terminated string, or NULL when out of memory. */
char *ar_b64url_encode(const uint8_t *in, size_t len);
/* Strict decode: no padding, no white space, no non-zero trailing bits.
 * Returns 0 and fills *out_len, or -1 when the text is not canonical base64url
 * or does not fit in out_cap bytes. */
int ar_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
		     size_t *out_len);
/* Upper bound of the decoded size of in_len base64url characters. */
size_t ar_b64url_decoded_max(size_t in_len);

void ar_sha256(const uint8_t *in, size_t len, uint8_t out[32]);
/* out holds 65 bytes: 64 lowercase hex digits and a NUL. */
void ar_sha256_hex(const uint8_t *in, size_t len, char out[65]);
/* SHA-256 in base64url (43 characters + NUL). */
void ar_sha256_b64url(const uint8_t *in, size_t len, char out[44]);



/* Writes the canonical lowercase form of a UUID (8-4-4-4-12 hex digits, either
 * case accepted) to out (37 bytes). Returns -1 when text is not a UUID. */
int ar_uuid_normalize(const char *text, char out[37]);
/* ISO 8601 UTC ("2026-11-22T02:28:00Z") of seconds since the epoch; "-" when
 * the time cannot be shown. Returns out (AR_TIME_CHARS + 1 bytes). */
#define AR_TIME_CHARS 20
const char *ar_format_time(long long t, char out[AR_TIME_CHARS + 1]);
/* The UUID of 16 bytes, with its version (4 random, 8 custom) and variant bits set in b. */
void ar_uuid_from_bytes(uint8_t b[16], unsigned version, char out[37]);
/* A fresh random (version 4) UUID. */
void ar_uuid_random(char out[37]);
#endif
