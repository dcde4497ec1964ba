/* SPDX-License-Identifier: Apache-2.0 */
/* The session on the issuer's token: the URI parsed by p11-kit, the module loaded (the URI's
 * module-path alone, else every module p11-kit is configured with), the first initialised
 * token the URI matches, a login with the PIN from pin-source or AIRREG_PKCS11_PIN. */
#include "pkcs11.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/p11-kit.h>

#include "keys.h"

#define MAX_SLOTS 64 /* slots asked of a module; SoftHSM2 shows one per token and one free */

static const char *rv_text(CK_RV rv)
{
	const char *s = p11_kit_strerror(rv);

	return s ? s : "unknown error";
}

static const char *kit_text(void)
{
	const char *s = p11_kit_message();

	return s ? s : "no reason given";
}

/* The file a pin-source names (RFC 7512: "file:" or not; file:///path or file:/path). */
static const char *pin_path(const char *src)
{
	if (strncmp(src, "file:", 5) == 0)
		src += strncmp(src + 5, "//", 2) == 0 ? 7 : 5;
	return src;
}

/* The PIN, into pin (secure memory): the URI's pin-source (RFC 7512: a file, with "file:" or
 * not), read as a key file is (no link, mode 0600), else AIRREG_PKCS11_PIN. *given 0: none. */
static int read_pin(const registrar_p11 *t, char *pin, size_t *len, int *given, ar_err *e)
{
	const char *src = p11_kit_uri_get_pin_source(t->parsed), *env = getenv(AR_PKCS11_PIN_ENV);

	*len = 0;
	*given = src || env;
	if (src) {
		if (ar_read_secret_file(pin_path(src), (uint8_t *)pin, AR_PKCS11_PIN_MAX, len,
					e) != AR_OK)
			return e->status;
	} else if (env) {
		*len = strlen(env);
		if (*len >= AR_PKCS11_PIN_MAX)
			return ar_fail(e, AR_EENV, AR_PKCS11_PIN_ENV, "PIN longer than %d bytes",
				       AR_PKCS11_PIN_MAX - 1);
		memcpy(pin, env, *len);
	}
	while (*len && (pin[*len - 1] == '\n' || pin[*len - 1] == '\r'))
		(*len)--;
	return AR_OK;
}

