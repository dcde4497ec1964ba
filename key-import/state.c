/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ar_limits.h"
#include "fileio.h"
#include "json.h"

/* The numbers key-import reads back from its own files are integers in range: any other
 * value would read as 0 and silently drop the mark it carries (a serial, the trusted time). */
static int check_numbers(const char *name, json_t *doc, const char *path, ar_err *e)
{
	static const char *const resource[] = { "issuedAt", "notBefore", "expiresAt", NULL };
	static const char *const trusted[] = { "latestIssuedAt", "latestTrustedTime", NULL };
	const char *const *k = strcmp(name, AR_TRUSTED_TIME_FILE) == 0 ? trusted : resource;
	const char *key;
	json_t *v;
	json_int_t n;

	if (strcmp(name, AR_SERIALS_FILE) == 0) {
		json_object_foreach(doc, key, v)
			if (ar_json_int(doc, key, 1, 1, AR_MAX_SERIAL, &n, path, e) != AR_OK)
				return ar_fail(e, AR_EENV, path, "%s", e->msg);
		return AR_OK;
	}
	if (strcmp(name, AR_POLICY_MARK_FILE) == 0)
		return ar_json_int(doc, "serial", 1, 1, AR_MAX_SERIAL, &n, path, e) != AR_OK ?
			ar_fail(e, AR_EENV, path, "%s", e->msg) : AR_OK;
	if (strcmp(name, AR_LAST_CHECK_FILE) == 0)
		return ar_json_int(doc, "serial", 1, 1, AR_MAX_SERIAL, &n, path, e) != AR_OK ||
			!json_is_boolean(json_object_get(doc, "compliant")) ?
			ar_fail(e, AR_EENV, path, "not a verdict key-import wrote (damaged state: "
				"delete it, then run key-import check)") : AR_OK;
	if (strcmp(name, AR_ACTIVATION_FILE) == 0 &&
	    ar_json_int(doc, "serial", 0, 1, AR_MAX_SERIAL, &n, path, e) != AR_OK)
		return ar_fail(e, AR_EENV, path, "%s", e->msg);
	for (; *k; k++)
		if (ar_json_int(doc, *k, 0, 0, AR_MAX_TIMESTAMP, &n, path, e) != AR_OK)
			return ar_fail(e, AR_EENV, path, "%s", e->msg);
	return AR_OK;
}

