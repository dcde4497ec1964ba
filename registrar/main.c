/* SPDX-License-Identifier: Apache-2.0 */
/* registrar: the connected workstation's side. Registers tokens in a SQLite
 * database, issues activation keys, unregisters, keeps tenant mappings. */
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "ar_limits.h"
#include "commands.h"
#include "err.h"
#include "fileio.h"
#include "store.h"
#include "text.h"

static const char usage_text[] =
	"usage: " PROGRAM " init [--data-dir DIR] [--force] [--host-match all|most|any|N]\n"
	"                 [--pkcs11 URI]\n"
	"       " PROGRAM " register --token FILE|- --name NAME [--carry-tenants]\n"
	"       " PROGRAM " unregister --name NAME | --token FILE | --cloud-id UUID\n"
	"       " PROGRAM " unregister --receipt FILE|- [--name NAME]\n"
	"       " PROGRAM " list [--expiring-within DAYS] [--json]\n"
	"       " PROGRAM " show NAME [--json]\n"
	"       " PROGRAM " export-issuer-key [-o FILE|-] [--qr FILE.png|-] [--force]\n"
	"       " PROGRAM " export-issuer-key --chain -o FILE|- [--force]\n"
	"       " PROGRAM " rotate-issuer-key -o FILE|- [--pkcs11 URI] [--force]\n"
	"       " PROGRAM " activation-key --name NAME [--valid-days N] [-o FILE|-]\n"
	"                 [--qr FILE.png|-] [--host-match all|most|any|N]\n"
	"       " PROGRAM " revoke [--name NAME | --issuer-key KID] -o FILE|- [--force]\n"
	"       " PROGRAM " tenant add --registration NAME --subscription GUID --tenant GUID\n"
	"       " PROGRAM " tenant list --registration NAME\n"
	"       " PROGRAM " tenant remove --registration NAME --subscription GUID\n"
	"       " PROGRAM " serve [--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE]\n"
	"                 [--public-url URL]\n"
	"       " PROGRAM " api-key rotate\n"
	"       " PROGRAM " config [host-match [all|most|any|N]] [--json]\n"
	"       " PROGRAM " --help | --version\n"
	"Every verb takes --data-dir DIR (else $" AR_DATA_DIR_ENV ", else " AR_DATA_DIR_DEFAULT ")\n"
	"and --database postgresql://URL|FILE (else $" AR_DATABASE_ENV ", else what init recorded,\n"
	"else DIR/" AR_DATABASE_FILE ").\n"
	"Exit status: 0 ok, 1 internal, 2 usage, 4 input rejected, 5 environment.\n";

enum {
	OPT_DATA_DIR = 256, OPT_TOKEN, OPT_NAME, OPT_CLOUD_ID, OPT_JSON, OPT_FORCE, OPT_HELP,
	OPT_VERSION, OPT_VALID_DAYS, OPT_REGISTRATION, OPT_SUBSCRIPTION, OPT_TENANT, OPT_QR,
	OPT_LISTEN, OPT_TLS_CERT, OPT_TLS_KEY, OPT_PUBLIC_URL, OPT_CARRY_TENANTS, OPT_HOST_MATCH,
	OPT_EXPIRING_WITHIN, OPT_RECEIPT, OPT_PKCS11, OPT_CHAIN, OPT_ISSUER_KEY, OPT_DATABASE
};

#define BIT(o) (1u << ((o) - OPT_DATA_DIR))
#define BIT_OUTPUT (1u << 30)

