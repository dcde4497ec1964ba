/* SPDX-License-Identifier: Apache-2.0 */
/* Splitting a text into numbered QR parts and joining the parts a scanner read. */
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "qr.h"

/* "airreg:64/64:" */
#define PART_HEADER_MAX (sizeof AR_QR_PART_PREFIX - 1 + 6)

size_t ar_qr_split(size_t len, size_t *chunk)
{
	size_t room = AR_QR_BYTES_PER_CODE - PART_HEADER_MAX, n;

	if (len <= AR_QR_BYTES_PER_CODE) {
		*chunk = len;
		return 1;
	}
	n = (len + room - 1) / room;
	/* Equal shares: codes of one size scan alike. */
	*chunk = (len + n - 1) / n;
	return n;
}

typedef struct {
	const uint8_t *p, *end;   /* what is left to read */
	const uint8_t *line, *line_end;
	size_t number;            /* 1-based line number */
} line_reader;

static int is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next line without its surrounding blanks; 0 at the end. */
static int next_line(line_reader *r)
{
	const uint8_t *nl;

	if (r->p >= r->end)
		return 0;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	r->line = r->p;
	r->line_end = nl ? nl : r->end;
	r->p = nl ? nl + 1 : r->end;
	r->number++;
	while (r->line < r->line_end && is_blank(*r->line))
		r->line++;
	while (r->line_end > r->line && is_blank(r->line_end[-1]))
		r->line_end--;
	return 1;
}

static int starts_with(const uint8_t *p, const uint8_t *end, const char *prefix)
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
static const uint8_t *after_zbar_prefix(const uint8_t *p, const uint8_t *end)
{
	return starts_with(p, end, AR_QR_ZBAR_PREFIX AR_QR_PART_PREFIX) ?
	       p + strlen(AR_QR_ZBAR_PREFIX) : p;
}

typedef struct {
	unsigned index, count;    /* I and N of "airreg:I/N:"; 0 when not a header */
	const uint8_t *text;      /* the part's text after the header */
} part_line;

/* Reads the line's part header, if it has one. */
static int parse_line(const line_reader *r, part_line *out, const char *where, ar_err *e)
{
	const uint8_t *end = r->line_end, *p = after_zbar_prefix(r->line, end);

	out->index = out->count = 0;
	out->text = r->line;
	if (!starts_with(p, end, AR_QR_PART_PREFIX))
		return AR_OK;
	p += strlen(AR_QR_PART_PREFIX);
	p = read_count(p, end, &out->index);
	if (p && p < end && *p == '/')
		p = read_count(p + 1, end, &out->count);
	else
		p = NULL;
	if (!p || p >= end || *p != ':' || out->count > AR_QR_MAX_PARTS ||
	    out->index < 1 || out->index > out->count)
		return ar_fail(e, AR_EINPUT, where, "QR parts: line %zu: malformed part header "
			       "(expected " AR_QR_PART_PREFIX "I/N: with 1 <= I <= N <= %d)",
			       r->number, AR_QR_MAX_PARTS);
	out->text = p + 1;
	return AR_OK;
}

/* The writer cuts shares of ceil(L / N): all but the last equal, and the last from
 * share - N + 1 to share. A part off that lost a wrapped line or gained one a scanner
 * read from something else (zbarimg also reports 1-D barcodes it sees among a QR
 * code's modules). */
static int check_shares(const size_t bytes[AR_QR_MAX_PARTS + 1], unsigned count,
			const size_t first_line[AR_QR_MAX_PARTS + 1], const char *where,
			ar_err *e)
{
	unsigned i;

	for (i = 2; i <= count; i++)
		if (i < count ? bytes[i] != bytes[1]
			      : bytes[i] > bytes[1] || bytes[i] + count - 1 < bytes[1])
			return ar_fail(e, AR_EINPUT, where, "QR parts: part %u of %u (line %zu) "
				       "holds %zu characters, part 1 holds %zu: not equal shares of "
				       "one text (a line lost, or read from another barcode?)", i,
				       count, first_line[i], bytes[i], bytes[1]);
	return AR_OK;
}

