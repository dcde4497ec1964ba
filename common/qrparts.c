/* SPDX-License-Identifier: Apache-2.0 */
/* Splitting a text into numbered QR parts and joining the parts a scanner read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "qr.h"
#include "qrline.h"

/* "airreg:64/64:TAG:" */
#define PART_HEADER_MAX (sizeof AR_QR_PART_PREFIX - 1 + 6 + AR_QR_TAG_CHARS + 1)

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
	ar_qr_lines r = { text, text + len, NULL, NULL, 0 };
	size_t bytes[AR_QR_MAX_PARTS + 1] = { 0 };
	unsigned current = 0, i, missing = 0;
	ar_qr_part part;

	*count = 0;
	while (ar_qr_next_line(&r)) {
		if (r.line == r.line_end)
			continue;
		if (ar_qr_parse_line(&r, &part, where, e) != AR_OK)
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

/* The drawings a set's parts name, in the order first met: an internal table; parts of
 * more drawings than it holds are foreign all the same. */
#define DRAWINGS_MAX 8
#define UNTAGGED "untagged"

typedef struct {
	char tag[AR_QR_TAG_CHARS + 1];
	unsigned parts;
} drawing;

/* Item k of total: "a", "a and b", "a, b and c". */
static void list_item(char *list, size_t cap, size_t k, size_t total, size_t item)
{
	size_t at = strlen(list);

	snprintf(list + at, cap - at, "%s%zu", k == 0 ? "" : k + 1 == total ? " and " : ", ",
		 item);
}

/* The next line that reads as a part header, in *part. */
static int next_part(ar_qr_lines *r, ar_qr_part *part)
{
	ar_err ignored;

	while (ar_qr_next_line(r))
		if (r->line < r->line_end && ar_qr_parse_line(r, part, NULL, &ignored) == AR_OK &&
		    part->index)
			return 1;
	return 0;
}

/* Parts of two drawings of one size join into a text that fails only its signature: the
 * tagged drawing with most parts (the first met on a tie; untagged only when no part has a
 * tag) is the set, any other part is named.
 * Sets *tag to the set's TAG ("" for parts written without one). Malformed lines are left
 * to check_parts(). */
static int check_drawing(const uint8_t *text, size_t len, char tag[AR_QR_TAG_CHARS + 1],
			 const char *where, ar_err *e)
{
	ar_qr_lines r = { text, text + len, NULL, NULL, 0 };
	drawing d[DRAWINGS_MAX];
	size_t n = 0, i, best = 0, headers = 0, foreign, k = 0, first_line = 0, mine = 0;
	char lines[160] = "", parts[160] = "", others[96] = "", same[200] = "";
	ar_qr_part part, first = { 0 };
	uint64_t set = 0;
	const char *name;

	while (next_part(&r, &part)) {
		headers++;
		for (i = 0; i < n && strcmp(d[i].tag, part.tag) != 0; i++)
			;
		if (i == n && n < DRAWINGS_MAX) {
			memcpy(d[n].tag, part.tag, sizeof d[n].tag);
			d[n++].parts = 0;
		}
		if (i < n)
			d[i].parts++;
	}
	/* untagged parts come from a writer older than the tagged ones, so in a mix they are
	 * the foreign side, however many: the advice to scan the drawing the tag names holds */
	for (i = 1; i < n; i++)
		if ((d[i].tag[0] && !d[best].tag[0]) ||
		    (!d[i].tag[0] == !d[best].tag[0] && d[i].parts > d[best].parts))
			best = i;
	memcpy(tag, n ? d[best].tag : "", n ? sizeof d[best].tag : 1);
	if (n <= 1)
		return AR_OK;
	foreign = headers - d[best].parts;
	for (i = 0, k = 0; i < n; i++)
		if (i != best) {
			size_t at = strlen(others);

			snprintf(others + at, sizeof others - at, "%s%s", k++ ? ", " : "",
				 d[i].tag[0] ? d[i].tag : UNTAGGED);
		}
	r = (ar_qr_lines){ text, text + len, NULL, NULL, 0 };
	k = 0;
	while (next_part(&r, &part)) {
		if (strcmp(part.tag, tag) == 0) {
			set |= (uint64_t)1 << (part.index - 1);
			continue;
		}
		if (k == 0) {
			first = part;
			first_line = r.number;
		}
		list_item(lines, sizeof lines, k, foreign, r.number);
		list_item(parts, sizeof parts, k++, foreign, part.index);
	}
	for (i = 0; i < AR_QR_MAX_PARTS; i++)
		mine += (set >> i) & 1;
	for (i = 0, k = 0; i < AR_QR_MAX_PARTS; i++)
		if ((set >> i) & 1)
			list_item(same, sizeof same, k++, mine, i + 1);
	name = tag[0] ? tag : UNTAGGED;
	if (foreign == 1)
		return ar_fail(e, AR_EINPUT, where, "QR parts: part %u of %u (line %zu) belongs "
			       "to another drawing (%s; part%s %s %s %s)", first.index, first.count,
			       first_line, others, mine == 1 ? "" : "s", same,
			       mine == 1 ? "is" : "are", name);
	return ar_fail(e, AR_EINPUT, where, "QR parts: parts %s (lines %s) belong to another "
		       "drawing (%s; part%s %s %s %s)", parts, lines, others, mine == 1 ? "" : "s",
		       same, mine == 1 ? "is" : "are", name);
}

/* Appends the text of part `want` (its line and the lines wrapped after it). */
static size_t copy_part(const uint8_t *text, size_t len, unsigned want, uint8_t *out)
{
	ar_qr_lines r = { text, text + len, NULL, NULL, 0 };
	unsigned current = 0;
	size_t n = 0;
	ar_qr_part part;
	ar_err ignored;

	while (ar_qr_next_line(&r)) {
		if (r.line == r.line_end)
			continue;
		ar_qr_parse_line(&r, &part, NULL, &ignored);  /* checked by check_parts() */
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
	ar_qr_lines r = { text, text + len, NULL, NULL, 0 };
	int code_seen = 0;

	while (ar_qr_next_line(&r)) {
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
	ar_qr_lines r = { text, text + len, NULL, NULL, 0 };

	while (ar_qr_next_line(&r))
		if (ar_qr_starts_with(ar_qr_after_zbar(r.line, r.line_end), r.line_end,
				AR_QR_PART_PREFIX))
			return 1;
	return 0;
}

int ar_qr_join(uint8_t *text, size_t len, size_t *out_len, const char *where, ar_err *e)
{
	size_t first_line[AR_QR_MAX_PARTS + 1] = { 0 }, n = 0;
	const uint8_t *p = text, *end = text + len;
	char tag[AR_QR_TAG_CHARS + 1], hex[AR_SHA256_HEX_CHARS + 1];
	unsigned count, i;
	uint8_t *joined;

	*out_len = len;
	while (p < end && (ar_qr_is_blank(*p) || *p == '\n'))
		p++;
	if (!ar_qr_starts_with(p, end, AR_QR_ZBAR_PREFIX AR_QR_PART_PREFIX) &&
	    ar_qr_starts_with(p, end, AR_QR_ZBAR_PREFIX)) {
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
	if (check_drawing(text, len, tag, where, e) != AR_OK ||
	    check_parts(text, len, &count, first_line, where, e) != AR_OK)
		return e->status;
	joined = malloc(len ? len : 1);
	if (!joined)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	for (i = 1; i <= count; i++)
		n += copy_part(text, len, i, joined + n);
	/* One drawing's parts, altered or misread past what the code's error correction caught. */
	ar_sha256_hex(joined, n, hex);
	hex[AR_QR_TAG_CHARS] = '\0';
	if (tag[0] && strcmp(hex, tag) != 0) {
		free(joined);
		return ar_fail(e, AR_EINPUT, where, "QR parts: the joined text's SHA-256 begins "
			       "%s, not %s as its parts say (a part altered or misread; scan every "
			       "code again)", hex, tag);
	}
	memcpy(text, joined, n);
	free(joined);
	*out_len = n;
	return AR_OK;
}
