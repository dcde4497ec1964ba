/* SPDX-License-Identifier: Apache-2.0 */
/* token-gen: the stamp's side. Probes hardware and writes signed registration tokens. */
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "ar_limits.h"
#include "commands.h"
#include "err.h"
#include "fileio.h"
#include "text.h"

static const char usage_text[] =
	"usage: " PROGRAM " init [--state-dir DIR] [--cloud-id UUID]\n"
	"       " PROGRAM " probe [--root DIR] [--host NAME] [-o FILE|-] [VALUE FLAGS]\n"
	"       " PROGRAM " create --billing-model Capacity|Development|Custom\n"
	"                 [--agreement-number N] [--asset-tag T] [--usage-reporting]\n"
	"                 [--marketplace-syndication] [--host FILE ...]\n"
	"                 [--state-dir DIR] [--root DIR] [VALUE FLAGS] [-o FILE|-]\n"
	"                 [--qr FILE.png|-]\n"
	"       " PROGRAM " show FILE|- [--json]\n"
	"       " PROGRAM " --help | --version\n"
	"\n"
	"VALUE FLAGS supply what a machine (a VM) does not expose; the record marks them\n"
	"operator-supplied: --system-uuid UUID, --system-manufacturer S, --system-product S,\n"
	"--system-serial S, --board-serial S, --bios-vendor S, --bios-version S, --bios-date S,\n"
	"--cpu-model S, --cpu-sockets N, --cpu-cores N, --cpu-threads N, --memory-mib N\n"
	"\n"
	"State directory: --state-dir, else $" AR_STATE_DIR_ENV ", else " AR_STATE_DIR_DEFAULT ".\n"
	"Exit status: 0 ok, 1 internal, 2 usage, 3 hardware info unavailable,\n"
	"4 input rejected, 5 environment.\n";

enum {
	OPT_ROOT = 256, OPT_HOST, OPT_BILLING, OPT_AGREEMENT, OPT_ASSET, OPT_USAGE, OPT_MARKET,
	OPT_CLOUD_ID, OPT_STATE_DIR, OPT_JSON, OPT_HELP, OPT_VERSION, OPT_QR, OPT_VALUE /* + field */
};

/* Which options each verb takes, as bits of (option - OPT_ROOT). */
#define BIT(o) (1u << ((o) - OPT_ROOT))
#define BIT_OUTPUT (1u << 30)
#define VALUE_BITS BIT(OPT_VALUE)
static const unsigned probe_opts_mask = BIT(OPT_ROOT) | BIT(OPT_HOST) | BIT_OUTPUT | VALUE_BITS;
static const unsigned create_opts_mask = BIT(OPT_ROOT) | BIT(OPT_HOST) | BIT_OUTPUT |
	VALUE_BITS | BIT(OPT_BILLING) | BIT(OPT_AGREEMENT) | BIT(OPT_ASSET) | BIT(OPT_USAGE) |
	BIT(OPT_MARKET) | BIT(OPT_STATE_DIR) | BIT(OPT_QR);
static const unsigned init_opts_mask = BIT(OPT_CLOUD_ID) | BIT(OPT_STATE_DIR);
static const unsigned show_opts_mask = BIT(OPT_JSON);

static const struct option long_options[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "output", required_argument, NULL, 'o' },
	{ "billing-model", required_argument, NULL, OPT_BILLING },
	{ "agreement-number", required_argument, NULL, OPT_AGREEMENT },
	{ "asset-tag", required_argument, NULL, OPT_ASSET },
	{ "usage-reporting", no_argument, NULL, OPT_USAGE },
	{ "marketplace-syndication", no_argument, NULL, OPT_MARKET },
	{ "cloud-id", required_argument, NULL, OPT_CLOUD_ID },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "qr", required_argument, NULL, OPT_QR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "system-uuid", required_argument, NULL, OPT_VALUE + PF_UUID },
	{ "system-manufacturer", required_argument, NULL, OPT_VALUE + PF_MANUFACTURER },
	{ "system-product", required_argument, NULL, OPT_VALUE + PF_PRODUCT },
	{ "system-serial", required_argument, NULL, OPT_VALUE + PF_SERIAL },
	{ "board-serial", required_argument, NULL, OPT_VALUE + PF_BOARD_SERIAL },
	{ "bios-vendor", required_argument, NULL, OPT_VALUE + PF_BIOS_VENDOR },
	{ "bios-version", required_argument, NULL, OPT_VALUE + PF_BIOS_VERSION },
	{ "bios-date", required_argument, NULL, OPT_VALUE + PF_BIOS_DATE },
	{ "cpu-model", required_argument, NULL, OPT_VALUE + PF_CPU_MODEL },
	{ "cpu-sockets", required_argument, NULL, OPT_VALUE + PF_CPU_SOCKETS },
	{ "cpu-cores", required_argument, NULL, OPT_VALUE + PF_CPU_CORES },
	{ "cpu-threads", required_argument, NULL, OPT_VALUE + PF_CPU_THREADS },
	{ "memory-mib", required_argument, NULL, OPT_VALUE + PF_MEMORY },
	{ NULL, 0, NULL, 0 }
};

