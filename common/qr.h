/* SPDX-License-Identifier: Apache-2.0 */
/* QR transfer of a token or key, for sites that forbid USB sticks: drawing the
 * codes (libqrencode, libpng) and joining the parts a scanner read back. */
#ifndef AIRREG_QR_H
#define AIRREG_QR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* How a text of len bytes is split: returns the number of codes and sets
 * *chunk to the bytes of text in each (the last may hold fewer). One code
 * holds the text as it is; more hold "airreg:I/N:TAG:" and their share, TAG the
 * first AR_QR_TAG_CHARS hex digits of the text's SHA-256. */
size_t ar_qr_split(size_t len, size_t *chunk);

/* When text[0..len) holds scanned parts (lines "airreg:I/N:TAG:TEXT", each perhaps
 * after zbarimg's "QR-Code:", in any order, long ones perhaps wrapped), joins
 * them in place in order of I and sets *out_len. One code read by zbarimg
 * loses its "QR-Code:". Anything else is left as it is. A missing, repeated,
 * malformed part, a part of another drawing (another TAG), or a joined text
 * whose SHA-256 does not begin with TAG is refused (AR_EINPUT). Parts without a
 * TAG (written before issue 15) are still joined when all of a set lack it. */
int ar_qr_join(uint8_t *text, size_t len, size_t *out_len, const char *where, ar_err *e);

/* Draws text as QR codes (level M, byte mode), split as ar_qr_split() says:
 * into the PNG file dest (codes stacked top to bottom, 4 pixels a module), or
 * for "-" on stdout in UTF-8 half blocks, light modules drawn as blocks for a
 * terminal with light text on a dark background (as `qrencode -t UTF8`); the
 * file is replaced atomically. Then "PROGRAM: wrote DEST: WHAT in N QR codes
 * (version V, level M); text SHA-256 HEX" on report: the hash the reader prints again. */
int ar_qr_output(const char *dest, const char *text, size_t len, const char *program,
		 const char *what, FILE *report, ar_err *e);
/* A writer's -o and --qr: not both on stdout (AR_EUSAGE); the status lines go to
 * stderr when either does. */
int ar_qr_check_outputs(const char *output, const char *qr, ar_err *e);
FILE *ar_qr_status_stream(const char *output, const char *qr);

#endif
