/* SPDX-License-Identifier: Apache-2.0 */
/* The lines of a scanned set of QR parts and their headers "airreg:I/N:TAG:": what
 * qrparts.c (the join) and nothing else reads. */
#ifndef AIRREG_QRLINE_H
#define AIRREG_QRLINE_H

#include <stddef.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"

typedef struct {
	const uint8_t *p, *end;   /* what is left to read */
	const uint8_t *line, *line_end;
	size_t number;            /* 1-based line number */
} ar_qr_lines;

typedef struct {
	unsigned index, count;    /* I and N of "airreg:I/N:"; 0 when not a header */
	char tag[AR_QR_TAG_CHARS + 1];  /* TAG of "I/N:TAG:"; "" in a part written before it */
	const uint8_t *text;      /* the part's text after the header */
} ar_qr_part;

int ar_qr_is_blank(uint8_t c);
/* The next line without its surrounding blanks; 0 at the end. */
int ar_qr_next_line(ar_qr_lines *r);
int ar_qr_starts_with(const uint8_t *p, const uint8_t *end, const char *prefix);
/* Where a part header would start: after zbarimg's "QR-Code:" when a header follows it. */
const uint8_t *ar_qr_after_zbar(const uint8_t *p, const uint8_t *end);
/* Reads the line's part header, if it has one (index 0 when none). */
int ar_qr_parse_line(const ar_qr_lines *r, ar_qr_part *out, const char *where, ar_err *e);

#endif
