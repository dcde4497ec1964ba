/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's hardware policy as activation-key and the API's getactivationkey apply it:
 * the registrar-wide default (registrar config host-match) when the issuer names none, and
 * the refusal of a policy the key's hosts could never meet (docs/spec.md, "Matching
 * hosts"): a key a stamp can never be in compliance with is no key to issue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "hostkey.h"
#include "registry.h"

int registrar_default_host_match(store *db, const char *name, size_t n_hosts, const char *what,
				 json_t **claim, ar_err *e)
{
	char *v = NULL;
	int rc = registrar_setting_get(db, REGISTRAR_SETTING_HOST_MATCH, &v, e);

	*claim = NULL;
	if (rc != AR_OK || !v)  /* none set: the built-in default */
		return rc;
	if (registrar_host_match_check(v, REGISTRAR_SETTING_HOST_MATCH, e) != AR_OK)
		rc = ar_fail(e, AR_EENV, NULL, "the settings table holds host-match \"%.20s\", no "
			     "policy (registrar config host-match POLICY sets one)", v);
	/* a count the registration cannot reach: the issuer chose a policy that does not fit
	 * it, and weakening it silently would issue a key the issuer never meant */
	else if (v[0] >= '1' && v[0] <= '9' && strtoul(v, NULL, 10) > n_hosts)
		rc = (ar_fail(e, AR_EINPUT, NULL, "%s has %zu host%s, fewer than the default policy "
			      "host-match %s asks for (registrar config host-match): give %s, or "
			      "change the default", name, n_hosts, n_hosts == 1 ? "" : "s", v, what),
		      ar_err_code(e, "InvalidHostMatch"));
	else if (ar_host_match_parse(v, REGISTRAR_SETTING_HOST_MATCH, n_hosts, claim, e) != AR_OK)
		rc = e->status;
	free(v);
	return rc;
}

/* The rule of "Matching hosts": a host is found by its UUID, or by both serials together;
 * one serial alone, or none, never finds it. */
static int matchable(json_t *host)
{
	return json_object_get(host, "uuid") ||
	       (json_object_get(host, "serial") && json_object_get(host, "boardSerial"));
}

int registrar_host_match_reachable(const char *name, json_t *claims, ar_err *e)
{
	json_t *hosts = json_object_get(claims, "hosts"), *m = json_object_get(claims, "hostMatch");
	const char *word = json_string_value(m);
	size_t n = json_array_size(hosts), can = 0, need, i, used = 0;
	char never[160] = "", policy[24];
	json_t *h;

	json_array_foreach(hosts, i, h) {
		const char *hn = json_string_value(json_object_get(h, "name"));

		if (matchable(h)) {
			can++;
			continue;
		}
		/* the first few names, then an ellipsis: the line stays one line */
		if (used + strlen(hn ? hn : "?") + 8 < sizeof never)
			used += (size_t)snprintf(never + used, sizeof never - used, "%s%s",
						 used ? ", " : "", hn ? hn : "?");
		else if (!strstr(never, ", ..."))
			used += (size_t)snprintf(never + used, sizeof never - used, ", ...");
	}
	if (!word) {
		need = (size_t)json_integer_value(m);
		snprintf(policy, sizeof policy, "%zu", need);
	} else {
		need = strcmp(word, AR_HOST_MATCH_ALL) == 0 ? n
		       : strcmp(word, AR_HOST_MATCH_ANY) == 0 ? 1 : n / 2 + 1;
		snprintf(policy, sizeof policy, "%s", word);
	}
	if (need <= can)
		return AR_OK;
	ar_fail(e, AR_EINPUT, NULL, "%s: host-match %s needs %zu of %zu hosts found, and only %zu "
		"can ever be: %s %s no UUID, nor both serials, that a stamp can match (probe %s "
		"again, or choose a policy they can meet)", name, policy, need, n, can, never,
		n - can == 1 ? "has" : "have", n - can == 1 ? "it" : "them");
	return ar_err_code(e, "InvalidHostMatch");
}
