/* SPDX-License-Identifier: Apache-2.0 */
/* The key imported, and the activation removed, by key-import's own code: every check and
 * rule of `key-import FILE` and `key-import remove` holds over the connection as for files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../key-import/commands.h"
#undef PROGRAM
#include "connect.h"
#include "stamp.h"
#include "fileio.h"
#include "state.h"
#include "trust.h"
#include "text.h"
#include "when.h"

static void opts_of(const connect_opts *o, keyimport_opts *k)
{
	memset(k, 0, sizeof *k);
	k->state_dir = o->state_dir;
	k->now = o->now;
}

int stamp_import_key(const connect_opts *o, const char *text, size_t len, const char *where,
		     ar_err *e)
{
	keyimport_opts k;
	import_outcome out;
	char exp[AR_WHEN_CHARS + 1];

	opts_of(o, &k);
	k.registration = o->name; /* the registration asked for, not one a server chose */
	if (import_text(&k, text, len, where, &out, e) != AR_OK)
		return e->status;
	ar_format_when(out.expires_at, o->now, exp);
	if (out.same)
		printf(PROGRAM ": the activation key of %s was imported already, nothing changed: "
		       "serial %lld, expires %s\n", ar_text_shown(out.registration), out.serial, exp);
	else
		printf(PROGRAM ": imported the activation key of %s: serial %lld, expires %s\n",
		       ar_text_shown(out.registration), out.serial, exp);
	return AR_OK;
}

int stamp_trusts(const connect_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	char kid[1][AR_THUMBPRINT_CHARS + 1], path[4096];
	size_t n = 0;

	if (trust_kids(dir, kid, 1, &n, e) != AR_OK)
		return e->status;
	if (n)
		return AR_OK;
	if (ar_join_path(path, sizeof path, dir, AR_TRUST_DIR, e) != AR_OK)
		return e->status;
	return ar_fail(e, AR_EENV, path, "no trusted issuer key: no activation key could be "
		       "imported; key-import trust add issuer.pub first (nothing sent)");
}

int stamp_held(const connect_opts *o, int *held, char name[AR_MAX_HOST_NAME_CHARS + 1],
	       long long *serial, ar_err *e)
{
	json_t *r = NULL;

	*held = 0;
	if (state_read_resource(ar_stamp_dir(o->state_dir), &r, e) != AR_OK)
		return e->status;
	if (r) {
		*held = 1;
		snprintf(name, AR_MAX_HOST_NAME_CHARS + 1, "%s", state_field_text(r, "registration"));
		*serial = state_field_int(r, "serial");
	}
	json_decref(r);
	return AR_OK;
}

int stamp_remove(const connect_opts *o, char **receipt, char name[AR_MAX_HOST_NAME_CHARS + 1],
		 long long *serial, ar_err *e)
{
	keyimport_opts k;
	ar_receipt kept = { 0 };
	json_t *r = NULL;
	char when[AR_TIME_CHARS + 1];
	const char *sub;

	opts_of(o, &k);
	if (remove_for_receipt(&k, o->name, &r, receipt, &kept, e) != AR_OK)
		return e->status;
	sub = r ? state_field_text(r, "registration") : ar_receipt_text(&kept, "registration");
	snprintf(name, AR_MAX_HOST_NAME_CHARS + 1, "%s", sub);
	*serial = r ? state_field_int(r, "serial") : ar_receipt_int(&kept, "serial");
	if (r)
		printf(PROGRAM ": removed the activation of %s (CloudId %s, serial %lld); keys up to "
		       "serial %lld stay refused\n", ar_text_shown(sub),
		       ar_text_shown(state_field_text(r, "cloudId")), state_field_int(r, "serial"),
		       state_field_int(r, "serial"));
	else
		printf(PROGRAM ": no activation to remove; sending the receipt of the removal of "
		       "serial %lld of %s (%s) again\n", ar_receipt_int(&kept, "serial"),
		       ar_text_shown(sub), ar_format_time(ar_receipt_int(&kept, "removedAt"), when));
	json_decref(r);
	ar_receipt_free(&kept);
	return AR_OK;
}