static int read_json(const char *state_dir, const char *name, json_t **out, ar_err *e)
{
	char path[4096];
	uint8_t *data = NULL;
	size_t len = 0;

	*out = NULL;
	if (ar_join_path(path, sizeof path, state_dir, name, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(path))
		return AR_OK;
	if (ar_read_state_file(path, AR_MAX_INFLATED_BYTES, &data, &len, e) != AR_OK)
		return e->status == AR_EENV ? e->status : ar_fail(e, AR_EENV, path, "%s", e->msg);
	*out = ar_json_parse_object(data, len, path, e);
	free(data);
	/* our own file, unreadable: the state is damaged, not the input */
	if (*out && (ar_json_text_check(*out, "", AR_EENV, path, e) != AR_OK ||
		     check_numbers(name, *out, path, e) != AR_OK)) {
		json_decref(*out);
		*out = NULL;
		return e->status;
	}
	return *out ? AR_OK : ar_fail(e, AR_EENV, path, "%s", e->msg);
}

static int write_json(const char *state_dir, const char *name, json_t *value, ar_err *e)
{
	char path[4096], *text = ar_json_dump_pretty(value);
	int rc;

	if (!text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = ar_join_path(path, sizeof path, state_dir, name, e);
	if (rc == AR_OK)
		rc = ar_write_output(path, text, strlen(text), AR_WRITE_STATE, e);
	free(text);
	return rc;
}

int state_read_resource(const char *state_dir, json_t **resource, ar_err *e)
{
	return read_json(state_dir, AR_ACTIVATION_FILE, resource, e);
}

int state_write_resource(const char *state_dir, json_t *resource, ar_err *e)
{
	return write_json(state_dir, AR_ACTIVATION_FILE, resource, e);
}

int state_remove_resource(const char *state_dir, ar_err *e)
{
	char path[4096];

	if (ar_join_path(path, sizeof path, state_dir, AR_ACTIVATION_FILE, e) != AR_OK)
		return e->status;
	if (unlink(path) != 0)
		return ar_fail(e, AR_EENV, path, "cannot remove: %s", strerror(errno));
	/* durable before its receipt can go out (remove -o): a power cut after the workstation
	 * took the receipt must not bring the activation back */
	if (ar_sync_dir(path) != 0)
		return ar_fail(e, AR_EENV, path, "cannot sync directory: %s", strerror(errno));
	return AR_OK;
}

int state_read_last_check(const char *state_dir, json_t **verdict, ar_err *e)
{
	return read_json(state_dir, AR_LAST_CHECK_FILE, verdict, e);
}

int state_write_last_check(const char *state_dir, json_t *verdict, ar_err *e)
{
	return write_json(state_dir, AR_LAST_CHECK_FILE, verdict, e);
}

int state_policy_mark(const char *state_dir, json_t **mark, ar_err *e)
{
	json_t *resource = NULL;

	if (read_json(state_dir, AR_POLICY_MARK_FILE, mark, e) != AR_OK)
		return e->status;
	if (*mark)
		return AR_OK;
	if (state_read_resource(state_dir, &resource, e) != AR_OK)
		return e->status;
	if (resource && json_object_get(resource, "hostMatch"))
		*mark = json_pack("{s:O, s:O}", "registration",
				  json_object_get(resource, "registration"), "serial",
				  json_object_get(resource, "serial"));
	json_decref(resource);
	return AR_OK;
}

int state_set_policy_mark(const char *state_dir, const char *registration, long long serial,
			  ar_err *e)
{
	json_t *mark = NULL;
	int rc = AR_OK;

	if (read_json(state_dir, AR_POLICY_MARK_FILE, &mark, e) != AR_OK)
		return e->status;
	if (!mark) {
		mark = json_pack("{s:s, s:I}", "registration", registration, "serial",
				 (json_int_t)serial);
		rc = mark ? write_json(state_dir, AR_POLICY_MARK_FILE, mark, e)
			: ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	json_decref(mark);
	return rc;
}

int state_high_water(const char *state_dir, const char *registration, long long *serial,
		     ar_err *e)
{
	json_t *marks = NULL, *resource = NULL;
	const char *reg;
	int rc;

	*serial = 0;
	rc = read_json(state_dir, AR_SERIALS_FILE, &marks, e);
	if (rc == AR_OK)
		rc = state_read_resource(state_dir, &resource, e);
	if (rc == AR_OK) {
		*serial = state_field_int(marks, registration);
		reg = json_string_value(json_object_get(resource, "registration"));
		if (reg && strcmp(reg, registration) == 0 &&
		    state_field_int(resource, "serial") > *serial)
			*serial = state_field_int(resource, "serial");
	}
	json_decref(marks);
	json_decref(resource);
	return rc;
}

int state_raise_high_water(const char *state_dir, const char *registration, long long serial,
			   ar_err *e)
{
	json_t *marks = NULL;
	int rc = AR_OK;

	if (read_json(state_dir, AR_SERIALS_FILE, &marks, e) != AR_OK)
		return e->status;
	if (!marks)
		marks = json_object();
	if (state_field_int(marks, registration) < serial) {
		json_object_set_new(marks, registration, json_integer(serial));
		rc = write_json(state_dir, AR_SERIALS_FILE, marks, e);
	}
	json_decref(marks);
	return rc;
}

/* Only what the issuer signed counts: the latest `iat` in the mark and in the resource.
 * A file from an older key-import also holds latestTrustedTime (the clock at each
 * import) and the resource an importedAt: both were the local clock, never read here. */
int state_trusted_time(const char *state_dir, long long *trusted, ar_err *e)
{
	json_t *mark = NULL, *resource = NULL;
	int rc;

	*trusted = 0;
	rc = read_json(state_dir, AR_TRUSTED_TIME_FILE, &mark, e);
	if (rc == AR_OK)
		rc = state_read_resource(state_dir, &resource, e);
	if (rc == AR_OK) {
		*trusted = state_field_int(mark, "latestIssuedAt");
		if (state_field_int(resource, "issuedAt") > *trusted)
			*trusted = state_field_int(resource, "issuedAt");
	}
	json_decref(mark);
	json_decref(resource);
	return rc;
}

/* The file is written whole, in the current format, so an older file's clock field goes
 * with the first import. */
int state_raise_trusted_time(const char *state_dir, long long issued, ar_err *e)
{
	json_t *mark = NULL;
	int rc;

	if (read_json(state_dir, AR_TRUSTED_TIME_FILE, &mark, e) != AR_OK)
		return e->status;
	if (state_field_int(mark, "latestIssuedAt") > issued)
		issued = state_field_int(mark, "latestIssuedAt");
	json_decref(mark);
	mark = json_pack("{s:I}", "latestIssuedAt", (json_int_t)issued);
	if (!mark)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = write_json(state_dir, AR_TRUSTED_TIME_FILE, mark, e);
	json_decref(mark);
	return rc;
}

long long state_field_int(json_t *doc, const char *key)
{
	return (long long)json_integer_value(json_object_get(doc, key));
}

const char *state_field_text(json_t *doc, const char *key)
{
	const char *v = json_string_value(json_object_get(doc, key));

	return v ? v : "-";
}
