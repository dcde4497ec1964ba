/* SPDX-License-Identifier: Apache-2.0 */
/* airreg-connect: a stamp that can reach its registrar (`registrar serve`) registers,
 * renews and unregisters in one step, on the formats and checks of the files. */
#include <curl/curl.h>
#include <getopt.h>
#include <sys/prctl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connect.h"
#include "fileio.h"
#include "stamp.h"
#include "text.h"

#define usage_error(...) ar_usage_error(PROGRAM, __VA_ARGS__)
#define finish(rc, e) ar_finish(PROGRAM, (rc), (e))

static const char usage_text[] =
	"usage: " PROGRAM " register --registrar URL --name NAME --subscription GUID\n"
	"                      [--resource-group RG] --api-secret FILE\n"
	"                      [--ca-file FILE] [--pin sha256//BASE64] [--timeout SECONDS]\n"
	"                      --billing-model M [--agreement-number N] [--asset-tag T]\n"
	"                      [--usage-reporting] [--marketplace-syndication]\n"
	"                      [--host FILE]... [--root DIR] [--renew] [--state-dir DIR]\n"
	"       " PROGRAM " unregister --registrar URL --subscription GUID [--resource-group RG]\n"
	"                      --api-secret FILE [--ca-file FILE] [--pin sha256//BASE64]\n"
	"                      [--timeout SECONDS] [--name NAME] [--state-dir DIR]\n"
	"       " PROGRAM " --help | --version\n"
	"State directory: --state-dir, else $" AR_STATE_DIR_ENV ", else " AR_STATE_DIR_DEFAULT ".\n"
	"Proxies: https_proxy, no_proxy. Exit status: 0 ok, 1 internal, 2 usage,\n"
	"3 hardware info unavailable, 4 refused (by the registrar, or the key by the import\n"
	"checks), 5 environment (unreachable, TLS, authentication, the stamp's state).\n";

enum { OPT_REGISTRAR = 256, OPT_NAME, OPT_SUBSCRIPTION, OPT_GROUP, OPT_SECRET, OPT_CA,
       OPT_PIN, OPT_TIMEOUT, OPT_BILLING, OPT_AGREEMENT, OPT_ASSET, OPT_USAGE, OPT_MARKET,
       OPT_HOST, OPT_ROOT, OPT_RENEW, OPT_STATE_DIR, OPT_HELP, OPT_VERSION };
#define BIT(o) (1u << ((o) - OPT_REGISTRAR))
#define CLIENT_BITS (BIT(OPT_REGISTRAR) | BIT(OPT_NAME) | BIT(OPT_SUBSCRIPTION) | \
	BIT(OPT_GROUP) | BIT(OPT_SECRET) | BIT(OPT_CA) | BIT(OPT_PIN) | BIT(OPT_TIMEOUT))
#define REGISTER_BITS (CLIENT_BITS | BIT(OPT_BILLING) | BIT(OPT_AGREEMENT) | BIT(OPT_ASSET) | \
	BIT(OPT_USAGE) | BIT(OPT_MARKET) | BIT(OPT_HOST) | BIT(OPT_ROOT) | BIT(OPT_RENEW))

static const struct option long_options[] = {
	{ "registrar", required_argument, NULL, OPT_REGISTRAR },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "subscription", required_argument, NULL, OPT_SUBSCRIPTION },
	{ "resource-group", required_argument, NULL, OPT_GROUP },
	{ "api-secret", required_argument, NULL, OPT_SECRET },
	{ "ca-file", required_argument, NULL, OPT_CA },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "billing-model", required_argument, NULL, OPT_BILLING },
	{ "agreement-number", required_argument, NULL, OPT_AGREEMENT },
	{ "asset-tag", required_argument, NULL, OPT_ASSET },
	{ "usage-reporting", no_argument, NULL, OPT_USAGE },
	{ "marketplace-syndication", no_argument, NULL, OPT_MARKET },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "renew", no_argument, NULL, OPT_RENEW },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* The flags every call needs, present; the secret is a file, never a value. */
static int client_flags(const connect_opts *o, const char *verb, int need_name)
{
	if (!o->registrar)
		return usage_error("%s needs --registrar URL (registrar serve's base URL)", verb);
	if (need_name && !o->name)
		return usage_error("%s needs --name NAME (the registration)", verb);
	if (!o->subscription)
		return usage_error("%s needs --subscription GUID", verb);
	if (!o->api_secret)
		return usage_error("%s needs --api-secret FILE (a copy of the registrar's "
				   "api.secret, mode 0600)", verb);
	return 0;
}

static int cmd_register(connect_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return usage_error("register takes no argument \"%s\"", argv[0]);
	if (client_flags(o, "register", 1))
		return AR_EUSAGE;
	if (o->n_host_files > AR_MAX_HOSTS)
		return usage_error("at most %d hosts in a token (--host given more often)",
				   AR_MAX_HOSTS);
	if (o->root && o->n_host_files)
		return usage_error("--root and --host are exclusive (a capture to probe, or the "
				   "records given)");
	return finish(connect_register(o, &e), &e);
}

