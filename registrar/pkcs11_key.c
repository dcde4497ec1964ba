/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's key pair inside the token: found by the URI's object= and id= (or made there,
 * sensitive and not extractable), its public key read from CKA_EC_POINT, and signatures
 * (CKM_EDDSA, pure Ed25519) made there one at a time. */
#include "pkcs11.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <sodium.h>
#include <string.h>

#include <p11-kit/p11-kit.h>

#define MAX_EC_POINT 128 /* the DER OCTET STRING of a 32-byte point, with room for Ed448's */

static const char *rv_text(CK_RV rv)
{
	const char *s = p11_kit_strerror(rv);

	return s ? s : "unknown error";
}

/* What names the key in the URI: its label and id; neither given, the default label. */
static CK_ULONG name_attrs(registrar_p11 *t, CK_ATTRIBUTE out[2])
{
	CK_ATTRIBUTE *label = p11_kit_uri_get_attribute(t->parsed, CKA_LABEL);
	CK_ATTRIBUTE *id = p11_kit_uri_get_attribute(t->parsed, CKA_ID);
	CK_ULONG n = 0;

	if (label)
		out[n++] = *label;
	else
		out[n++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)AR_PKCS11_LABEL_DEFAULT,
					   sizeof AR_PKCS11_LABEL_DEFAULT - 1 };
	if (id)
		out[n++] = *id;
	return n;
}

/* Up to two Ed25519-family keys of the class the URI names: *count of them, the first. */
static int find_keys(registrar_p11 *t, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *obj, CK_ULONG *count,
		     ar_err *e)
{
	CK_KEY_TYPE type = CKK_EC_EDWARDS;
	CK_ATTRIBUTE tpl[4] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &type, sizeof type } };
	CK_OBJECT_HANDLE found[2];
	CK_ULONG n = 2 + name_attrs(t, tpl + 2);
	CK_RV rv = t->module->C_FindObjectsInit(t->session, tpl, n);

	*count = 0;
	if (rv == CKR_OK) {
		rv = t->module->C_FindObjects(t->session, found, 2, count);
		t->module->C_FindObjectsFinal(t->session);
	}
	if (rv != CKR_OK)
		return ar_fail(e, AR_EENV, t->where, "cannot search the token: %s", rv_text(rv));
	if (*count)
		*obj = found[0];
	return AR_OK;
}

/* CKM_EC_EDWARDS_KEY_PAIR_GEN over Ed25519 (CKA_EC_PARAMS: the DER of OID 1.3.101.112, by
 * OpenSSL); the private half sensitive, never extractable, kept on the token. */
static int generate(registrar_p11 *t, ar_err *e)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_MECHANISM mech = { CKM_EC_EDWARDS_KEY_PAIR_GEN, NULL, 0 };
	CK_OBJECT_HANDLE pub_obj, priv_obj;
	unsigned char *params = NULL;
	int params_len = i2d_ASN1_OBJECT(OBJ_nid2obj(NID_ED25519), &params);
	CK_ATTRIBUTE pub[5] = { { CKA_TOKEN, &yes, sizeof yes }, { CKA_VERIFY, &yes, sizeof yes },
				{ CKA_EC_PARAMS, params, (CK_ULONG)params_len } };
	CK_ATTRIBUTE priv[8] = { { CKA_TOKEN, &yes, sizeof yes }, { CKA_PRIVATE, &yes, sizeof yes },
				 { CKA_SENSITIVE, &yes, sizeof yes },
				 { CKA_EXTRACTABLE, &no, sizeof no }, { CKA_SIGN, &yes, sizeof yes } };
	CK_ULONG n = name_attrs(t, pub + 3);
	CK_RV rv;

	if (params_len <= 0)
		return ar_fail(e, AR_EINTERNAL, NULL, "cannot encode the Ed25519 OID");
	memcpy(priv + 5, pub + 3, n * sizeof *pub);
	rv = t->module->C_GenerateKeyPair(t->session, &mech, pub, 3 + n, priv, 5 + n, &pub_obj,
					  &priv_obj);
	OPENSSL_free(params);
	if (rv == CKR_MECHANISM_INVALID)
		return ar_fail(e, AR_EENV, t->where, "the token cannot make Ed25519 keys "
			       "(CKM_EC_EDWARDS_KEY_PAIR_GEN)");
	if (rv != CKR_OK)
		return ar_fail(e, AR_EENV, t->where, "the token did not make the key: %s", rv_text(rv));
	return AR_OK;
}

