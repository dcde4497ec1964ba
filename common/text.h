/* SPDX-License-Identifier: Apache-2.0 */
/* The one rule for a text value, whether a file or an operator's flag supplies it:
 * valid UTF-8, no control character (C0, DEL, C1 U+0080..U+009F) and no bidirectional
 * override or isolate (U+202A..U+202E, U+2066..U+2069), which would make what is
 * shown differ from what is signed. */
#ifndef AIRREG_TEXT_H
#define AIRREG_TEXT_H

#include <stddef.h>

#include "err.h"

/* AR_OK, or fails with status: "WHAT is not valid UTF-8", "WHAT holds a control
 * character", "WHAT holds a bidirectional control character". */
int ar_text_check(const char *text, const char *what, int status, const char *where, ar_err *e);
/* For main(): the value of --FLAG (the long name, without dashes), held to the same
 * rule; fails with AR_EUSAGE ("--FLAG is not valid UTF-8", ...). */
/* The rule of ar_text_check, as a yes or no (no message made). */
int ar_text_ok(const char *text);
int ar_text_check_flag(const char *flag, const char *value, ar_err *e);
/* For values read from hardware, which are kept rather than refused: each character
 * the rule refuses becomes '?' (every byte from 0x80 when the text is not UTF-8). */
void ar_text_clean(char *text);

/* What is shown of a text on a terminal, in a log or an error line: the same rule,
 * made visible rather than refused (docs/spec.md, "Every program"). Printable UTF-8
 * is copied as it is; a backslash becomes "\\"; a C0 control, DEL or a byte that is
 * not part of valid UTF-8 becomes "\xhh"; a C1 control or a bidirectional control
 * (valid UTF-8) becomes "\uhhhh" (lower-case hex). With AR_ESCAPE_SPACE a space is
 * "\x20" too, for a field of a space-separated log line. Writes whole escapes and
 * characters only, always terminated (cap > 0); returns the length the whole text
 * needs, so a result >= cap means it was cut. */
#define AR_ESCAPE_SPACE 1
size_t ar_text_escape(char *dst, size_t cap, const char *src, int flags);
/* ar_text_escape for printf: the escaped text in one of a few rotating buffers of the
 * calling thread (so up to 8 in one printf), "..." at the end when cut; NULL is "". */
const char *ar_text_shown(const char *src);
/* text with each byte that is not part of valid UTF-8 replaced by U+FFFD (the
 * replacement character), the rest as it is: what can go into a JSON string of a value
 * read from a store that should have held UTF-8. malloc'd; NULL when out of memory. */
char *ar_text_utf8_repaired(const char *text);
/* A JSON text as jansson wrote it (valid UTF-8) with DEL, the C1 controls and the
 * bidirectional controls inside its strings written as "\uHHHH", as jansson already
 * writes the C0 controls: the same value for a JSON parser, no terminal control for a
 * terminal. Takes json (malloc'd) and returns the result (malloc'd), NULL when out of
 * memory (json is freed either way). */
char *ar_text_escape_json(char *json);

#endif
