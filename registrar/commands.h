/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs of registrar, called by main() once the flags are parsed. The rules they
 * apply, shared with the HTTP face (http/), are in registry.h. */
#ifndef REGISTRAR_COMMANDS_H
#define REGISTRAR_COMMANDS_H

#include <jansson.h>

#include "err.h"
#include "when.h"

#define PROGRAM "registrar"

typedef struct {
	const char *data_dir;
	const char *database; /* --database or $AIRREG_DATABASE (store_use_database) */
	const char *token, *name, *cloud_id, *output;
	const char *receipt; /* unregister --receipt: the stamp's removal receipt */
	const char *registration, *subscription, *tenant;
	const char *qr;  /* --qr: the activation key or issuer key drawn as QR codes */
	const char *listen, *tls_cert, *tls_key, *public_url;  /* serve */
	long valid_days;
	int expiring;        /* list --expiring-within given */
	long expiring_within; /* its DAYS; -1: not a number */
	const char *host_match; /* activation-key, init --host-match; NULL: the default */
	const char *setting, *value; /* config [SETTING [VALUE]] */
	int json, force;
	int carry_tenants;  /* register --carry-tenants */
	const char *pkcs11; /* init, rotate-issuer-key --pkcs11: RFC 7512 URI of a token's key */
	int chain;          /* export-issuer-key --chain: the rotation statements */
	const char *issuer_key; /* revoke --issuer-key KID */
	long long now; /* the clock, read once */
} registrar_opts;

int cmd_init_run(const registrar_opts *o, ar_err *e);
int cmd_export_issuer_key_run(const registrar_opts *o, ar_err *e);
int cmd_register_run(const registrar_opts *o, ar_err *e);
int cmd_unregister_run(const registrar_opts *o, ar_err *e);
/* unregister --receipt (deactivate.c) */
int cmd_unregister_receipt_run(const registrar_opts *o, ar_err *e);
int cmd_list_run(const registrar_opts *o, ar_err *e);
int cmd_show_run(const registrar_opts *o, ar_err *e);
/* list --expiring-within, on the open database (issued.c) */
struct store;
int registrar_list_expiring(const registrar_opts *o, struct store *db, ar_err *e);
/* registrar list's JSON or table of list (report.c); expiring: the days in the last column */
int registrar_print_list(json_t *list, int as_json, int expiring, long long now, ar_err *e);
/* A key's expiry: "T (in SPAN)", or "T (expired SPAN ago)" from the second it expires on. */
const char *registrar_format_expiry(long long exp, long long now, char out[AR_WHEN_CHARS + 1]);
int cmd_activation_key_run(const registrar_opts *o, ar_err *e);
int cmd_tenant_add_run(const registrar_opts *o, ar_err *e);
int cmd_tenant_list_run(const registrar_opts *o, ar_err *e);
int cmd_tenant_remove_run(const registrar_opts *o, ar_err *e);
int cmd_serve_run(const registrar_opts *o, ar_err *e);
int cmd_api_key_rotate_run(const registrar_opts *o, ar_err *e);
int cmd_config_run(const registrar_opts *o, ar_err *e);
int cmd_rotate_issuer_key_run(const registrar_opts *o, ar_err *e);
int cmd_revoke_run(const registrar_opts *o, ar_err *e);

#endif
