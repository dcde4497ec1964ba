/* SPDX-License-Identifier: Apache-2.0 */
/* `token-gen init`: the stamp's identity (stamp key and CloudId), made on purpose, once.
 * Every other verb refuses a directory without one, so a mistyped --state-dir is an
 * error instead of a second stamp that the registrar would take for another. */
#include <stdio.h>

#include "ar_limits.h"
#include "commands.h"
#include "stamp.h"
#include "text.h"

int cmd_init_run(const tokengen_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	ar_stamp stamp;

	if (ar_stamp_init(dir, o->cloud_id, &stamp, e) != AR_OK)
		return e->status;
	/* what the operator records: the registrar will show this CloudId and key */
	printf(PROGRAM ": new stamp identity in %s: CloudId %s, stamp key %s (%s, %s, %s)\n",
	       ar_text_shown(dir), stamp.cloud_id, stamp.kid, AR_STAMP_KEY_FILE,
	       AR_STAMP_PUB_FILE, AR_CLOUD_ID_FILE);
	ar_stamp_close(&stamp);
	return AR_OK;
}
