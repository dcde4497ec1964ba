/* SPDX-License-Identifier: Apache-2.0 */
#include "filekind.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "host.h"
#include "text.h"

static ar_reader reader = AR_READER_ANY;

void ar_kind_set_reader(ar_reader r)
{
	reader = r;
}

int ar_is_host_record(const uint8_t *data, size_t len)
{
	json_t *o;
	int yes;

	while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' || *data == '\n')) {
		data++;
		len--;
	}
	if (len == 0 || *data != '{')
		return 0;
	o = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, NULL);
	yes = json_is_object(o) && json_is_integer(json_object_get(o, AR_HOST_VERSION)) &&
	      (json_is_string(json_object_get(o, AR_HOST_UUID_SOURCE)) ||
	       (json_is_string(json_object_get(o, AR_HOST_NAME)) &&
		json_is_string(json_object_get(o, AR_HOST_UUID))));
	json_decref(o);
	return yes;
}

static int b64url_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* "-----BEGIN LABEL-----" on the first line: the label says public or private. */
static ar_kind pem_kind(const uint8_t *p, size_t len)
{
	size_t begin = strlen(AR_PEM_BEGIN), i;
	char label[AR_PEM_LABEL_MAX + 1];

	if (len < begin || memcmp(p, AR_PEM_BEGIN, begin) != 0)
		return AR_KIND_UNKNOWN;
	for (i = 0; i < AR_PEM_LABEL_MAX && begin + i < len && p[begin + i] != '-' &&
		    p[begin + i] != '\n'; i++)
		label[i] = (char)p[begin + i];
	label[i] = '\0';
	if (len - begin - i < strlen(AR_PEM_DASHES) ||
	    memcmp(p + begin + i, AR_PEM_DASHES, strlen(AR_PEM_DASHES)) != 0)
		return AR_KIND_UNKNOWN;
	if (strstr(label, AR_PEM_PRIVATE_MARK))
		return AR_KIND_PRIVATE_KEY;
	return strcmp(label, AR_PEM_PUBLIC_LABEL) == 0 ? AR_KIND_PUBLIC_KEY : AR_KIND_UNKNOWN;
}

/* The typ of a JWS header: the base64url characters before the first '.', line breaks
 * and blanks skipped (a key folded by a mail or an editor is still a key). A rotation
 * statement's typ counts only in the JSON serialization (json_form): a compact JWS naming
 * it is none of our files, refused by the reader's own checks. */
static ar_kind jws_kind(const uint8_t *p, size_t len, int json_form)
{
	char head[AR_MAX_KIND_HEADER_CHARS + 1];
	uint8_t json[AR_MAX_KIND_HEADER_CHARS];
	size_t n = 0, got = 0, i;
	json_t *h;
	const char *typ;
	ar_kind kind = AR_KIND_UNKNOWN;

	for (i = 0; i < len && p[i] != '.'; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		if (!b64url_char(p[i]) || n == AR_MAX_KIND_HEADER_CHARS)
			return AR_KIND_UNKNOWN;
		head[n++] = (char)p[i];
	}
	head[n] = '\0';
	if (i == len || n == 0 || ar_b64url_decode(head, n, json, sizeof json, &got) != 0)
		return AR_KIND_UNKNOWN;
	h = json_loadb((const char *)json, got, JSON_REJECT_DUPLICATES, NULL);
	typ = json_string_value(json_object_get(h, "typ"));
	if (typ && strcmp(typ, AR_TYP_TOKEN) == 0)
		kind = AR_KIND_TOKEN;
	else if (typ && strcmp(typ, AR_TYP_ACTIVATION_KEY) == 0)
		kind = AR_KIND_ACTIVATION_KEY;
	else if (typ && strcmp(typ, AR_TYP_REMOVAL_RECEIPT) == 0)
		kind = AR_KIND_REMOVAL_RECEIPT;
	else if (typ && json_form && strcmp(typ, AR_TYP_ROTATION) == 0)
		kind = AR_KIND_ROTATION;
	else if (typ && strcmp(typ, AR_TYP_REVOCATION_LIST) == 0)
		kind = AR_KIND_REVOCATION_LIST;
	json_decref(h);
	return kind;
}

/* A rotation statement: {"payload":..., "signatures":[{"protected": HEADER...}...]}, or an
 * array whose first item is one; the typ of the first protected header says. */
static ar_kind json_kind(const uint8_t *p, size_t len)
{
	char head[AR_MAX_KIND_HEADER_CHARS + 2];
	json_t *doc, *first;
	const char *prot;
	ar_kind kind = AR_KIND_UNKNOWN;

	if (len == 0 || (*p != '{' && *p != '['))
		return AR_KIND_UNKNOWN;
	doc = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, NULL);
	first = json_is_array(doc) ? json_array_get(doc, 0) : doc;
	prot = json_string_value(json_object_get(
		json_array_get(json_object_get(first, "signatures"), 0), "protected"));
	/* the header as jws_kind reads it: its segment and the dot after */
	if (prot && strlen(prot) <= AR_MAX_KIND_HEADER_CHARS) {
		snprintf(head, sizeof head, "%s.", prot);
		kind = jws_kind((const uint8_t *)head, strlen(head), 1);
		/* only a statement is ours in this form */
		if (kind != AR_KIND_ROTATION)
			kind = AR_KIND_UNKNOWN;
	}
	json_decref(doc);
	return kind;
}

