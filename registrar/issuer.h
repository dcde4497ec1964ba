/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer key the registrar signs with: a file (DATA_DIR/issuer.key, read into secure
 * memory) or a key in a PKCS#11 token that never leaves it (DATA_DIR/issuer.pkcs11 names it).
 * Everything that signs as the issuer goes through a registrar_issuer's signer. */
#ifndef REGISTRAR_ISSUER_H
#define REGISTRAR_ISSUER_H

#include "commands.h"
#include "err.h"
#include "jws.h"

typedef struct registrar_issuer registrar_issuer;

/* The data directory's issuer key, ready to sign. A token's key must be issuer.pub's
 * (exit 5); issuer.key and issuer.pkcs11 both present: exit 5 (damaged). */
int registrar_issuer_open(const registrar_opts *o, registrar_issuer **out, ar_err *e);
/* The same in dir; check 0 leaves issuer.pub unread (an interrupted init may not have
 * written it yet). */
int registrar_issuer_open_in(const char *dir, int check, registrar_issuer **out, ar_err *e);
/* Refuses (exit 2) a --pkcs11 URI that does not parse or holds a PIN, before anything is
 * made or written. */
int registrar_issuer_check_uri(const char *pkcs11_uri, ar_err *e);
/* A new issuer key: in secure memory (pkcs11_uri NULL) or made in the token the URI names.
 * Nothing is written until registrar_issuer_save(). */
int registrar_issuer_generate(const char *pkcs11_uri, registrar_issuer **out, ar_err *e);
/* Writes what holds or names the key into dir: issuer.key (0600) or issuer.pkcs11, then
 * issuer.pub, each name followed by suffix ("" in place; ".new" for a rotation's staging).
 * An existing file is refused unless force. */
int registrar_issuer_save(const registrar_issuer *iss, const char *dir, const char *suffix,
			  int force, ar_err *e);
/* 1 for a key in a token (issuer.pkcs11), 0 for a file key (issuer.key). */
int registrar_issuer_is_token(const registrar_issuer *iss);
/* Thread-safe: serve's threads sign at once through one. */
const ar_signer *registrar_issuer_signer(const registrar_issuer *iss);
/* Wipes the secret or closes the token's session; safe on NULL. */
void registrar_issuer_close(registrar_issuer *iss);

#endif
