/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import remove`: the activation resource goes; its serial's mark stays. */
#include <stdio.h>

#include "commands.h"
#include "fileio.h"
#include "stamp.h"
#include "state.h"
#include "text.h"

int cmd_remove_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	json_t *r = NULL;
	int lock = -1, rc;

	rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = ar_lock_dir(dir, &lock, e);
	if (rc == AR_OK)
		rc = state_read_resource(dir, &r, e);
	if (rc == AR_OK && !r)
		rc = ar_fail(e, AR_EINPUT, dir, "no activation resource to remove (Not registered)");
	/* the mark first: once the resource is gone, it alone stops an old key */
	if (rc == AR_OK)
		rc = state_raise_high_water(dir, state_field_text(r, "registration"),
					    state_field_int(r, "serial"), e);
	if (rc == AR_OK)
		rc = state_remove_resource(dir, e);
	if (rc == AR_OK)
		printf(PROGRAM ": removed the activation of %s (CloudId %s, serial %lld); "
		       "keys up to serial %lld stay refused\n",
		       ar_text_shown(state_field_text(r, "registration")),
		       ar_text_shown(state_field_text(r, "cloudId")), state_field_int(r, "serial"),
		       state_field_int(r, "serial"));
	ar_unlock(lock);
	json_decref(r);
	return rc;
}
