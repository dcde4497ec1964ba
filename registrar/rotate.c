/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar rotate-issuer-key` and `export-issuer-key --chain` (issue 19, part 2). */
#include "commands.h"

int cmd_rotate_issuer_key_run(const registrar_opts *o, ar_err *e)
{
	(void)o;
	return ar_fail(e, AR_EINTERNAL, NULL, "rotate-issuer-key: not built yet");
}
