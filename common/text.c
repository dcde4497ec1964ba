/* SPDX-License-Identifier: Apache-2.0 */
#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"

enum { TEXT_OK, TEXT_NOT_UTF8, TEXT_CONTROL, TEXT_BIDI, TEXT_INVISIBLE };

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
	/* overrides, isolates and the marks that reorder text as much (ALM, LRM, RLM) */
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x061C || cp == 0x200E || cp == 0x200F)
		return TEXT_BIDI;
	/* nothing to see, yet two values that look alike differ; some viewers break a line at
	 * U+2028/U+2029 */
	if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF)
		return TEXT_INVISIBLE;
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
		/* printable ASCII, nearly all of any value read, needs no decoding */
		if (s[i] >= 0x20 && s[i] < 0x7F) {
			n = 1;
			continue;
		}
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
	case TEXT_INVISIBLE:
		return ar_fail(e, status, where, "%s holds an invisible character", what);
	default:
		return AR_OK;
	}
}

int ar_text_ok(const char *text)
{
	return text_fault(text) == TEXT_OK;
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

char *ar_text_utf8_repaired(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, j = 0, n;
	uint32_t cp;
	/* each byte at most one U+FFFD (3 bytes) */
	char *out = malloc(strlen(text) * 3 + 1);

	if (!out)
		return NULL;
	for (i = 0; s[i]; i += n) {
		n = utf8_next(s + i, &cp);
		if (n == 0) {
			memcpy(out + j, "\xef\xbf\xbd", 3);
			j += 3;
			n = 1;
		} else {
			memcpy(out + j, s + i, n);
			j += n;
		}
	}
	out[j] = '\0';
	return out;
}

/* The visible form of the character (n bytes, code point cp; n == 0: a byte that is
 * not UTF-8) at s, into out; its length. */
static size_t escape_one(const unsigned char *s, size_t n, uint32_t cp, int flags, char out[8])
{
	if (n == 0)
		return (size_t)snprintf(out, 8, "\\x%02x", s[0]);
	if (cp == '\\')
		return (size_t)snprintf(out, 8, "\\\\");
	if ((cp == ' ' && (flags & AR_ESCAPE_SPACE)) || (cp < 0x80 && char_fault(cp) != TEXT_OK))
		return (size_t)snprintf(out, 8, "\\x%02x", (unsigned)cp);
	if (char_fault(cp) != TEXT_OK)
		return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)cp);
	memcpy(out, s, n);
	return n;
}

size_t ar_text_escape(char *dst, size_t cap, const char *src, int flags)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i, j = 0, need = 0, n, k;
	uint32_t cp = 0;
	char one[8];

	for (i = 0; s[i]; i += n ? n : 1) {
		n = utf8_next(s + i, &cp);
		k = escape_one(s + i, n, cp, flags, one);
		/* once one piece does not fit, nothing after it is written either */
		if (j == need && need + k < cap) {
			memcpy(dst + j, one, k);
			j += k;
		}
		need += k;
	}
	if (cap > 0)
		dst[j] = '\0';
	return need;
}

const char *ar_text_shown(const char *src)
{
	static _Thread_local char ring[8][AR_MAX_SHOWN_BYTES];
	static _Thread_local unsigned next;
	char *out = ring[next++ % 8];

	if (ar_text_escape(out, sizeof ring[0] - 3, src ? src : "", 0) >= sizeof ring[0] - 3)
		strcat(out, "...");
	return out;
}

char *ar_text_escape_json(char *json)
{
	const unsigned char *s = (const unsigned char *)json;
	size_t i, j = 0, n, extra = 0;
	uint32_t cp = 0;
	char *out;

	if (!json)
		return NULL;
	/* jansson wrote the C0 controls inside strings as escapes already; a raw one
	 * is the layout's own line break */
	for (i = 0; s[i]; i += n ? n : 1) {
		if (s[i] < 0x7F) {  /* ASCII: DEL is the only one to escape here */
			n = 1;
			continue;
		}
		n = utf8_next(s + i, &cp);
		if (n > 0 && cp >= 0x20 && char_fault(cp) != TEXT_OK)
			extra += 6 - n;
	}
	if (extra == 0)
		return json;
	out = malloc(i + extra + 1);
	for (i = 0; out && s[i]; i += n ? n : 1) {
		n = utf8_next(s + i, &cp);
		if (n > 0 && cp >= 0x20 && char_fault(cp) != TEXT_OK) {
			j += (size_t)snprintf(out + j, 7, "\\u%04X", (unsigned)cp);
		} else {
			memcpy(out + j, s + i, n ? n : 1);
			j += n ? n : 1;
		}
	}
	if (out)
		out[j] = '\0';
	free(json);
	return out;
}
