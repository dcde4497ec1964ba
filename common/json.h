/* SPDX-License-Identifier: Apache-2.0 */
/* JSON through jansson: strict parsing and type-checked field access. */
#ifndef AIRREG_JSON_H
#define AIRREG_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Parses one JSON object (duplicate keys refused). Returns NULL and fills e. */
json_t *ar_json_parse_object(const uint8_t *data, size_t len, const char *where, ar_err *e);

/* Field readers. A missing required field, a field of another type, or a value
 * outside the limits is an AR_EINPUT error naming the field. With required = 0
 * a missing field leaves *out untouched and returns AR_OK. */
int ar_json_string(json_t *obj, const char *key, int required, size_t max_chars,
		   const char **out, const char *where, ar_err *e);
int ar_json_int(json_t *obj, const char *key, int required, json_int_t min, json_int_t max,
		json_int_t *out, const char *where, ar_err *e);
int ar_json_bool(json_t *obj, const char *key, int required, int *out, const char *where,
		 ar_err *e);
int ar_json_array(json_t *obj, const char *key, int required, size_t max_items,
		  json_t **out, const char *where, ar_err *e);
int ar_json_object(json_t *obj, const char *key, int required, json_t **out,
		   const char *where, ar_err *e);
/* A required string field holding a UUID in canonical lowercase form. */
int ar_json_uuid(json_t *obj, const char *key, const char **out, const char *where, ar_err *e);
/* Refuses any key not in the NULL-terminated list (our formats are closed). */
int ar_json_only_keys(json_t *obj, const char *const *allowed, const char *what,
		      const char *where, ar_err *e);
/* Every string of value, and every member name, at any depth, held to the text rule
 * of text.h (so a field no reader looks at cannot carry a control either). Fails with
 * status: "WHAT field \"hosts[0].serial\" holds a control character", "WHAT field name
 * \"cnf.KEY\" ..." (WHAT and its space left out when what is ""). */
int ar_json_text_check(json_t *value, const char *what, int status, const char *where,
		       ar_err *e);

/* Compact serialisation in insertion order; malloc'd, NULL when out of memory. Both
 * write DEL, C1 and bidirectional controls in strings as \uHHHH (ar_text_escape_json):
 * what they write may reach a terminal. */
char *ar_json_dump_compact(const json_t *value);
/* Indented, for people; ends with a newline. */
char *ar_json_dump_pretty(const json_t *value);
/* doc, indented, on standard output (a --json answer); NULL doc is out of memory. */
int ar_json_print(const json_t *doc, ar_err *e);

#endif
