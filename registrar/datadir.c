/* SPDX-License-Identifier: Apache-2.0 */
#include "ar_limits.h"
#include "datadir.h"
#include "fileio.h"

const char *registrar_data_dir(const registrar_opts *o)
{
	return ar_choose_dir(o->data_dir, AR_DATA_DIR_ENV, AR_DATA_DIR_DEFAULT);
}
