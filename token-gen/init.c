/* SPDX-License-Identifier: Apache-2.0 */
/* `token-gen init`: the stamp's identity (stamp key and CloudId), made on purpose, once.
 * Every other verb refuses a directory without one, so a mistyped --state-dir is an
 * error instead of a second stamp that the registrar would take for another. */
#include <stdio.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "placeholder.h"
#include "stamp.h"
#include "text.h"

int cmd_init_run(const tokengen_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	char uuid[37];
	const char *why;
	ar_stamp stamp;

	/* a placeholder would be shared by every stamp given it: the probe refuses it too */
	if (o->cloud_id && ar_uuid_normalize(o->cloud_id, uuid) == 0 &&
	    (why = hw_uuid_placeholder_reason(uuid)) != NULL)
		return ar_fail(e, AR_EUSAGE, NULL, "--cloud-id %s is %s; give this stamp's own "
			       "UUID, or none for a random one", uuid, why);
	if (ar_stamp_init(dir, o->cloud_id, &stamp, e) != AR_OK)
		return e->status;
	/* what the operator records: the registrar will show this CloudId and key */
	printf(PROGRAM ": new stamp identity in %s: CloudId %s, stamp key %s (%s, %s, %s)\n",
	       ar_text_shown(dir), stamp.cloud_id, stamp.kid, AR_STAMP_KEY_FILE,
	       AR_STAMP_PUB_FILE, AR_CLOUD_ID_FILE);
	ar_stamp_close(&stamp);
	return AR_OK;
}
