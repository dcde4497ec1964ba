/* SPDX-License-Identifier: Apache-2.0 */
#include "ar_limits.h"
#include "datadir.h"
#include "fileio.h"

const char *registrar_data_dir(const registrar_opts *o)
{
	return ar_choose_dir(o->data_dir, AR_DATA_DIR_ENV, AR_DATA_DIR_DEFAULT);
}

int registrar_load_issuer(const registrar_opts *o, ar_keypair *issuer, ar_err *e)
{
	char path[4096];

	if (ar_join_path(path, sizeof path, registrar_data_dir(o), AR_ISSUER_KEY_FILE, e) != AR_OK)
		return e->status;
	return ar_key_load_private(path, issuer, e);
}
