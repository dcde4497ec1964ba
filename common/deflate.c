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
	int zrc;

	if (len > UINT_MAX)
		return ar_fail(e, AR_EINTERNAL, NULL, "payload too large to compress");
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, RAW_DEFLATE_WINDOW, 9,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return ar_fail(e, AR_EINTERNAL, NULL, "zlib: deflateInit2 failed");
	bound = deflateBound(&zs, (uLong)len);
	buf = malloc(bound);
	if (!buf) {
		deflateEnd(&zs);
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)bound;
	zrc = deflate(&zs, Z_FINISH);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	if (zrc != Z_STREAM_END) {
		free(buf);
		return ar_fail(e, AR_EINTERNAL, NULL, "zlib: deflate failed (%d)", zrc);
	}
	*out = buf;
	return AR_OK;
}

int ar_inflate(const uint8_t *in, size_t len, size_t cap, uint8_t **out, size_t *out_len,
	       const char *where, ar_err *e)
{
	z_stream zs = {0};
	size_t alloc = len * 4 + 256;
	uint8_t *buf;
	int zrc;

	if (len > UINT_MAX)
		return ar_fail(e, AR_EINPUT, where, "compressed payload too large");
	if (alloc > cap + 1)
		alloc = cap + 1;
	buf = malloc(alloc + 1);
	if (!buf)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	if (inflateInit2(&zs, RAW_DEFLATE_WINDOW) != Z_OK) {
		free(buf);
		return ar_fail(e, AR_EINTERNAL, where, "zlib: inflateInit2 failed");
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		if (zs.total_out == alloc) {
			uint8_t *grown;

			if (alloc == cap + 1)
				break; /* produced cap+1 bytes: over the limit */
			alloc = alloc * 2 > cap + 1 ? cap + 1 : alloc * 2;
			grown = realloc(buf, alloc + 1);
			if (!grown) {
				zrc = Z_MEM_ERROR;
				goto fail;
			}
			buf = grown;
		}
		zs.next_out = buf + zs.total_out;
		zs.avail_out = (uInt)(alloc - zs.total_out);
		zrc = inflate(&zs, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END)
			break;
		if (zrc != Z_OK && !(zrc == Z_BUF_ERROR && zs.avail_out == 0))
			goto fail;
		if (zrc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
			zrc = Z_BUF_ERROR; /* input ended before the stream did */
			goto fail;
		}
	}
	if (zs.total_out > cap) {
		inflateEnd(&zs);
		free(buf);
		return ar_fail(e, AR_EINPUT, where,
			       "payload inflates to more than %zu bytes (refused)", cap);
	}
	if (zs.avail_in != 0) {
		inflateEnd(&zs);
		free(buf);
		return ar_fail(e, AR_EINPUT, where, "junk after the compressed payload");
	}
	*out_len = zs.total_out;
	buf[*out_len] = '\0';
	*out = buf;
	inflateEnd(&zs);
	return AR_OK;
fail:
	inflateEnd(&zs);
	free(buf);
	if (zrc == Z_MEM_ERROR)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	return ar_fail(e, AR_EINPUT, where, "payload is not valid DEFLATE data (%s)",
		       zrc == Z_BUF_ERROR ? "truncated" : "corrupt");
}
