/* SPDX-License-Identifier: Apache-2.0 */
/* Drawing a token or key as QR codes: libqrencode for the symbols, libpng for the file. */
#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "qr.h"
#include "text.h"

typedef struct {
	QRcode *code[AR_QR_MAX_PARTS];
	size_t n;
} qr_codes;

static void free_codes(qr_codes *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		QRcode_free(c->code[i]);
	c->n = 0;
}

static int encode_parts(const char *text, size_t len, qr_codes *out, ar_err *e)
{
	size_t chunk, n = ar_qr_split(len, &chunk), i;
	char part[AR_QR_BYTES_PER_CODE + 1], hex[AR_SHA256_HEX_CHARS + 1];

	int rc = AR_OK;

	out->n = 0;
	if (n > AR_QR_MAX_PARTS)
		return ar_fail(e, AR_EINPUT, NULL, "%zu bytes need %zu QR codes, more than %d; "
			       "carry the file instead", len, n, AR_QR_MAX_PARTS);
	ar_sha256_hex((const uint8_t *)text, len, hex);
	for (i = 0; i < n && rc == AR_OK; i++) {
		size_t at = i * chunk, take = len - at < chunk ? len - at : chunk;
		int head = 0, err;

		if (n > 1)
			head = snprintf(part, sizeof part, AR_QR_PART_PREFIX "%zu/%zu:%.*s:", i + 1,
					n, AR_QR_TAG_CHARS, hex);
		memcpy(part + head, text + at, take);
		errno = 0;
		out->code[i] = QRcode_encodeData((int)((size_t)head + take),
						   (const unsigned char *)part, 0, QR_ECLEVEL_M);
		err = errno;
		if (out->code[i])
			out->n++;
		else
			rc = ar_fail(e, err == ENOMEM ? AR_EINTERNAL : AR_EINPUT, NULL,
				     "QR encoding failed: %s", strerror(err ? err : EINVAL));
	}
	if (rc != AR_OK)
		free_codes(out);
	return rc;
}

static int dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1;
}

/* Codes stacked top to bottom, each in its own quiet zone, dark on white. */
static int draw_png(const qr_codes *c, void **png, size_t *png_len, ar_err *e)
{
	const int quiet = AR_QR_QUIET_MODULES, px = AR_QR_MODULE_PIXELS;
	png_image image;
	int widest = 0, modules_high = 0, top = 0, rc = AR_OK;
	uint8_t *gray;
	size_t i;

	for (i = 0; i < c->n; i++) {
		widest = c->code[i]->width > widest ? c->code[i]->width : widest;
		modules_high += c->code[i]->width + 2 * quiet;
	}
	memset(&image, 0, sizeof image);
	image.version = PNG_IMAGE_VERSION;
	image.format = PNG_FORMAT_GRAY;
	image.width = (png_uint_32)((widest + 2 * quiet) * px);
	image.height = (png_uint_32)(modules_high * px);
	gray = malloc((size_t)image.width * image.height);
	if (!gray)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	memset(gray, 0xFF, (size_t)image.width * image.height);
	for (i = 0; i < c->n; i++) {
		const QRcode *q = c->code[i];
		int x, y;

		for (y = 0; y < q->width; y++)
			for (x = 0; x < q->width; x++) {
				size_t row = (size_t)((top + quiet + y) * px), col;
				int dy;

				if (!dark(q, x, y))
					continue;
				col = (size_t)((quiet + x) * px);
				for (dy = 0; dy < px; dy++)
					memset(gray + (row + (size_t)dy) * image.width + col, 0,
					       (size_t)px);
			}
		top += q->width + 2 * quiet;
	}
	*png_len = 0;
	*png = NULL;
	if (png_image_write_to_memory(&image, NULL, png_len, 0, gray, 0, NULL))
		*png = malloc(*png_len);
	if (!*png || !png_image_write_to_memory(&image, *png, png_len, 0, gray, 0, NULL)) {
		rc = ar_fail(e, AR_EINTERNAL, NULL, "PNG encoding failed: %s",
			     image.message[0] ? image.message : "out of memory");
		free(*png);
		*png = NULL; /* the caller frees what it is given */
		png_image_free(&image);
	}
	free(gray);
	return rc;
}