static const struct option long_options[] = {
	{ "data-dir", required_argument, NULL, OPT_DATA_DIR },
	{ "token", required_argument, NULL, OPT_TOKEN },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "cloud-id", required_argument, NULL, OPT_CLOUD_ID },
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "valid-days", required_argument, NULL, OPT_VALID_DAYS },
	{ "registration", required_argument, NULL, OPT_REGISTRATION },
	{ "subscription", required_argument, NULL, OPT_SUBSCRIPTION },
	{ "tenant", required_argument, NULL, OPT_TENANT },
	{ "qr", required_argument, NULL, OPT_QR },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "public-url", required_argument, NULL, OPT_PUBLIC_URL },
	{ "carry-tenants", no_argument, NULL, OPT_CARRY_TENANTS },
	{ "host-match", required_argument, NULL, OPT_HOST_MATCH },
	{ "expiring-within", required_argument, NULL, OPT_EXPIRING_WITHIN },
	{ "receipt", required_argument, NULL, OPT_RECEIPT },
	{ "pkcs11", required_argument, NULL, OPT_PKCS11 },
	{ "chain", no_argument, NULL, OPT_CHAIN },
	{ "issuer-key", required_argument, NULL, OPT_ISSUER_KEY },
	{ "database", required_argument, NULL, OPT_DATABASE },
	{ NULL, 0, NULL, 0 }
};

#define usage_error(...) ar_usage_error(PROGRAM, __VA_ARGS__)
#define finish(rc, e) ar_finish(PROGRAM, (rc), (e))

static int no_args(const char *verb, int argc, char **argv)
{
	return argc == 0 ? AR_OK : usage_error("%s takes no argument \"%s\"", verb, argv[0]);
}

static int cmd_init(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("init", argc, argv);
	return finish(cmd_init_run(o, &e), &e);
}

static int cmd_register(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("register", argc, argv);
	return finish(cmd_register_run(o, &e), &e);
}

static int cmd_unregister(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("unregister", argc, argv);
	/* with a receipt, the stamp's proof that it stopped using the key: Deactivated */
	if (o->receipt)
		return finish(cmd_unregister_receipt_run(o, &e), &e);
	return finish(cmd_unregister_run(o, &e), &e);
}

static int cmd_list(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("list", argc, argv);
	return finish(cmd_list_run(o, &e), &e);
}

static int cmd_show(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc == 1 && !o->name)
		o->name = argv[0];
	else if (argc != 0 || !o->name)
		return usage_error("show takes one registration NAME");
	return finish(cmd_show_run(o, &e), &e);
}

static int cmd_export_issuer_key(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("export-issuer-key", argc, argv);
	return finish(cmd_export_issuer_key_run(o, &e), &e);
}

static int cmd_activation_key(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("activation-key", argc, argv);
	/* before the serial is committed */
	if (ar_check_output(o->output, &e) != AR_OK || ar_check_output(o->qr, &e) != AR_OK)
		return finish(e.status, &e);
	return finish(cmd_activation_key_run(o, &e), &e);
}

/* tenant add|list|remove */
static int cmd_serve(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return no_args("serve", argc, argv);
	return finish(cmd_serve_run(o, &e), &e);
}

/* config: every setting; config SETTING: its value; config SETTING VALUE: sets it */
static int cmd_config(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc > 2)
		return usage_error("config %s takes one value, not %d", argv[0], argc - 1);
	o->setting = argc > 0 ? argv[0] : NULL;
	o->value = argc > 1 ? argv[1] : NULL;
	return finish(cmd_config_run(o, &e), &e);
}

static int cmd_api_key(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 1 || strcmp(argv[0], "rotate") != 0)
		return usage_error("api-key takes rotate");
	return finish(cmd_api_key_rotate_run(o, &e), &e);
}

static int cmd_rotate_issuer_key(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (no_args("rotate-issuer-key", argc, argv) != AR_OK)
		return AR_EUSAGE;
	return finish(cmd_rotate_issuer_key_run(o, &e), &e);
}

static int cmd_revoke(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (no_args("revoke", argc, argv) != AR_OK)
		return AR_EUSAGE;
	return finish(cmd_revoke_run(o, &e), &e);
}

