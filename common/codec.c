/* SPDX-License-Identifier: Apache-2.0 */
#include "codec.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <limits.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* OpenSSL's table-driven encoder, mapped to the URL alphabet without padding: as for
 * decoding, libsodium's constant-time coder is slow and nothing encoded is secret.
 * out holds (len + 2) / 3 * 4 + 1 bytes (the padded form, before it is cut). */
static void b64url_into(char *out, const uint8_t *in, size_t len)
{
	size_t n = (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)len), i;

	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
}

char *ar_b64url_encode(const uint8_t *in, size_t len)
{
	char *out;

	if (len > (size_t)INT_MAX / 2 || !(out = malloc((len + 2) / 3 * 4 + 1)))
		return NULL;
	b64url_into(out, in, len);
	return out;
}

size_t ar_b64url_decoded_max(size_t in_len)
{
	return in_len / 4 * 3 + 2;
}

/* OpenSSL's table-driven decoder: libsodium's constant-time one costs about as much
 * as the signature check on a 4 KB key, and nothing decoded here is secret. The
 * text is mapped to the standard alphabet and padded; it is canonical when encoding
 * the result gives the same text back (no stray or padding characters, zero trailing
 * bits, no white space, which EVP_DecodeBlock would skip). */
int ar_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
		     size_t *out_len)
{
	size_t padded = (in_len + 3) / 4 * 4, pad = padded - in_len, i;
	unsigned char *std = NULL, *again = NULL, *bin = NULL;
	int n, rc = -1;

	*out_len = 0;
	if (in_len == 0)
		return 0;
	if (pad == 3 || in_len > (size_t)INT_MAX / 2)
		return -1;
	std = malloc(padded + 1);
	again = malloc(padded + 1);
	bin = malloc(padded / 4 * 3 + 1); /* EVP_DecodeBlock writes the pad bytes too */
	if (!std || !again || !bin)
		goto out;
	for (i = 0; i < in_len; i++) {
		char c = in[i];

		if (c == '+' || c == '/' || c == '=')
			goto out; /* standard alphabet or padding: not base64url */
		std[i] = (unsigned char)(c == '-' ? '+' : c == '_' ? '/' : c);
	}
	memset(std + in_len, '=', pad);
	std[padded] = '\0';
	n = EVP_DecodeBlock(bin, std, (int)padded);
	if (n < 0 || (size_t)n < pad || (size_t)n - pad > out_cap)
		goto out;
	n -= (int)pad;
	if (EVP_EncodeBlock(again, bin, n) != (int)padded || memcmp(again, std, padded) != 0)
		goto out;
	memcpy(out, bin, (size_t)n);
	*out_len = (size_t)n;
	rc = 0;
out:
	free(std);
	free(again);
	free(bin);
	return rc;
}

void ar_sha256(const uint8_t *in, size_t len, uint8_t out[32])
{
	crypto_hash_sha256(out, in, len);
}

void ar_sha256_hex(const uint8_t *in, size_t len, char out[65])
{
	uint8_t digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, in, len);
	sodium_bin2hex(out, 65, digest, sizeof digest);
}

void ar_sha256_b64url(const uint8_t *in, size_t len, char out[44])
{
	uint8_t digest[crypto_hash_sha256_BYTES];
	char padded[(crypto_hash_sha256_BYTES + 2) / 3 * 4 + 1];

	crypto_hash_sha256(digest, in, len);
	b64url_into(padded, digest, sizeof digest);
	memcpy(out, padded, 44); /* 43 characters and the NUL */
}

int ar_uuid_normalize(const char *text, char out[37])
{
	size_t i;

	if (strlen(text) != 36)
		return -1;
	for (i = 0; i < 36; i++) {
		char c = text[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -1;
		} else if (!isxdigit((unsigned char)c)) {
			return -1;
		}
		out[i] = (char)tolower((unsigned char)c);
	}
	out[36] = '\0';
	return 0;
}

void ar_uuid_from_bytes(uint8_t b[16], unsigned version, char out[37])
{
	b[6] = (uint8_t)((b[6] & 0x0F) | (version << 4));
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80); /* RFC 4122 / 9562 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}

void ar_uuid_random(char out[37])
{
	uint8_t b[16];

	randombytes_buf(b, sizeof b);
	ar_uuid_from_bytes(b, 4, out);
}

const char *ar_format_time(long long t, char out[AR_TIME_CHARS + 1])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, AR_TIME_CHARS + 1, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, AR_TIME_CHARS + 1, "-");
	return out;
}
