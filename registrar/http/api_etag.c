/* SPDX-License-Identifier: Apache-2.0 */
/* A registration's etag, and the conditional requests on it (RFC 9110 13.1: If-Match,
 * If-None-Match), so that two clients cannot overwrite each other unseen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "codec.h"
#include "json.h"
#include "registry.h"

/* Of the CLI's record of the registration (serials, status, times, the token's SHA-256),
 * so that any change a client could see, whichever api-version it reads, changes the tag.
 * Without its hosts, which lists leave out: they change only with the token. */
void api_etag_of(json_t *row, char out[AR_API_ETAG_HEX + 3])
{
	json_t *copy = json_copy(row);
	char *text, hex[65];

	json_object_del(copy, "hosts");
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);

	ar_sha256_hex((const uint8_t *)(text ? text : ""), text ? strlen(text) : 0, hex);
	snprintf(out, AR_API_ETAG_HEX + 3, "\"%.*s\"", AR_API_ETAG_HEX, hex);
	free(text);
}

/* ARM's contract: a GET after a DELETE is 404. The workstation keeps an unregistered
 * registration's record (its name stays bound to its CloudId: `registrar show`), but to an
 * ARM client it is gone. */
json_t *api_live_registration(store *db, const char *name, ar_err *e)
{
	json_t *row = registrar_registration_json(db, name, e);
	const char *status = json_string_value(json_object_get(row, "status"));

	if (!row || (status && strcmp(status, "Registered") == 0))
		return row;
	/* Unregistered, or Deactivated by the stamp's receipt: said as the CLI says it */
	ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s is %s (its record stays on the "
		"workstation: registrar show %s)", name,
		status && strcmp(status, "Deactivated") == 0 ? "deactivated" : "unregistered", name);
	json_decref(row);
	ar_err_code(e, "RegistrationNotFound");
	return NULL;
}

int api_registration_etag(store *db, const char *name, char out[AR_API_ETAG_HEX + 3], ar_err *e)
{
	json_t *row = api_live_registration(db, name, e);

	out[0] = '\0';
	if (!row)
		return strcmp(e->code, "RegistrationNotFound") == 0 ? AR_OK : e->status;
	api_etag_of(row, out);
	json_decref(row);
	return AR_OK;
}

/* Whether the header's list (RFC 9110: "*" or entity tags, comma-separated) names etag:
 * 1 yes, 0 no, -1 not such a list. Weak tags match only where weak is allowed. Empty
 * elements are skipped (RFC 9110 5.6.1.2: a recipient must accept them; two header lines
 * are joined with ", " and one of them may be empty), but a list of nothing is refused, as
 * an empty header is most likely a client's unset variable, not a wish. */
static int list_names(const char *list, const char *etag, int weak_ok)
{
	const char *p = list, *tag, *end;
	size_t len, count = 0;
	int found = 0, weak;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return count ? found : -1;
		if (*p == '*' && strspn(p + 1, " \t") == strlen(p + 1))
			return count == 0 && etag[0] ? 1 : count == 0 ? 0 : -1;
		weak = strncmp(p, "W/", 2) == 0;
		tag = p + (weak ? 2 : 0);
		if (*tag != '"' || !(end = strchr(tag + 1, '"')))
			return -1;
		len = (size_t)(end - tag) + 1;
		if (len > 64 || ++count > AR_API_MAX_ETAGS)
			return -1;
		/* etag is "" (none) or unquoted (a resource without tags) when no tag can match */
		if ((!weak || weak_ok) && etag[0] == '"' && strlen(etag) == len &&
		    memcmp(tag, etag, len) == 0)
			found = 1;
		p = end + 1 + strspn(end + 1, " \t");
		if (*p != '\0' && *p++ != ',')
			return -1;
	}
}

/* etag: the resource's ("\"HEX\""), API_UNTAGGED for one that exists but has no etag (a
 * customer subscription: If-Match: * and If-None-Match: * still mean something), or "";
 * what names the resource in the refusals. */
int api_preconditions_of(const api_request *rq, const char *etag, const char *what,
			 int *not_modified, ar_err *e)
{
	int reading = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
	int match = rq->if_match ? list_names(rq->if_match, etag, 0) : 1;
	int none = rq->if_none_match ? list_names(rq->if_none_match, etag, 1) : 0;

	*not_modified = 0;
	if (match < 0 || none < 0)
		return (ar_fail(e, AR_EINPUT, NULL, "If-Match and If-None-Match take \"*\" or at "
				"most %d entity tags (\"...\"), comma-separated", AR_API_MAX_ETAGS),
			ar_err_code(e, "InvalidPreconditionHeader"));
	if (!match && !etag[0])
		return (ar_fail(e, AR_EINPUT, NULL, "If-Match: there is no such %s", what),
			ar_err_code(e, "PreconditionFailed"));
	if (!match && etag[0] != '"')
		return (ar_fail(e, AR_EINPUT, NULL, "If-Match: a %s has no etag (only \"*\" "
				"can match it)", what),
			ar_err_code(e, "PreconditionFailed"));
	if (!match)
		return (ar_fail(e, AR_EINPUT, NULL, "If-Match: the %s's etag is now %s", what,
				etag),
			ar_err_code(e, "PreconditionFailed"));
	if (none && reading) {
		*not_modified = 1;
		return AR_OK;
	}
	if (none && etag[0] != '"')
		return (ar_fail(e, AR_EINPUT, NULL, "If-None-Match: the %s exists", what),
			ar_err_code(e, "PreconditionFailed"));
	if (none)
		return (ar_fail(e, AR_EINPUT, NULL, "If-None-Match: the %s exists (etag %s)",
				what, etag),
			ar_err_code(e, "PreconditionFailed"));
	return AR_OK;
}

int api_preconditions(const api_request *rq, const char *etag, int *not_modified, ar_err *e)
{
	return api_preconditions_of(rq, etag, "registration", not_modified, e);
}

int api_write_preconditions(store *db, const char *name, const api_request *rq, ar_err *e)
{
	char etag[AR_API_ETAG_HEX + 3];
	int not_modified;

	if (!rq->if_match && !rq->if_none_match)
		return AR_OK;  /* the common case reads nothing more */
	if (api_registration_etag(db, name, etag, e) != AR_OK)
		return e->status;
	return api_preconditions(rq, etag, &not_modified, e);
}
