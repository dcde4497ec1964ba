/* SPDX-License-Identifier: Apache-2.0 */
/* Where the registrar's data directory is, and the issuer key it holds. */
#ifndef REGISTRAR_DATADIR_H
#define REGISTRAR_DATADIR_H

#include "commands.h"
#include "err.h"
#include "keys.h"

/* The data directory: --data-dir, else $AIRREG_DATA_DIR, else the default. */
const char *registrar_data_dir(const registrar_opts *o);
/* DATA_DIR/issuer.key into secure memory. */
int registrar_load_issuer(const registrar_opts *o, ar_keypair *issuer, ar_err *e);

#endif
