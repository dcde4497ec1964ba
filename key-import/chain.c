/* SPDX-License-Identifier: Apache-2.0 */
#include "chain.h"

int chain_update(const char *state_dir, const char *text, size_t len, const char *where,
		 ar_err *e)
{
	(void)state_dir;
	(void)text;
	(void)len;
	return ar_fail(e, AR_EINTERNAL, where, "rotation statements: not built yet");
}

int chain_lookup(const char *state_dir, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES],
		 ar_err *e)
{
	(void)state_dir;
	(void)pk;
	return ar_fail(e, AR_EINPUT, NULL, "issuer key %s is not trusted here (key-import trust "
		       "add)", kid);
}