static int cmd_unregister(connect_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return usage_error("unregister takes no argument \"%s\"", argv[0]);
	if (client_flags(o, "unregister", 0))
		return AR_EUSAGE;
	return finish(connect_unregister(o, &e), &e);
}

static int timeout_of(const char *arg, long *seconds)
{
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	*seconds = strtol(arg, &end, 10);
	return *end || *seconds < 1 || *seconds > AR_CONNECT_TIMEOUT_MAX ? -1 : 0;
}

static const char *option_name(unsigned mask)
{
	size_t i;

	for (i = 0; long_options[i].name; i++)
		if (long_options[i].val >= OPT_REGISTRAR && (mask & BIT(long_options[i].val)))
			return long_options[i].name;
	return "?";
}

/* A flag's value, once: the last of two would win silently. */
static int set_once(const char **slot, const char *name)
{
	if (*slot)
		return usage_error("--%s given twice", name);
	*slot = optarg;
	return 0;
}

static int parse_option(connect_opts *o, int c, int idx)
{
	switch (c) {
	case OPT_REGISTRAR: return set_once(&o->registrar, "registrar");
	case OPT_NAME: return set_once(&o->name, "name");
	case OPT_SUBSCRIPTION: return set_once(&o->subscription, "subscription");
	case OPT_GROUP: return set_once(&o->resource_group, "resource-group");
	case OPT_SECRET: return set_once(&o->api_secret, "api-secret");
	case OPT_CA: return set_once(&o->ca_file, "ca-file");
	case OPT_PIN: return set_once(&o->pin, "pin");
	case OPT_BILLING: return set_once(&o->billing_model, "billing-model");
	case OPT_AGREEMENT: return set_once(&o->agreement_number, "agreement-number");
	case OPT_ASSET: return set_once(&o->asset_tag, "asset-tag");
	case OPT_ROOT: return set_once(&o->root, "root");
	case OPT_STATE_DIR: o->state_dir = optarg; return 0;
	case OPT_USAGE: o->usage_reporting = 1; return 0;
	case OPT_MARKET: o->marketplace_syndication = 1; return 0;
	case OPT_RENEW: o->renew = 1; return 0;
	case OPT_HOST:
		if (o->n_host_files <= AR_MAX_HOSTS)
			o->host_files[o->n_host_files++] = optarg;
		return 0;
	case OPT_TIMEOUT:
		if (o->timeout_arg)
			return usage_error("--timeout given twice");
		o->timeout_arg = optarg;
		if (timeout_of(optarg, &o->timeout) != 0)
			return usage_error("--timeout takes whole seconds, 1 to %d: \"%s\"",
					   AR_CONNECT_TIMEOUT_MAX, ar_text_shown(optarg));
		return 0;
	default:
		(void)idx;
		return usage_error("unknown option or missing value: %s", optarg && c != '?' ?
				   optarg : "(see the usage)");
	}
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(connect_opts *, int, char **);
		unsigned allowed;
	} verbs[] = {
		{ "register", cmd_register, REGISTER_BITS },
		{ "unregister", cmd_unregister, CLIENT_BITS },
	};
	connect_opts o;
	unsigned seen = 0;
	int c, idx = -1, i, rc;
	ar_err e;

	memset(&o, 0, sizeof o);
	o.timeout = AR_CONNECT_TIMEOUT_DEFAULT;
	o.resource_group = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", long_options, &idx)) != -1) {
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
		if (optarg && ar_text_check_flag(long_options[idx].name, optarg, &e) != AR_OK)
			return finish(e.status, &e);
		if (parse_option(&o, c, idx))
			return AR_EUSAGE;
		if (c != OPT_STATE_DIR && c != OPT_HOST)
			seen |= BIT(c);
	}
	for (i = optind; i < argc; i++)
		if (ar_text_check(argv[i], "an argument", AR_EUSAGE, NULL, &e) != AR_OK)
			return finish(e.status, &e);
	if (optind >= argc)
		return usage_error("missing verb (register or unregister)");
	if (!o.resource_group)
		o.resource_group = AR_API_DEFAULT_GROUP;
	if (o.n_host_files)
		seen |= BIT(OPT_HOST);
	if (ar_check_dir_choice(o.state_dir, "--state-dir", AR_STATE_DIR_ENV, &e) != AR_OK)
		return finish(e.status, &e);
	/* the stamp's private key and the API secret: out of core dumps and ptrace, and no TLS
	 * session key written where libcurl is told to (a capture would show the secret) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	unsetenv("SSLKEYLOGFILE");
	/* each step's line out before the next step's error, whatever stdout is */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, PROGRAM ": libsodium or libcurl failed to initialise\n");
		return AR_EINTERNAL;
	}
	o.now = (long long)time(NULL);
	for (i = 0; i < (int)(sizeof verbs / sizeof verbs[0]); i++) {
		if (strcmp(argv[optind], verbs[i].name) != 0)
			continue;
		if (seen & ~verbs[i].allowed)
			return usage_error("--%s does not apply to %s",
					   option_name(seen & ~verbs[i].allowed), verbs[i].name);
		rc = verbs[i].run(&o, argc - optind - 1, argv + optind + 1);
		curl_global_cleanup();
		return rc;
	}
	return usage_error("unknown verb \"%s\"", argv[optind]);
}