static int cmd_tenant(registrar_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 1)
		return usage_error("tenant takes one of add, list, remove");
	if (strcmp(argv[0], "add") == 0)
		return finish(cmd_tenant_add_run(o, &e), &e);
	if (strcmp(argv[0], "list") == 0)
		return finish(cmd_tenant_list_run(o, &e), &e);
	if (strcmp(argv[0], "remove") == 0)
		return finish(cmd_tenant_remove_run(o, &e), &e);
	return usage_error("unknown tenant verb \"%s\"", argv[0]);
}

static int parse_days(const char *text, long *out)
{
	char *end = NULL;
	long v = strtol(text, &end, 10);

	if (!end || *end || end == text)
		return -1;
	*out = v;
	return 0;
}

/* A value given twice is refused, not the last one taken: --host-match most --host-match all
 * in a script is a mistake, and which one wins should not be a guess. */
static int take_option(registrar_opts *o, int c, unsigned *seen)
{
	unsigned bit = (c == 'o') ? BIT_OUTPUT : BIT(c);
	size_t i;

	for (i = 0; optarg && (*seen & bit) && long_options[i].name; i++)
		if (long_options[i].val == c)
			return usage_error("%s--%s given twice", c == 'o' ? "-o/" : "",
					   long_options[i].name);
	*seen |= bit;
	switch (c) {
	case 'o': o->output = optarg; break;
	case OPT_DATA_DIR: o->data_dir = optarg; break;
	case OPT_DATABASE: o->database = optarg; break;
	case OPT_TOKEN: o->token = optarg; break;
	case OPT_NAME: o->name = optarg; break;
	case OPT_CLOUD_ID: o->cloud_id = optarg; break;
	case OPT_RECEIPT: o->receipt = optarg; break;
	case OPT_PKCS11: o->pkcs11 = optarg; break;
	case OPT_CHAIN: o->chain = 1; break;
	case OPT_ISSUER_KEY: o->issuer_key = optarg; break;
	case OPT_JSON: o->json = 1; break;
	case OPT_FORCE: o->force = 1; break;
	case OPT_CARRY_TENANTS: o->carry_tenants = 1; break;
	case OPT_REGISTRATION: o->registration = optarg; break;
	case OPT_SUBSCRIPTION: o->subscription = optarg; break;
	case OPT_TENANT: o->tenant = optarg; break;
	case OPT_QR: o->qr = optarg; break;
	case OPT_LISTEN: o->listen = optarg; break;
	case OPT_TLS_CERT: o->tls_cert = optarg; break;
	case OPT_TLS_KEY: o->tls_key = optarg; break;
	case OPT_PUBLIC_URL: o->public_url = optarg; break;
	case OPT_HOST_MATCH: o->host_match = optarg; break;
	case OPT_EXPIRING_WITHIN:
		o->expiring = 1;
		if (parse_days(optarg, &o->expiring_within) != 0)
			o->expiring_within = -1;
		break;
	case OPT_VALID_DAYS:
		if (parse_days(optarg, &o->valid_days) != 0)
			o->valid_days = -1;
		break;
	default: break;
	}
	return AR_OK;
}

