/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import remove`: the activation resource goes; its serial's mark stays; a receipt of
 * the removal, signed with the stamp key, is kept and (-o, --qr) written for the workstation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "commands.h"
#include "fileio.h"
#include "qr.h"
#include "receipt_out.h"
#include "stamp.h"
#include "state.h"
#include "text.h"

/* Under the lock: the mark first (once the resource is gone, it alone stops an old key),
 * then the receipt (so that a removal never happens without one), then the resource. */
static int remove_locked(const char *dir, const ar_stamp *stamp, json_t *r, long long now,
			 char **compact, ar_err *e)
{
	int rc = state_raise_high_water(dir, state_field_text(r, "registration"),
					state_field_int(r, "serial"), e);

	if (rc == AR_OK)
		rc = receipt_make(dir, stamp, r, now, compact, e);
	if (rc == AR_OK)
		rc = state_remove_resource(dir, e);
	return rc;
}

static void report_removed(FILE *out, json_t *r, int written)
{
	fprintf(out, PROGRAM ": removed the activation of %s (CloudId %s, serial %lld); "
		"keys up to serial %lld stay refused\n",
		ar_text_shown(state_field_text(r, "registration")),
		ar_text_shown(state_field_text(r, "cloudId")), state_field_int(r, "serial"),
		state_field_int(r, "serial"));
	if (!written)
		fprintf(out, PROGRAM ": no receipt written: " PROGRAM " remove -o RECEIPT writes "
			"it for the workstation (registrar unregister --receipt RECEIPT)\n");
}

static void report_again(FILE *out, const ar_receipt *kept)
{
	char when[AR_TIME_CHARS + 1];

	fprintf(out, PROGRAM ": no activation to remove; wrote the receipt of the removal of "
		"serial %lld of %s (%s) again\n", ar_receipt_int(kept, "serial"),
		ar_text_shown(ar_receipt_text(kept, "registration")),
		ar_format_time(ar_receipt_int(kept, "removedAt"), when));
}

/* The stamp opened (its key signs the receipt), then the state directory locked and the
 * activation read: ar_stamp_open takes and releases the lock itself, before ours. */
static int open_locked(const char *dir, ar_stamp *stamp, int *lock, json_t **r, ar_err *e)
{
	int rc = ar_stamp_open(dir, stamp, e);

	if (rc == AR_OK)
		rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = ar_lock_dir(dir, lock, e);
	if (rc == AR_OK)
		rc = state_read_resource(dir, r, e);
	return rc;
}

/* The activation held, of name when one is given (another: refused, nothing changed). */
static int held_of(const char *dir, const char *name, json_t *r, ar_err *e)
{
	if (!r || !name || strcmp(state_field_text(r, "registration"), name) == 0)
		return AR_OK;
	return ar_fail(e, AR_EINPUT, dir, "the activation here is of %s, not %s: nothing removed",
		       ar_text_shown(state_field_text(r, "registration")), ar_text_shown(name));
}

int remove_for_receipt(const keyimport_opts *o, const char *name, json_t **removed,
		       char **compact, ar_receipt *kept, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	json_t *r = NULL;
	ar_stamp stamp;
	int lock = -1, rc;

	memset(&stamp, 0, sizeof stamp);
	*compact = NULL;
	*removed = NULL;
	rc = open_locked(dir, &stamp, &lock, &r, e);
	if (rc == AR_OK)
		rc = held_of(dir, name, r, e);
	if (rc == AR_OK && r)
		rc = remove_locked(dir, &stamp, r, o->now, compact, e);
	else if (rc == AR_OK)
		rc = receipt_read_kept(dir, &stamp, compact, kept, e);
	if (rc == AR_OK && !*compact)
		rc = ar_fail(e, AR_EINPUT, dir, "no activation resource to remove (Not registered)");
	else if (rc == AR_OK && !r && name && strcmp(ar_receipt_text(kept, "registration"), name))
		rc = ar_fail(e, AR_EINPUT, dir, "no activation resource to remove (Not registered); "
			     "the receipt kept is of %s, not %s",
			     ar_text_shown(ar_receipt_text(kept, "registration")), ar_text_shown(name));
	ar_unlock(lock);
	if (rc != AR_OK) {
		free(*compact);
		*compact = NULL;
	}
	ar_stamp_close(&stamp);
	if (rc == AR_OK)
		*removed = r;
	else
		json_decref(r);
	return rc;
}

/* A writer's failure after the removal: the line says what happened and the way out. */
static int removed_but(ar_err *e)
{
	ar_err first = *e;

	return ar_fail(e, first.status, first.where[0] ? first.where : NULL, "%s (the activation "
		       "was removed and its receipt kept: key-import remove -o FILE writes it "
		       "again)", first.msg);
}

int cmd_remove_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	int writes = o->output || o->qr, lock = -1, removed, rc;
	FILE *report = ar_qr_status_stream(o->output, o->qr);
	ar_receipt kept = { 0 };
	char *compact = NULL;
	json_t *r = NULL;
	ar_stamp stamp;

	memset(&stamp, 0, sizeof stamp);
	/* a refused output leaves everything as it was: checked before the lock */
	rc = receipt_check_outputs(dir, o->output, o->qr, e);
	if (rc == AR_OK)
		rc = open_locked(dir, &stamp, &lock, &r, e);
	if (rc == AR_OK && r)
		rc = remove_locked(dir, &stamp, r, o->now, &compact, e);
	else if (rc == AR_OK && writes)
		rc = receipt_read_kept(dir, &stamp, &compact, &kept, e);
	if (rc == AR_OK && !r && !compact && !writes && receipt_kept(dir))
		rc = ar_fail(e, AR_EINPUT, dir, "no activation resource to remove (Not registered); "
			     "the receipt of the last removal is kept: key-import remove -o RECEIPT "
			     "writes it again");
	else if (rc == AR_OK && !r && !compact)
		rc = ar_fail(e, AR_EINPUT, dir, "no activation resource to remove (Not registered)");
	ar_unlock(lock);
	removed = rc == AR_OK && r;
	if (removed)
		report_removed(report, r, writes);
	else if (rc == AR_OK)
		report_again(report, &kept);
	if (rc == AR_OK && writes)
		rc = receipt_write(o->output, o->qr, compact,
				   r ? state_field_text(r, "registration")
				     : ar_receipt_text(&kept, "registration"),
				   r ? state_field_int(r, "serial") : ar_receipt_int(&kept, "serial"),
				   report, e);
	if (rc != AR_OK && removed)
		rc = removed_but(e);
	ar_stamp_close(&stamp);
	ar_receipt_free(&kept);
	free(compact);
	json_decref(r);
	return rc;
}