/* Checks every part is there once; fills first_line[i] for each part i. */
static int check_parts(const uint8_t *text, size_t len, unsigned *count,
		       size_t first_line[AR_QR_MAX_PARTS + 1], const char *where, ar_err *e)
{
	line_reader r = { text, text + len, NULL, NULL, 0 };
	size_t bytes[AR_QR_MAX_PARTS + 1] = { 0 };
	unsigned current = 0, i, missing = 0;
	part_line part;

	*count = 0;
	while (next_line(&r)) {
		if (r.line == r.line_end)
			continue;
		if (parse_line(&r, &part, where, e) != AR_OK)
			return e->status;
		if (part.index == 0 && current == 0)
			return ar_fail(e, AR_EINPUT, where, "QR parts: line %zu comes before the "
				       "first part (read from another barcode?)", r.number);
		if (part.index == 0) {  /* a wrapped part continues */
			bytes[current] += (size_t)(r.line_end - r.line);
			continue;
		}
		if (*count == 0)
			*count = part.count;
		if (part.count != *count)
			return ar_fail(e, AR_EINPUT, where, "QR parts: line %zu: part %u/%u does "
				       "not belong with the parts of %u before it", r.number,
				       part.index, part.count, *count);
		if (first_line[part.index])
			return ar_fail(e, AR_EINPUT, where, "QR parts: part %u of %u appears "
				       "twice (lines %zu and %zu)", part.index, *count,
				       first_line[part.index], r.number);
		first_line[part.index] = r.number;
		current = part.index;
		bytes[current] += (size_t)(r.line_end - part.text);
	}
	for (i = 1; i <= *count; i++)
		missing += first_line[i] == 0;
	for (i = 1; i <= *count; i++) {
		if (first_line[i] == 0)
			return ar_fail(e, AR_EINPUT, where, "QR parts: part %u of %u is missing "
				       "(%u of %u missing; scan every code)", i, *count, missing,
				       *count);
		if (bytes[i] == 0)
			return ar_fail(e, AR_EINPUT, where, "QR parts: part %u of %u is empty",
				       i, *count);
	}
	return check_shares(bytes, *count, first_line, where, e);
}

/* Appends the text of part `want` (its line and the lines wrapped after it). */
static size_t copy_part(const uint8_t *text, size_t len, unsigned want, uint8_t *out)
{
	line_reader r = { text, text + len, NULL, NULL, 0 };
	unsigned current = 0;
	size_t n = 0;
	part_line part;
	ar_err ignored;

	while (next_line(&r)) {
		if (r.line == r.line_end)
			continue;
		parse_line(&r, &part, NULL, &ignored);  /* checked by check_parts() */
		if (part.index)
			current = part.index;
		if (current != want)
			continue;
		memcpy(out + n, part.text, (size_t)(r.line_end - part.text));
		n += (size_t)(r.line_end - part.text);
	}
	return n;
}

/* After the first line that is not blank (zbarimg's "QR-Code:..." of one code), the
 * number of the first line holding a colon, which a JWS never does: what zbarimg
 * prints for another symbology ("DataBar:..."); 0 if none. */
static size_t foreign_line(const uint8_t *text, size_t len)
{
	line_reader r = { text, text + len, NULL, NULL, 0 };
	int code_seen = 0;

	while (next_line(&r)) {
		if (r.line == r.line_end)
			continue;
		if (code_seen && memchr(r.line, ':', (size_t)(r.line_end - r.line)))
			return r.number;
		code_seen = 1;
	}
	return 0;
}

/* 1 when a line starts with a part header (a JWS never holds a colon). */
static int has_part(const uint8_t *text, size_t len)
{
	line_reader r = { text, text + len, NULL, NULL, 0 };

	while (next_line(&r))
		if (starts_with(after_zbar_prefix(r.line, r.line_end), r.line_end,
				AR_QR_PART_PREFIX))
			return 1;
	return 0;
}

int ar_qr_join(uint8_t *text, size_t len, size_t *out_len, const char *where, ar_err *e)
{
	size_t first_line[AR_QR_MAX_PARTS + 1] = { 0 }, n = 0;
	const uint8_t *p = text, *end = text + len;
	unsigned count, i;
	uint8_t *joined;

	*out_len = len;
	while (p < end && (is_blank(*p) || *p == '\n'))
		p++;
	if (!starts_with(p, end, AR_QR_ZBAR_PREFIX AR_QR_PART_PREFIX) &&
	    starts_with(p, end, AR_QR_ZBAR_PREFIX)) {
		/* One code, read by zbarimg without --raw. */
		size_t skip = (size_t)(p - text) + strlen(AR_QR_ZBAR_PREFIX);
		size_t stray = foreign_line(text, len);

		if (stray)
			return ar_fail(e, AR_EINPUT, where, "QR code: line %zu is not part of the "
				       "code (read from another barcode?)", stray);
		memmove(text, text + skip, len - skip);
		*out_len = len - skip;
		return AR_OK;
	}
	if (!has_part(text, len))
		return AR_OK;
	if (check_parts(text, len, &count, first_line, where, e) != AR_OK)
		return e->status;
	joined = malloc(len ? len : 1);
	if (!joined)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	for (i = 1; i <= count; i++)
		n += copy_part(text, len, i, joined + n);
	memcpy(text, joined, n);
	free(joined);
	*out_len = n;
	return AR_OK;
}
