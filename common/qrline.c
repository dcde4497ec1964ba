/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a scanned set of QR parts a line at a time, and each line's part header. */
#include <string.h>

#include "qrline.h"

int ar_qr_is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next line without its surrounding blanks; 0 at the end. */
int ar_qr_next_line(ar_qr_lines *r)
{
	const uint8_t *nl;

	if (r->p >= r->end)
		return 0;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	r->line = r->p;
	r->line_end = nl ? nl : r->end;
	r->p = nl ? nl + 1 : r->end;
	r->number++;
	while (r->line < r->line_end && ar_qr_is_blank(*r->line))
		r->line++;
	while (r->line_end > r->line && ar_qr_is_blank(r->line_end[-1]))
		r->line_end--;
	return 1;
}

int ar_qr_starts_with(const uint8_t *p, const uint8_t *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

/* 1 to 2 decimal digits, no leading zero; returns the next position or NULL. */
static const uint8_t *read_count(const uint8_t *p, const uint8_t *end, unsigned *value)
{
	unsigned v = 0;
	int digits = 0;

	while (p < end && *p >= '0' && *p <= '9' && digits < 3) {
		if (digits == 1 && v == 0)
			return NULL;
		v = v * 10 + (unsigned)(*p++ - '0');
		digits++;
	}
	if (digits == 0 || digits > 2)
		return NULL;
	*value = v;
	return p;
}

/* Where a part header would start: after zbarimg's "QR-Code:" when a header follows it. */
const uint8_t *ar_qr_after_zbar(const uint8_t *p, const uint8_t *end)
{
	return ar_qr_starts_with(p, end, AR_QR_ZBAR_PREFIX AR_QR_PART_PREFIX) ?
	       p + strlen(AR_QR_ZBAR_PREFIX) : p;
}


/* TAG and its colon: lowercase hex digits, as the writer prints the hash. */
static int read_tag(const uint8_t *p, const uint8_t *end, char tag[AR_QR_TAG_CHARS + 1])
{
	size_t i;

	if ((size_t)(end - p) <= AR_QR_TAG_CHARS || p[AR_QR_TAG_CHARS] != ':')
		return 0;
	for (i = 0; i < AR_QR_TAG_CHARS; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	memcpy(tag, p, AR_QR_TAG_CHARS);
	tag[AR_QR_TAG_CHARS] = '\0';
	return 1;
}

/* Reads the line's part header, if it has one. */
int ar_qr_parse_line(const ar_qr_lines *r, ar_qr_part *out, const char *where, ar_err *e)
{
	const uint8_t *end = r->line_end, *p = ar_qr_after_zbar(r->line, end);

	out->index = out->count = 0;
	out->tag[0] = '\0';
	out->text = r->line;
	if (!ar_qr_starts_with(p, end, AR_QR_PART_PREFIX))
		return AR_OK;
	p += strlen(AR_QR_PART_PREFIX);
	p = read_count(p, end, &out->index);
	if (p && p < end && *p == '/')
		p = read_count(p + 1, end, &out->count);
	else
		p = NULL;
	/* A share never holds a colon (a JWS does not): one after I/N: is a TAG's. */
	if (!p || p >= end || *p != ':' || out->count > AR_QR_MAX_PARTS ||
	    out->index < 1 || out->index > out->count ||
	    (!read_tag(p + 1, end, out->tag) && memchr(p + 1, ':', (size_t)(end - p - 1))))
		return ar_fail(e, AR_EINPUT, where, "QR parts: line %zu: malformed part header "
			       "(expected " AR_QR_PART_PREFIX "I/N:TAG: with 1 <= I <= N <= %d "
			       "and TAG %d hex digits)", r->number, AR_QR_MAX_PARTS,
			       AR_QR_TAG_CHARS);
	out->text = p + 1 + (out->tag[0] ? AR_QR_TAG_CHARS + 1 : 0);
	return AR_OK;
}