/* Two rows of modules a line: upper half block, lower half block, full block. */
static const char *const half_blocks[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80", "\xe2\x96\x88" };

static int draw_text(const qr_codes *c, char **out, size_t *out_len, ar_err *e)
{
	const int quiet = AR_QR_QUIET_MODULES;
	size_t cap = 0, n = 0, i;
	char *text;

	for (i = 0; i < c->n; i++) {
		size_t side = (size_t)(c->code[i]->width + 2 * quiet);

		cap += 64 + (side / 2 + 1) * (side * 3 + 1);
	}
	text = malloc(cap + 1);
	if (!text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	for (i = 0; i < c->n; i++) {
		const QRcode *q = c->code[i];
		int x, y;

		if (c->n > 1)
			n += (size_t)snprintf(text + n, cap - n, "QR code %zu of %zu\n", i + 1,
					      c->n);
		for (y = -quiet; y < q->width + quiet; y += 2) {
			for (x = -quiet; x < q->width + quiet; x++) {
				/* Light modules are drawn; past the quiet zone is the
				 * terminal's own (dark) background. */
				int upper = !dark(q, x, y);
				int lower = y + 1 < q->width + quiet && !dark(q, x, y + 1);
				const char *glyph = half_blocks[upper * 2 + lower];

				memcpy(text + n, glyph, strlen(glyph));
				n += strlen(glyph);
			}
			text[n++] = '\n';
		}
	}
	*out = text;
	*out_len = n;
	return AR_OK;
}

/* The drawing of ar_qr_output() (qr.h); *codes and *version describe what was drawn. */
static int qr_write(const char *dest, const char *text, size_t len, size_t *codes, int *version,
		    ar_err *e)
{
	qr_codes c = { 0 }; /* gcc -O1 -fsanitize=thread cannot see encode_parts() fill it */
	void *drawing = NULL;
	size_t drawing_len = 0;
	int rc;

	if (encode_parts(text, len, &c, e) != AR_OK)
		return ar_err_at(e, ar_output_name(dest));
	*codes = c.n;
	*version = c.code[0]->version;
	if (ar_is_stdio(dest))
		rc = draw_text(&c, (char **)&drawing, &drawing_len, e);
	else
		rc = draw_png(&c, &drawing, &drawing_len, e);
	free_codes(&c);
	if (rc == AR_OK)
		rc = ar_write_output(dest, drawing, drawing_len, 0, e);
	free(drawing);
	return rc == AR_OK ? AR_OK : ar_err_at(e, ar_output_name(dest));
}

int ar_qr_output(const char *dest, const char *text, size_t len, const char *program,
		 const char *what, FILE *report, ar_err *e)
{
	char hex[AR_SHA256_HEX_CHARS + 1];
	size_t codes = 0;
	int version = 0;

	if (qr_write(dest, text, len, &codes, &version, e) != AR_OK)
		return e->status;
	ar_sha256_hex((const uint8_t *)text, len, hex);
	fprintf(report, "%s: wrote %s: %s in %zu QR code%s (version %d, level M); "
		"text SHA-256 %s\n", program, ar_text_shown(ar_output_name(dest)),
		ar_text_shown(what), codes,
		codes == 1 ? "" : "s", version, hex);
	return AR_OK;
}

int ar_qr_check_outputs(const char *output, const char *qr, ar_err *e)
{
	if (ar_is_stdio(output) && ar_is_stdio(qr))
		return ar_fail(e, AR_EUSAGE, NULL, "-o - and --qr - cannot both go to stdout");
	return AR_OK;
}

FILE *ar_qr_status_stream(const char *output, const char *qr)
{
	return ar_report_stream(ar_is_stdio(qr) ? qr : output);
}
