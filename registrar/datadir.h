/* SPDX-License-Identifier: Apache-2.0 */
/* Where the registrar's data directory is. */
#ifndef REGISTRAR_DATADIR_H
#define REGISTRAR_DATADIR_H

#include "commands.h"
#include "err.h"

/* The data directory: --data-dir, else $AIRREG_DATA_DIR, else the default. */
const char *registrar_data_dir(const registrar_opts *o);

#endif