/* --database, else $AIRREG_DATABASE: checked, then the store's for every verb. */
static int choose_database(registrar_opts *o, ar_err *e)
{
	const char *env = getenv(AR_DATABASE_ENV);
	const char *what = o->database ? "--database" : "$" AR_DATABASE_ENV;

	if (!o->database && env && !*env)
		return ar_fail(e, AR_EUSAGE, NULL, "$%s is set but empty (name a database, or "
			       "unset it)", AR_DATABASE_ENV);
	if (!o->database)
		o->database = env;
	if (!o->database)
		return AR_OK;
	if (ar_text_check(o->database, what, AR_EUSAGE, NULL, e) != AR_OK ||
	    store_check_target(o->database, what, e) != AR_OK)
		return e->status;
	store_use_database(o->database);
	return AR_OK;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(registrar_opts *, int, char **);
		unsigned allowed;
	} verbs[] = {
		{ "init", cmd_init, BIT(OPT_FORCE) | BIT(OPT_HOST_MATCH) | BIT(OPT_PKCS11) },
		{ "register", cmd_register, BIT(OPT_TOKEN) | BIT(OPT_NAME) | BIT(OPT_CARRY_TENANTS) },
		{ "unregister", cmd_unregister, BIT(OPT_TOKEN) | BIT(OPT_NAME) | BIT(OPT_CLOUD_ID) |
		  BIT(OPT_RECEIPT) },
		{ "list", cmd_list, BIT(OPT_JSON) | BIT(OPT_EXPIRING_WITHIN) },
		{ "show", cmd_show, BIT(OPT_JSON) | BIT(OPT_NAME) },
		{ "export-issuer-key", cmd_export_issuer_key, BIT_OUTPUT | BIT(OPT_QR) |
		  BIT(OPT_FORCE) | BIT(OPT_CHAIN) },
		{ "rotate-issuer-key", cmd_rotate_issuer_key, BIT_OUTPUT | BIT(OPT_PKCS11) |
		  BIT(OPT_FORCE) },
		{ "revoke", cmd_revoke, BIT_OUTPUT | BIT(OPT_NAME) | BIT(OPT_ISSUER_KEY) |
		  BIT(OPT_FORCE) },
		{ "activation-key", cmd_activation_key, BIT(OPT_NAME) | BIT(OPT_VALID_DAYS) | BIT_OUTPUT |
		  BIT(OPT_QR) | BIT(OPT_HOST_MATCH) },
		{ "tenant", cmd_tenant, BIT(OPT_REGISTRATION) | BIT(OPT_SUBSCRIPTION) | BIT(OPT_TENANT) },
		{ "serve", cmd_serve, BIT(OPT_LISTEN) | BIT(OPT_TLS_CERT) | BIT(OPT_TLS_KEY) |
		  BIT(OPT_PUBLIC_URL) },
		{ "api-key", cmd_api_key, 0 },
		{ "config", cmd_config, BIT(OPT_JSON) },
	};
	registrar_opts o;
	unsigned seen = 0;
	int c, idx = -1, i;
	ar_err e;

	memset(&o, 0, sizeof o);
	o.valid_days = AR_KEY_VALID_DAYS_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", long_options, &idx)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (c == OPT_VERSION) {
			printf(PROGRAM " " AR_VERSION "\n");
			return 0;
		}
		if (c == '?' || c == ':')
			return usage_error("unknown option or missing value: %s", argv[optind - 1]);
		/* a value is checked as a file's would be, before anything uses it */
		if (optarg && ar_text_check_flag(idx >= 0 ? long_options[idx].name : "output",
						 optarg, &e) != AR_OK)
			return finish(e.status, &e);
		idx = -1;
		if (take_option(&o, c, &seen) != AR_OK)
			return AR_EUSAGE;
	}
	for (i = optind; i < argc; i++)
		if (ar_text_check(argv[i], "an argument", AR_EUSAGE, NULL, &e) != AR_OK)
			return finish(e.status, &e);
	if (optind >= argc)
		return usage_error("missing verb");
	if (ar_check_dir_choice(o.data_dir, "--data-dir", AR_DATA_DIR_ENV, &e) != AR_OK ||
	    choose_database(&o, &e) != AR_OK)
		return finish(e.status, &e);
	/* init and activation-key hold the issuer's private key */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sodium_init() < 0) {
		fprintf(stderr, PROGRAM ": libsodium failed to initialise\n");
		return AR_EINTERNAL;
	}
	o.now = (long long)time(NULL);
	for (i = 0; i < (int)(sizeof verbs / sizeof verbs[0]); i++) {
		if (strcmp(argv[optind], verbs[i].name) != 0)
			continue;
		if (seen & ~(verbs[i].allowed | BIT(OPT_DATA_DIR) | BIT(OPT_DATABASE)))
			return usage_error("an option given does not apply to %s", verbs[i].name);
		return verbs[i].run(&o, argc - optind - 1, argv + optind + 1);
	}
	return usage_error("unknown verb \"%s\"", argv[optind]);
}
