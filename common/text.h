/* SPDX-License-Identifier: Apache-2.0 */
/* The one rule for a text value, whether a file or an operator's flag supplies it:
 * valid UTF-8, no control character (C0, DEL, C1 U+0080..U+009F) and no bidirectional
 * override or isolate (U+202A..U+202E, U+2066..U+2069), which would make what is
 * shown differ from what is signed. */
#ifndef AIRREG_TEXT_H
#define AIRREG_TEXT_H

#include "err.h"

/* AR_OK, or fails with status: "WHAT is not valid UTF-8", "WHAT holds a control
 * character", "WHAT holds a bidirectional control character". */
int ar_text_check(const char *text, const char *what, int status, const char *where, ar_err *e);
/* For main(): the value of --FLAG (the long name, without dashes), held to the same
 * rule; fails with AR_EUSAGE ("--FLAG is not valid UTF-8", ...). */
int ar_text_check_flag(const char *flag, const char *value, ar_err *e);
/* For values read from hardware, which are kept rather than refused: each character
 * the rule refuses becomes '?' (every byte from 0x80 when the text is not UTF-8). */
void ar_text_clean(char *text);

#endif
