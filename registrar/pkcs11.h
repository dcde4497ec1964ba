/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's Ed25519 key in a PKCS#11 token, named by an RFC 7512 URI: p11-kit parses the
 * URI and loads the module (the URI's module-path, else p11-kit's configured modules); the
 * key signs there (CKM_EDDSA) and never leaves it. The PIN comes from the URI's pin-source
 * file or AIRREG_PKCS11_PIN, never from the URI itself (a command line is public). */
#ifndef REGISTRAR_PKCS11_H
#define REGISTRAR_PKCS11_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include "ar_limits.h"
#include "err.h"

/* PKCS#11 3.0's Ed25519 names; p11-kit's header has them since 0.23.20, older ones not. */
#ifndef CKK_EC_EDWARDS
#define CKK_EC_EDWARDS 0x40UL
#endif
#ifndef CKM_EC_EDWARDS_KEY_PAIR_GEN
#define CKM_EC_EDWARDS_KEY_PAIR_GEN 0x1055UL
#endif
#ifndef CKM_EDDSA
#define CKM_EDDSA 0x1057UL
#endif

typedef struct registrar_p11 registrar_p11;

/* Refuses a URI p11-kit does not parse, or one that holds a PIN (pin-value), with status
 * bad (2 on a command line, 5 in a file); where names it in the line (never the URI itself:
 * it may hold the PIN refused). */
int p11_uri_check(const char *uri, const char *where, int bad, ar_err *e);
/* A logged-in session on the token the URI names (pkcs11.c); uri and where must outlive it. */
struct registrar_p11 *p11_session_open(const char *uri, const char *where, int bad,
				       ar_err *e);
/* The Ed25519 key pair the URI names (object= and id=; neither: the label airreg-issuer):
 * found, or with generate made when the token holds none. pk: its public key (pkcs11_key.c). */
int p11_key_open(registrar_p11 *t, int generate, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e);
/* An ar_signer's sign: one signature at a time through the one session (serve's threads). */
int p11_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[AR_ED25519_SIG_BYTES],
	     ar_err *e);
/* Closes the session, finalizes the module; safe on NULL. */
void p11_close(registrar_p11 *t);

/* What both files share. */
struct registrar_p11 {
	const char *where;            /* --pkcs11 or issuer.pkcs11: what every error names */
	P11KitUri *parsed;
	CK_FUNCTION_LIST *module;     /* the one the token is in */
	CK_FUNCTION_LIST *loaded;     /* module-path: loaded alone */
	CK_FUNCTION_LIST **modules;   /* else p11-kit's configured modules */
	CK_SESSION_HANDLE session;
	int has_session;
	CK_OBJECT_HANDLE key;         /* the private key, once p11_key_open found it */
	pthread_mutex_t lock;         /* one operation at a time on the session */
};

#endif
