/* SPDX-License-Identifier: Apache-2.0 */
#include "deflate.h"

#include <limits.h>
#include <stdlib.h>
#include <zlib.h>

#define RAW_DEFLATE_WINDOW (-15)

int ar_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len, ar_err *e)
{
	z_stream zs = {0};
	uLong bound;
	uint8_t *buf;
	int zrc, rc = AR_OK;

	if (len > UINT_MAX)
		return ar_fail(e, AR_EINTERNAL, NULL, "payload too large to compress");
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, RAW_DEFLATE_WINDOW, 9,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return ar_fail(e, AR_EINTERNAL, NULL, "zlib: deflateInit2 failed");
	bound = deflateBound(&zs, (uLong)len);
	buf = malloc(bound);
	if (!buf)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK) {
		zs.next_in = (Bytef *)(uintptr_t)in;
		zs.avail_in = (uInt)len;
		zs.next_out = buf;
		zs.avail_out = (uInt)bound;
		zrc = deflate(&zs, Z_FINISH);
		*out_len = zs.total_out;
		if (zrc != Z_STREAM_END)
			rc = ar_fail(e, AR_EINTERNAL, NULL, "zlib: deflate failed (%d)", zrc);
	}
	deflateEnd(&zs);
	if (rc == AR_OK)
		*out = buf;
	else
		free(buf);
	return rc;
}

/* Inflates into *buf (*alloc bytes and a spare), growing it up to cap + 1 bytes:
 * Z_STREAM_END when the stream ended, Z_OK when it passed the cap, else zlib's
 * error (Z_BUF_ERROR: the input ended before the stream did). */
static int inflate_capped(z_stream *zs, uint8_t **buf, size_t *alloc, size_t cap)
{
	for (;;) {
		int zrc;

		if (zs->total_out == *alloc) {
			uint8_t *grown;

			if (*alloc == cap + 1)
				return Z_OK; /* produced cap+1 bytes: over the limit */
			*alloc = *alloc * 2 > cap + 1 ? cap + 1 : *alloc * 2;
			grown = realloc(*buf, *alloc + 1);
			if (!grown)
				return Z_MEM_ERROR;
			*buf = grown;
		}
		zs->next_out = *buf + zs->total_out;
		zs->avail_out = (uInt)(*alloc - zs->total_out);
		zrc = inflate(zs, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END)
			return zrc;
		if (zrc != Z_OK && !(zrc == Z_BUF_ERROR && zs->avail_out == 0))
			return zrc;
		if (zrc == Z_OK && zs->avail_in == 0 && zs->avail_out != 0)
			return Z_BUF_ERROR;
	}
}

int ar_inflate(const uint8_t *in, size_t len, size_t cap, uint8_t **out, size_t *out_len,
	       const char *where, ar_err *e)
{
	z_stream zs = {0};
	size_t alloc = len * 4 + 256;
	uint8_t *buf;
	int zrc, rc = AR_OK;

	if (len > UINT_MAX)
		return ar_fail(e, AR_EINPUT, where, "compressed payload too large");
	if (alloc > cap + 1)
		alloc = cap + 1;
	if (inflateInit2(&zs, RAW_DEFLATE_WINDOW) != Z_OK)
		return ar_fail(e, AR_EINTERNAL, where, "zlib: inflateInit2 failed");
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	buf = malloc(alloc + 1);
	zrc = buf ? inflate_capped(&zs, &buf, &alloc, cap) : Z_MEM_ERROR;
	if (zrc == Z_MEM_ERROR)
		rc = ar_fail(e, AR_EINTERNAL, where, "out of memory");
	else if (zrc != Z_OK && zrc != Z_STREAM_END)
		rc = ar_fail(e, AR_EINPUT, where, "payload is not valid DEFLATE data (%s)",
			     zrc == Z_BUF_ERROR ? "truncated" : "corrupt");
	else if (zs.total_out > cap)
		rc = ar_fail(e, AR_EINPUT, where,
			     "payload inflates to more than %zu bytes (refused)", cap);
	else if (zs.avail_in != 0)
		rc = ar_fail(e, AR_EINPUT, where, "junk after the compressed payload");
	if (rc == AR_OK) {
		*out_len = zs.total_out;
		buf[*out_len] = '\0';
		*out = buf;
	} else {
		free(buf);
	}
	inflateEnd(&zs);
	return rc;
}
