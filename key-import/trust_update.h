/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import trust update FILE`: a rotation statement, a chain of them, or a revocation
 * list, told apart by what the file is; and the same files found beside a key imported. */
#ifndef KEYIMPORT_TRUST_UPDATE_H
#define KEYIMPORT_TRUST_UPDATE_H

#include "err.h"

/* Under the state directory's lock. */
int trust_update(const char *state_dir, const char *file, ar_err *e);
/* import KEY: ISSUER_CHAIN_FILE and REVOCATION_LIST_FILE in KEY's directory, when there,
 * taken as trust update takes them, before the key is judged. Nothing for "-". */
int trust_update_beside(const char *state_dir, const char *key_path, ar_err *e);

#endif