/* CKA_EC_POINT: the point in a DER OCTET STRING (PKCS#11 3.0), unwrapped by OpenSSL. */
static int public_key(registrar_p11 *t, CK_OBJECT_HANDLE obj, uint8_t pk[AR_ED25519_PK_BYTES],
		      ar_err *e)
{
	unsigned char der[MAX_EC_POINT];
	const unsigned char *p = der;
	CK_ATTRIBUTE a = { CKA_EC_POINT, der, sizeof der };
	ASN1_OCTET_STRING *point = NULL;
	int ok;

	if (t->module->C_GetAttributeValue(t->session, obj, &a, 1) == CKR_OK)
		point = d2i_ASN1_OCTET_STRING(NULL, &p, (long)a.ulValueLen);
	ok = point && ASN1_STRING_length(point) == AR_ED25519_PK_BYTES;
	if (ok)
		memcpy(pk, ASN1_STRING_get0_data(point), AR_ED25519_PK_BYTES);
	ASN1_OCTET_STRING_free(point);
	return ok ? AR_OK : ar_fail(e, AR_EENV, t->where, "the token's public key is not an "
				    "Ed25519 point (CKA_EC_POINT)");
}

int p11_key_open(registrar_p11 *t, int generate_missing, uint8_t pk[AR_ED25519_PK_BYTES],
		 ar_err *e)
{
	CK_OBJECT_HANDLE pub = 0;
	CK_ULONG n = 0, n_pub = 0;

	if (find_keys(t, CKO_PRIVATE_KEY, &t->key, &n, e) != AR_OK)
		return e->status;
	if (n == 0 && !generate_missing)
		return ar_fail(e, AR_EENV, t->where, "the token holds no Ed25519 private key the "
			       "URI names");
	if (n == 0 && (generate(t, e) != AR_OK || find_keys(t, CKO_PRIVATE_KEY, &t->key, &n, e)
						  != AR_OK))
		return e->status;
	if (n != 1)
		return ar_fail(e, AR_EENV, t->where, "more than one Ed25519 private key matches the "
			       "URI: name one with object= or id=");
	if (find_keys(t, CKO_PUBLIC_KEY, &pub, &n_pub, e) != AR_OK)
		return e->status;
	if (n_pub != 1)
		return ar_fail(e, AR_EENV, t->where, "the token holds no single public key beside "
			       "the private one (the URI names %lu)", (unsigned long)n_pub);
	return public_key(t, pub, pk, e);
}

int p11_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[AR_ED25519_SIG_BYTES],
	     ar_err *e)
{
	registrar_p11 *t = ctx;
	CK_MECHANISM mech = { CKM_EDDSA, NULL, 0 };
	CK_ULONG n = AR_ED25519_SIG_BYTES;
	CK_RV rv;

	pthread_mutex_lock(&t->lock);
	rv = t->module->C_SignInit(t->session, &mech, t->key);
	if (rv == CKR_OK)
		rv = t->module->C_Sign(t->session, (CK_BYTE_PTR)msg, len, sig, &n);
	pthread_mutex_unlock(&t->lock);
	if (rv != CKR_OK || n != AR_ED25519_SIG_BYTES)
		return ar_fail(e, AR_EENV, t->where, "the token did not sign: %s",
			       rv == CKR_OK ? "not a 64-byte signature" : rv_text(rv));
	return AR_OK;
}