static int login(registrar_p11 *t, ar_err *e)
{
	char *pin = sodium_malloc(AR_PKCS11_PIN_MAX);
	size_t len = 0;
	int given = 0, rc;
	CK_RV rv = CKR_OK;

	if (!pin)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = read_pin(t, pin, &len, &given, e);
	if (rc == AR_OK && !given)
		rc = ar_fail(e, AR_EENV, t->where, "the token needs a PIN: give pin-source=FILE in "
			     "the URI or set " AR_PKCS11_PIN_ENV);
	if (rc == AR_OK)
		rv = t->module->C_Login(t->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, len);
	sodium_free(pin);
	if (rc == AR_OK && (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE))
		rc = ar_fail(e, AR_EENV, t->where, "the token refused the PIN (wrong PIN)");
	else if (rc == AR_OK && rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		rc = ar_fail(e, AR_EENV, t->where, "the token refused the login: %s", rv_text(rv));
	return rc;
}

/* The first initialised token of module m the URI matches, or 0. */
static int match_token(registrar_p11 *t, CK_FUNCTION_LIST *m, CK_SLOT_ID *slot,
		       CK_TOKEN_INFO *ti)
{
	CK_SLOT_ID slots[MAX_SLOTS], want = p11_kit_uri_get_slot_id(t->parsed);
	CK_ULONG n = MAX_SLOTS, i;
	CK_INFO info;

	if (m->C_GetInfo(&info) != CKR_OK || !p11_kit_uri_match_module_info(t->parsed, &info) ||
	    m->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return 0;
	for (i = 0; i < n; i++) {
		CK_SLOT_INFO si;

		if (want != (CK_SLOT_ID)-1 && slots[i] != want)
			continue;
		if (m->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
		    !p11_kit_uri_match_slot_info(t->parsed, &si) ||
		    m->C_GetTokenInfo(slots[i], ti) != CKR_OK ||
		    !(ti->flags & CKF_TOKEN_INITIALIZED) || !p11_kit_uri_match_token_info(t->parsed, ti))
			continue;
		*slot = slots[i];
		return 1;
	}
	return 0;
}

static int load_module(registrar_p11 *t, ar_err *e)
{
	const char *path = p11_kit_uri_get_module_path(t->parsed);
	CK_RV rv;

	if (!path) {
		t->modules = p11_kit_modules_load_and_initialize(0);
		return t->modules ? AR_OK : ar_fail(e, AR_EENV, t->where, "p11-kit cannot load its "
						    "configured modules: %s", kit_text());
	}
	if (!(t->loaded = p11_kit_module_load(path, 0)))
		return ar_fail(e, AR_EENV, path, "cannot load the PKCS#11 module: %s", kit_text());
	if ((rv = p11_kit_module_initialize(t->loaded)) != CKR_OK) {
		p11_kit_module_release(t->loaded);
		t->loaded = NULL;
		return ar_fail(e, AR_EENV, path, "the PKCS#11 module does not start: %s",
			       rv_text(rv));
	}
	return AR_OK;
}

static int open_token(registrar_p11 *t, ar_err *e)
{
	CK_FUNCTION_LIST *only[2] = { t->loaded, NULL }, **m = t->loaded ? only : t->modules;
	CK_SLOT_ID slot = 0;
	CK_TOKEN_INFO ti;
	CK_RV rv;

	for (; *m && !t->module; m++)
		if (match_token(t, *m, &slot, &ti))
			t->module = *m;
	if (!t->module)
		return ar_fail(e, AR_EENV, t->where, "no token matches the URI (is it plugged in, "
			       "its label right?)");
	rv = t->module->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
				      &t->session);
	if (rv != CKR_OK)
		return ar_fail(e, AR_EENV, t->where, "cannot open a session on the token: %s",
			       rv_text(rv));
	t->has_session = 1;
	return (ti.flags & CKF_LOGIN_REQUIRED) ? login(t, e) : AR_OK;
}

static int uri_refusal(P11KitUri *parsed, const char *uri, const char *where, int bad, ar_err *e)
{
	int r;

	if ((r = p11_kit_uri_parse(uri, P11_KIT_URI_FOR_ANY, parsed)) != P11_KIT_URI_OK)
		return ar_fail(e, bad, where, "not a PKCS#11 URI (RFC 7512): %s",
			       p11_kit_uri_message(r));
	if (p11_kit_uri_any_unrecognized(parsed))
		return ar_fail(e, bad, where, "the URI has an attribute p11-kit does not know");
	if (p11_kit_uri_get_pin_value(parsed))
		return ar_fail(e, bad, where, "a PIN in the URI (pin-value) is refused: give "
			       "pin-source=FILE or set " AR_PKCS11_PIN_ENV);
	/* issuer.pkcs11 is read from whatever directory a later command (serve) runs in */
	if (p11_kit_uri_get_pin_source(parsed) &&
	    pin_path(p11_kit_uri_get_pin_source(parsed))[0] != '/')
		return ar_fail(e, bad, where, "pin-source names a relative path: give the PIN "
			       "file's absolute path (every later command reads it from its own "
			       "directory)");
	return AR_OK;
}

int p11_uri_check(const char *uri, const char *where, int bad, ar_err *e)
{
	P11KitUri *parsed = p11_kit_uri_new();
	int rc;

	if (!parsed)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = uri_refusal(parsed, uri, where, bad, e);
	p11_kit_uri_free(parsed);
	return rc;
}

registrar_p11 *p11_session_open(const char *uri, const char *where, int bad, ar_err *e)
{
	registrar_p11 *t = calloc(1, sizeof *t);
	int rc;

	if (!t || !(t->parsed = p11_kit_uri_new())) {
		free(t);
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->where = where;
	p11_kit_be_quiet(); /* its reasons come back through p11_kit_message(), in our line */
	rc = uri_refusal(t->parsed, uri, where, bad, e);
	if (rc == AR_OK)
		rc = load_module(t, e);
	if (rc == AR_OK)
		rc = open_token(t, e);
	if (rc != AR_OK) {
		p11_close(t);
		return NULL;
	}
	return t;
}

void p11_close(registrar_p11 *t)
{
	if (!t)
		return;
	/* closing the last session logs the process out of the token */
	if (t->has_session)
		t->module->C_CloseSession(t->session);
	if (t->loaded) {
		p11_kit_module_finalize(t->loaded);
		p11_kit_module_release(t->loaded);
	}
	if (t->modules)
		p11_kit_modules_finalize_and_release(t->modules);
	p11_kit_uri_free(t->parsed);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
