/* SPDX-License-Identifier: Apache-2.0 */
#include "issuer.h"

#include <stdio.h>
#include <stdlib.h>

#include "ar_limits.h"
#include "datadir.h"
#include "fileio.h"
#include "keys.h"
#include "rotate.h"

struct registrar_issuer {
	ar_keypair kp;     /* a file key: its secret in sodium_malloc memory */
	ar_signer signer;
};

static registrar_issuer *issuer_new(ar_err *e)
{
	registrar_issuer *iss = calloc(1, sizeof *iss);

	if (!iss)
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return iss;
}

int registrar_issuer_open(const registrar_opts *o, registrar_issuer **out, ar_err *e)
{
	char path[4096];
	registrar_issuer *iss;

	*out = NULL;
	/* a rotation the database holds whose files were not yet renamed: finished first */
	if (registrar_rotation_finish(registrar_data_dir(o), e) != AR_OK)
		return e->status;
	if (ar_join_path(path, sizeof path, registrar_data_dir(o), AR_ISSUER_KEY_FILE, e) != AR_OK)
		return e->status;
	if (!(iss = issuer_new(e)))
		return e->status;
	if (ar_key_load_private(path, &iss->kp, e) != AR_OK) {
		registrar_issuer_close(iss);
		return e->status;
	}
	ar_signer_of_secret(&iss->signer, iss->kp.sk);
	*out = iss;
	return AR_OK;
}

int registrar_issuer_generate(const char *pkcs11_uri, registrar_issuer **out, ar_err *e)
{
	registrar_issuer *iss;

	*out = NULL;
	if (pkcs11_uri)
		return ar_fail(e, AR_EUSAGE, NULL, "--pkcs11: not built yet");
	if (!(iss = issuer_new(e)))
		return e->status;
	if (ar_keypair_generate(&iss->kp, e) != AR_OK) {
		registrar_issuer_close(iss);
		return e->status;
	}
	ar_signer_of_secret(&iss->signer, iss->kp.sk);
	*out = iss;
	return AR_OK;
}

int registrar_issuer_save(const registrar_issuer *iss, const char *dir, const char *suffix,
			  int force, ar_err *e)
{
	char key[4096], pub[4096];
	int n = snprintf(key, sizeof key, "%s/%s%s", dir, AR_ISSUER_KEY_FILE, suffix);
	int m = snprintf(pub, sizeof pub, "%s/%s%s", dir, AR_ISSUER_PUB_FILE, suffix);

	if (n < 0 || (size_t)n >= sizeof key || m < 0 || (size_t)m >= sizeof pub)
		return ar_fail(e, AR_EUSAGE, dir, "path too long");
	if (ar_key_save_private(key, &iss->kp, force, e) != AR_OK)
		return e->status;
	return ar_key_save_public(pub, iss->signer.pk, force, e);
}

const ar_signer *registrar_issuer_signer(const registrar_issuer *iss)
{
	return &iss->signer;
}

void registrar_issuer_close(registrar_issuer *iss)
{
	if (!iss)
		return;
	ar_keypair_free(&iss->kp);
	free(iss);
}
