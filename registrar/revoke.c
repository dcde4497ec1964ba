/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar revoke` (issue 19, part 3). */
#include "commands.h"

int cmd_revoke_run(const registrar_opts *o, ar_err *e)
{
	(void)o;
	return ar_fail(e, AR_EINTERNAL, NULL, "revoke: not built yet");
}
