/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar config` and the registrar-wide settings it shows and sets: one row each in
 * the settings table; a setting with no row is its built-in default. Today one setting,
 * host-match: the policy a key carries when activation-key (or the API) names none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "commands.h"
#include "datadir.h"
#include "json.h"
#include "registry.h"
#include "store.h"
#include "text.h"

typedef struct {
	const char *name, *builtin;
	int (*check)(const char *value, const char *what, ar_err *e);
} setting;

static const setting settings[] = {
	{ REGISTRAR_SETTING_HOST_MATCH, AR_HOST_MATCH_DEFAULT, registrar_host_match_check },
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

/* A default is not yet a registration's: a count is checked against the hosts at issue. */
int registrar_host_match_check(const char *value, const char *what, ar_err *e)
{
	char *end = NULL;
	long n;

	if (strcmp(value, AR_HOST_MATCH_ALL) == 0 || strcmp(value, AR_HOST_MATCH_MOST) == 0 ||
	    strcmp(value, AR_HOST_MATCH_ANY) == 0)
		return AR_OK;
	if (value[0] >= '1' && value[0] <= '9' && (n = strtol(value, &end, 10)) >= 1 &&
	    *end == '\0' && n <= AR_MAX_HOSTS)
		return AR_OK;
	return ar_fail(e, AR_EUSAGE, NULL, "%s must be all, most, any or a count 1 to %d, not "
		       "\"%.20s\"", what, AR_MAX_HOSTS, value);
}

static const setting *find(const char *name)
{
	size_t i;

	for (i = 0; i < N_SETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

int registrar_setting_get(store *db, const char *name, char **value, ar_err *e)
{
	store_stmt *st;
	const char *v;
	int rc = AR_OK;

	*value = NULL;
	if (store_prepare(db, "SELECT value FROM settings WHERE name = ?", &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, name);
	if (store_step(st) == STORE_ROW && (v = store_column_text(st, 0)) &&
	    !(*value = strdup(v)))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	store_release(db, st);
	return rc;
}

int registrar_setting_set(store *db, const char *name, const char *value, const char *why,
			  ar_err *e)
{
	const setting *s = find(name);
	store_stmt *st;
	char *was = NULL, detail[160];
	int rc;

	if (!s)
		return ar_fail(e, AR_EINTERNAL, NULL, "no setting %s", name);
	rc = registrar_setting_get(db, name, &was, e);
	if (rc == AR_OK)
		rc = store_prepare(db, "INSERT INTO settings (name, value) VALUES (?1, ?2) "
				   "ON CONFLICT (name) DO UPDATE SET value = ?2", &st, e);
	if (rc == AR_OK) {
		store_bind_text(st, 1, name);
		store_bind_text(st, 2, value);
		rc = store_exec_step(db, st, e);
	}
	snprintf(detail, sizeof detail, "%s %s (was %s%s)%s", name, value, was ? was : s->builtin,
		 was ? "" : ", built in", why ? why : "");
	if (rc == AR_OK)
		rc = store_audit(db, "config", NULL, detail, e);
	free(was);
	return rc;
}

static json_t *setting_json(const setting *s, const char *value)
{
	return json_pack("{s:s, s:s, s:b}", "name", s->name, "value", value ? value : s->builtin,
			 "builtIn", !value);
}

/* With no name, every setting: "NAME VALUE" a line, " (built in)" after a default. */
static int show(store *db, const registrar_opts *o, const setting *one, ar_err *e)
{
	json_t *list = json_array();
	char *v = NULL;
	size_t i;
	int rc = list ? AR_OK : ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	for (i = 0; rc == AR_OK && i < N_SETTINGS; i++) {
		if (one && one != &settings[i])
			continue;
		rc = registrar_setting_get(db, settings[i].name, &v, e);
		if (rc == AR_OK && o->json)
			json_array_append_new(list, setting_json(&settings[i], v));
		else if (rc == AR_OK && one)
			printf("%s\n", ar_text_shown(v ? v : one->builtin));
		else if (rc == AR_OK)
			printf("%s %s%s\n", settings[i].name, ar_text_shown(v ? v : settings[i].builtin),
			       v ? "" : " (built in)");
		free(v);
		v = NULL;
	}
	if (rc == AR_OK && o->json && one)
		rc = ar_json_print(json_array_get(list, 0), e);
	else if (rc == AR_OK && o->json) {
		json_t *doc = json_pack("{s:O}", "settings", list);

		rc = ar_json_print(doc, e);
		json_decref(doc);
	}
	json_decref(list);
	return rc;
}

/* *was: the value before (NULL: the built-in default); nothing written when it is value. */
static int set(store *db, const setting *s, const char *value, char **was, ar_err *e)
{
	int rc = registrar_setting_get(db, s->name, was, e);

	if (rc == AR_OK && !(*was && strcmp(*was, value) == 0))
		rc = registrar_setting_set(db, s->name, value, NULL, e);
	return rc;
}

int cmd_config_run(const registrar_opts *o, ar_err *e)
{
	const setting *s = NULL;
	store *db = NULL;
	char *was = NULL;
	int rc;

	if (o->setting && !(s = find(o->setting)))
		return ar_fail(e, AR_EUSAGE, NULL, "unknown setting \"%s\" (registrar config "
			       "shows them all)", o->setting);
	if (o->value && o->json)
		return ar_fail(e, AR_EUSAGE, NULL, "--json shows settings; config %s %s sets one",
			       s->name, o->value);
	if (o->value && s->check(o->value, s->name, e) != AR_OK)
		return e->status;
	rc = store_open(registrar_data_dir(o), 0, &db, e);
	if (rc == AR_OK && !o->value)
		rc = show(db, o, s, e);
	else if (rc == AR_OK && (rc = store_begin(db, e)) == AR_OK)
		rc = store_end(db, set(db, s, o->value, &was, e), e);
	/* told once the change is committed */
	if (rc == AR_OK && o->value && was && strcmp(was, o->value) == 0)
		printf(PROGRAM ": %s is %s already, nothing changed\n", s->name, o->value);
	else if (rc == AR_OK && o->value)
		printf(PROGRAM ": %s %s (was %s%s)\n", s->name, o->value, was ? was : s->builtin,
		       was ? "" : ", built in");
	free(was);
	return store_close(db, rc, e);
}
