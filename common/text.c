/* SPDX-License-Identifier: Apache-2.0 */
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { TEXT_OK, TEXT_NOT_UTF8, TEXT_CONTROL, TEXT_BIDI };

/* The code point at s and its length in bytes (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF); 0 when s does not start a valid one. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, min = 0x80, *cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, min = 0x800, *cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, min = 0x10000, *cp = s[0] & 0x07u;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3Fu);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return n;
}

static int char_fault(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return TEXT_CONTROL;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return TEXT_BIDI;
	return TEXT_OK;
}

/* The first fault of text: invalid UTF-8 anywhere first, then the first character refused */
static int text_fault(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, n;
	uint32_t cp;
	int fault = TEXT_OK;

	for (i = 0; s[i]; i += n) {
		n = utf8_next(s + i, &cp);
		if (n == 0)
			return TEXT_NOT_UTF8;
		if (fault == TEXT_OK)
			fault = char_fault(cp);
	}
	return fault;
}

int ar_text_check(const char *text, const char *what, int status, const char *where, ar_err *e)
{
	switch (text_fault(text)) {
	case TEXT_NOT_UTF8:
		return ar_fail(e, status, where, "%s is not valid UTF-8", what);
	case TEXT_CONTROL:
		return ar_fail(e, status, where, "%s holds a control character", what);
	case TEXT_BIDI:
		return ar_fail(e, status, where, "%s holds a bidirectional control character", what);
	default:
		return AR_OK;
	}
}

int ar_text_check_flag(const char *flag, const char *value, ar_err *e)
{
	char what[64];

	snprintf(what, sizeof what, "--%s", flag);
	return ar_text_check(value, what, AR_EUSAGE, NULL, e);
}

void ar_text_clean(char *text)
{
	unsigned char *s = (unsigned char *)text;
	int utf8 = text_fault(text) != TEXT_NOT_UTF8;
	size_t i = 0, j = 0, n;
	uint32_t cp = 0;

	while (s[i]) {
		n = utf8 ? utf8_next(s + i, &cp) : 1;
		if ((!utf8 && s[i] >= 0x80) || char_fault(utf8 ? cp : s[i]) != TEXT_OK) {
			s[j++] = '?';
		} else {
			memmove(s + j, s + i, n);
			j += n;
		}
		i += n;
	}
	s[j] = '\0';
}