ar_kind ar_kind_of(const uint8_t *data, size_t len)
{
	ar_kind kind;

	if (len >= AR_PNG_MAGIC_BYTES && memcmp(data, AR_PNG_MAGIC, AR_PNG_MAGIC_BYTES) == 0)
		return AR_KIND_IMAGE;
	/* a BOM and blank lines are what a carried text file may gain on the way */
	if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
		data += 3;
		len -= 3;
	}
	while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' || *data == '\n')) {
		data++;
		len--;
	}
	kind = pem_kind(data, len);
	if (kind == AR_KIND_UNKNOWN)
		kind = json_kind(data, len);
	return kind != AR_KIND_UNKNOWN ? kind : jws_kind(data, len, 0);
}

int ar_expect_kind(const uint8_t *data, size_t len, ar_kind want, const char *where,
		   ar_err *e)
{
	ar_kind kind = ar_kind_of(data, len);
	/* the advice names the file as given; stdin has no name to give */
	const char *file = where && strcmp(where, ar_input_name("-")) != 0
				   ? ar_text_shown(where) : "FILE";

	if (kind == want || kind == AR_KIND_UNKNOWN)
		return AR_OK;
	switch (kind) {
	case AR_KIND_TOKEN:
		return ar_fail(e, AR_EINPUT, where, "this is a registration token: carry it to "
			       "the workstation (registrar register --token %s)", file);
	case AR_KIND_ACTIVATION_KEY:
		/* on the stamp already: where key-import takes it, and (for a host record
		 * expected) what --host takes */
		if (reader == AR_READER_KEY_IMPORT)
			return ar_fail(e, AR_EINPUT, where, "this is an activation key: key-import "
				       "import %s takes it%s", file, want == AR_KIND_UNKNOWN
				       ? "; --host takes host records (token-gen probe)" : "");
		return ar_fail(e, AR_EINPUT, where, "this is an activation key: carry it to the "
			       "stamp (key-import %s)", file);
	case AR_KIND_REMOVAL_RECEIPT:
		return ar_fail(e, AR_EINPUT, where, "this is a removal receipt: carry it to the "
			       "workstation (registrar unregister --receipt %s)", file);
	case AR_KIND_PUBLIC_KEY:
		return ar_fail(e, AR_EINPUT, where, "this is an issuer public key: key-import "
			       "trust add %s", file);
	case AR_KIND_PRIVATE_KEY:
		return ar_fail(e, AR_EINPUT, where,
			       "this is a private key: it never leaves its machine");
	case AR_KIND_ROTATION:
		if (reader == AR_READER_KEY_IMPORT)
			return ar_fail(e, AR_EINPUT, where, "this is an issuer rotation statement: "
				       "key-import trust update %s takes it", file);
		return ar_fail(e, AR_EINPUT, where, "this is an issuer rotation statement: carry "
			       "it to the stamp (key-import trust update %s)", file);
	case AR_KIND_REVOCATION_LIST:
		/* on the stamp already: trust update takes it (so does import, beside the key) */
		if (reader == AR_READER_KEY_IMPORT)
			return ar_fail(e, AR_EINPUT, where, "this is a revocation list: key-import "
				       "trust update %s takes it", file);
		return ar_fail(e, AR_EINPUT, where, "this is a revocation list: carry it to the "
			       "stamp (key-import trust update %s)", file);
	case AR_KIND_IMAGE:
		return ar_fail(e, AR_EINPUT, where, "this is an image: scan it (%s %s)",
			       AR_QR_SCAN_COMMAND, file);
	default:
		return AR_OK;
	}
}

int ar_read_carried(const char *path, ar_kind want, char **text, size_t *len, ar_err *e)
{
	const char *where = ar_input_name(path);
	uint8_t *data = NULL;
	int rc = ar_read_input(path, AR_MAX_FILE_BYTES, &data, len, e);

	if (rc == AR_OK && (rc = ar_expect_kind(data, *len, want, where, e)) != AR_OK &&
	    ar_kind_of(data, *len) == AR_KIND_PRIVATE_KEY)
		sodium_memzero(data, *len);
	/* a host record where a key or token was expected: its place is after a --host */
	if (rc == AR_OK && ar_is_host_record(data, *len))
		rc = reader == AR_READER_KEY_IMPORT
			? ar_fail(e, AR_EINPUT, where, "this is a host record (token-gen probe): "
				  "give it after --host")
			: ar_fail(e, AR_EINPUT, where, "this is a host record (token-gen probe): "
				  "token-gen create --host takes it");
	if (rc == AR_OK)
		rc = ar_compact_text(data, len, where, e);
	if (rc == AR_OK)
		rc = ar_expect_kind(data, *len, want, where, e);
	if (rc == AR_OK)
		*text = (char *)data;
	else
		free(data);
	return rc;
}
