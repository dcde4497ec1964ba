/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include "ar_limits.h"
#include "codec.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *ar_json_parse_object(const uint8_t *data, size_t len, const char *where, ar_err *e)
{
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);

	if (!root) {
		ar_fail(e, AR_EINPUT, where, "invalid JSON at line %d column %d: %s",
			jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		ar_fail(e, AR_EINPUT, where, "JSON is not an object");
		return NULL;
	}
	return root;
}

static int missing(json_t *obj, const char *key, int required, json_t **value,
		   const char *where, ar_err *e)
{
	*value = json_object_get(obj, key);
	if (*value)
		return 0;
	if (required)
		ar_fail(e, AR_EINPUT, where, "missing field \"%s\"", key);
	return required ? -1 : 1;
}

static int wrong_type(const char *key, const char *type, const char *where, ar_err *e)
{
	return ar_fail(e, AR_EINPUT, where, "field \"%s\" must be %s", key, type);
}

int ar_json_string(json_t *obj, const char *key, int required, size_t max_chars,
		   const char **out, const char *where, ar_err *e)
{
	json_t *v;
	int m = missing(obj, key, required, &v, where, e);

	if (m != 0)
		return m < 0 ? e->status : AR_OK;
	if (!json_is_string(v))
		return wrong_type(key, "a string", where, e);
	if (json_string_length(v) > max_chars)
		return ar_fail(e, AR_EINPUT, where, "field \"%s\" longer than %zu characters",
			       key, max_chars);
	*out = json_string_value(v);
	return AR_OK;
}

int ar_json_uuid(json_t *obj, const char *key, const char **out, const char *where, ar_err *e)
{
	const char *v = NULL;
	char canon[37];

	if (ar_json_string(obj, key, 1, AR_UUID_CHARS, &v, where, e) != AR_OK)
		return e->status;
	if (ar_uuid_normalize(v, canon) != 0 || strcmp(canon, v) != 0)
		return ar_fail(e, AR_EINPUT, where, "\"%s\" is not a lowercase UUID", key);
	*out = v;
	return AR_OK;
}

int ar_json_int(json_t *obj, const char *key, int required, json_int_t min, json_int_t max,
		json_int_t *out, const char *where, ar_err *e)
{
	json_t *v;
	int m = missing(obj, key, required, &v, where, e);

	if (m != 0)
		return m < 0 ? e->status : AR_OK;
	if (!json_is_integer(v))
		return wrong_type(key, "an integer", where, e);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return ar_fail(e, AR_EINPUT, where, "field \"%s\" out of range (%lld..%lld)",
			       key, (long long)min, (long long)max);
	*out = json_integer_value(v);
	return AR_OK;
}

int ar_json_bool(json_t *obj, const char *key, int required, int *out, const char *where,
		 ar_err *e)
{
	json_t *v;
	int m = missing(obj, key, required, &v, where, e);

	if (m != 0)
		return m < 0 ? e->status : AR_OK;
	if (!json_is_boolean(v))
		return wrong_type(key, "true or false", where, e);
	*out = json_is_true(v);
	return AR_OK;
}

int ar_json_array(json_t *obj, const char *key, int required, size_t max_items,
		  json_t **out, const char *where, ar_err *e)
{
	json_t *v;
	int m = missing(obj, key, required, &v, where, e);

	if (m != 0)
		return m < 0 ? e->status : AR_OK;
	if (!json_is_array(v))
		return wrong_type(key, "an array", where, e);
	if (json_array_size(v) > max_items)
		return ar_fail(e, AR_EINPUT, where, "field \"%s\" has more than %zu entries",
			       key, max_items);
	*out = v;
	return AR_OK;
}

int ar_json_object(json_t *obj, const char *key, int required, json_t **out,
		   const char *where, ar_err *e)
{
	json_t *v;
	int m = missing(obj, key, required, &v, where, e);

	if (m != 0)
		return m < 0 ? e->status : AR_OK;
	if (!json_is_object(v))
		return wrong_type(key, "an object", where, e);
	*out = v;
	return AR_OK;
}

int ar_json_only_keys(json_t *obj, const char *const *allowed, const char *what,
		      const char *where, ar_err *e)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		const char *const *a = allowed;

		(void)value;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a)
			return ar_fail(e, AR_EINPUT, where, "unknown field \"%.64s\" in %s",
				       key, what);
	}
	return AR_OK;
}

typedef struct {
	char path[200], name[400];  /* value's place ("hosts[0].serial"), and what to call it */
	const char *what, *where;
	int status;
} text_walk_ctx;

/* path + len: sep then part, cut to the buffer (a name only ever shown in an error). */
static void path_append(text_walk_ctx *w, size_t len, const char *sep, const char *part)
{
	size_t cap = sizeof w->path - 1, n;

	n = strlen(sep);
	if (len + n > cap)
		n = cap - len;
	memcpy(w->path + len, sep, n);
	len += n;
	n = strlen(part);
	if (len + n > cap)
		n = cap - len;
	memcpy(w->path + len, part, n);
	w->path[len + n] = '\0';
}

/* The refusal of text at the walk's place; the name is made only then: the walk runs on
 * every token and key read, and naming each string it passes cost a fifth of a register. */
static int text_refused(text_walk_ctx *w, const char *kind, const char *text, ar_err *e)
{
	snprintf(w->name, sizeof w->name, "%s%s%s \"%s\"", w->what, w->what[0] ? " " : "",
		 kind, w->path);
	return ar_text_check(text, w->name, w->status, w->where, e);
}

/* One buffer for the whole walk: nesting may be as deep as jansson allows. */
static int text_walk(json_t *value, size_t len, text_walk_ctx *w, ar_err *e)
{
	char index[32];
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(value))
		return ar_text_ok(json_string_value(value))
			       ? AR_OK : text_refused(w, "field", json_string_value(value), e);
	json_object_foreach(value, key, v) {
		path_append(w, len, len ? "." : "", key);
		if ((!ar_text_ok(key) && text_refused(w, "field name", key, e) != AR_OK) ||
		    text_walk(v, strlen(w->path), w, e) != AR_OK)
			return e->status;
	}
	json_array_foreach(value, i, v) {
		snprintf(index, sizeof index, "[%zu]", i);
		path_append(w, len, "", index);
		if (text_walk(v, strlen(w->path), w, e) != AR_OK)
			return e->status;
	}
	w->path[len] = '\0';
	return AR_OK;
}

int ar_json_text_check(json_t *value, const char *what, int status, const char *where,
		       ar_err *e)
{
	text_walk_ctx w = { .what = what, .where = where, .status = status };

	return text_walk(value, 0, &w, e);
}

char *ar_json_dump_compact(const json_t *value)
{
	return ar_text_escape_json(json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY));
}

char *ar_json_dump_pretty(const json_t *value)
{
	char *text = ar_text_escape_json(json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY));
	char *line;
	size_t n;

	if (!text)
		return NULL;
	n = strlen(text);
	line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

int ar_json_print(const json_t *doc, ar_err *e)
{
	char *text = doc ? ar_json_dump_pretty(doc) : NULL;

	if (!text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	fputs(text, stdout);
	free(text);
	return AR_OK;
}