#define usage_error(...) ar_usage_error(PROGRAM, __VA_ARGS__)
#define finish(rc, e) ar_finish(PROGRAM, (rc), (e))

static int cmd_init(tokengen_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return usage_error("init takes no argument \"%s\"", argv[0]);
	if (ar_check_dir_choice(o->state_dir, "--state-dir", AR_STATE_DIR_ENV, &e) != AR_OK)
		return finish(e.status, &e);
	return finish(cmd_init_run(o, &e), &e);
}

static int cmd_probe(tokengen_opts *o, int argc, char **argv)
{
	ar_err e;

	(void)argv;
	if (argc != 0)
		return usage_error("probe takes no argument \"%s\"", argv[0]);
	if (o->n_host_files > 1)
		return usage_error("probe takes one --host NAME");
	o->probe.name = o->n_host_files ? o->host_files[0] : NULL;
	return finish(cmd_probe_run(o, &e), &e);
}

static int cmd_create(tokengen_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return usage_error("create takes no argument \"%s\"", argv[0]);
	if (ar_check_dir_choice(o->state_dir, "--state-dir", AR_STATE_DIR_ENV, &e) != AR_OK ||
	    ar_check_output(o->output, &e) != AR_OK || ar_check_output(o->qr, &e) != AR_OK)
		return finish(e.status, &e);
	return finish(cmd_create_run(o, &e), &e);
}

static int cmd_show(tokengen_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 1)
		return usage_error("show takes one FILE (or -)");
	return finish(cmd_show_run(argv[0], o->json, &e), &e);
}

static int take_option(tokengen_opts *o, int c, unsigned *seen)
{
	if (c >= OPT_VALUE && c < OPT_VALUE + PF_COUNT) {
		o->probe.operator_value[c - OPT_VALUE] = optarg;
		*seen |= VALUE_BITS;
		return AR_OK;
	}
	*seen |= (c == 'o') ? BIT_OUTPUT : BIT(c);
	switch (c) {
	case 'o': o->output = optarg; break;
	case OPT_ROOT: o->probe.root = optarg; break;
	case OPT_HOST:
		if (o->n_host_files <= AR_MAX_HOSTS)
			o->host_files[o->n_host_files] = optarg;
		if (o->n_host_files <= AR_MAX_HOSTS)
			o->n_host_files++;
		break;
	case OPT_BILLING: o->billing_model = optarg; break;
	case OPT_AGREEMENT: o->agreement_number = optarg; break;
	case OPT_ASSET: o->asset_tag = optarg; break;
	case OPT_USAGE: o->usage_reporting = 1; break;
	case OPT_MARKET: o->marketplace_syndication = 1; break;
	case OPT_CLOUD_ID: o->cloud_id = optarg; break;
	case OPT_STATE_DIR: o->state_dir = optarg; break;
	case OPT_JSON: o->json = 1; break;
	case OPT_QR: o->qr = optarg; break;
	default: return AR_EUSAGE;
	}
	return AR_OK;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(tokengen_opts *, int, char **);
		unsigned allowed;
	} verbs[] = {
		{ "init", cmd_init, init_opts_mask },
		{ "probe", cmd_probe, probe_opts_mask },
		{ "create", cmd_create, create_opts_mask },
		{ "show", cmd_show, show_opts_mask },
	};
	tokengen_opts o;
	unsigned seen = 0;
	int c, idx = -1, i;
	ar_err e;

	memset(&o, 0, sizeof o);
	opterr = 0;
	/* "-" alone is a file name; getopt leaves it as an argument. */
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
		take_option(&o, c, &seen);
	}
	for (i = optind; i < argc; i++)
		if (ar_text_check(argv[i], "an argument", AR_EUSAGE, NULL, &e) != AR_OK)
			return finish(e.status, &e);
	if (optind >= argc)
		return usage_error("missing verb (init, probe, create or show)");
	/* create holds the stamp's private key: keep it out of core dumps and ptrace */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sodium_init() < 0) {
		fprintf(stderr, PROGRAM ": libsodium failed to initialise\n");
		return AR_EINTERNAL;
	}
	for (i = 0; i < (int)(sizeof verbs / sizeof verbs[0]); i++) {
		if (strcmp(argv[optind], verbs[i].name) != 0)
			continue;
		/* the CloudId is chosen once, when the identity is made, not at each token */
		if ((seen & BIT(OPT_CLOUD_ID)) && verbs[i].run == cmd_create)
			return usage_error("--cloud-id is given to init (token-gen init --cloud-id "
					   "UUID); create signs with the stamp's own");
		if (seen & ~verbs[i].allowed)
			return usage_error("an option given does not apply to %s", verbs[i].name);
		return verbs[i].run(&o, argc - optind - 1, argv + optind + 1);
	}
	return usage_error("unknown verb \"%s\"", argv[optind]);
}
