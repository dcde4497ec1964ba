/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer key's rotation on the workstation (rotate.c): what registrar_issuer_open asks
 * before it opens the key, and what export-issuer-key --chain writes. */
#ifndef REGISTRAR_ROTATE_H
#define REGISTRAR_ROTATE_H

#include <stdint.h>

#include "ar_limits.h"
#include "commands.h"
#include "err.h"
#include "store.h"

/* A rotation committed to the database but stopped before its staged files
 * (issuer.key.new or issuer.pkcs11.new, issuer.pub.new) were renamed into place: finished
 * now. Staged files the database does not name are left (rotate-issuer-key removes them);
 * none at all, or no database, is AR_OK at once. */
int registrar_rotation_finish(const char *data_dir, ar_err *e);
/* The last key issuer_keys holds (*version 0: none); the version it gives kid (0: none). */
int registrar_issuer_last(store *db, long long *version, char kid[AR_THUMBPRINT_CHARS + 1],
			  ar_err *e);
int registrar_issuer_version(store *db, const char *kid, long long *version, ar_err *e);
/* AR_OK unless pk is an issuer key a rotation replaced (AR_EENV, saying which): a server
 * given a copy of the data directory before a rotation elsewhere, or a serve started
 * before one, would sign with it. Inside the caller's transaction. */
int registrar_issuer_not_replaced(store *db, const uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e);
/* export-issuer-key --chain: every rotation statement, in version order. */
int registrar_export_chain(const registrar_opts *o, ar_err *e);

#endif
