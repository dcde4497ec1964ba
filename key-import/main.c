/* SPDX-License-Identifier: Apache-2.0 */
/* key-import: the stamp's side, back from the gap. Verifies an activation key
 * against the issuer keys this stamp trusts and writes the activation resource. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ar_limits.h"
#include "fileio.h"
#include "filekind.h"
#include "commands.h"
#include "err.h"
#include "text.h"
#include "stamp.h"
#include "trust.h"
#include "trust_update.h"

#define usage_error(...) ar_usage_error(PROGRAM, __VA_ARGS__)
#define finish(rc, e) ar_finish(PROGRAM, (rc), (e))

static const char usage_text[] =
	"usage: " PROGRAM " [--state-dir DIR] [--dry-run] FILE|-\n"
	"       " PROGRAM " import [--dry-run] [--host RECORD... | --probe [--root DIR]] FILE|-\n"
	"       " PROGRAM " status [--json] [--warn-days N] [--metrics FILE|-]\n"
	"       " PROGRAM " remove [-o RECEIPT|-] [--qr FILE.png|-]\n"
	"       " PROGRAM " check --host FILE... [--json] | check --probe [--root DIR] [--json]\n"
	"       " PROGRAM " trust add FILE | trust list [--json] | trust remove [--force] KID|FILE\n"
	"       " PROGRAM " trust update FILE|-\n"
	"       " PROGRAM " --help | --version\n"
	"State directory: --state-dir, else $" AR_STATE_DIR_ENV ", else " AR_STATE_DIR_DEFAULT ".\n"
	"Exit status: 0 ok, 1 internal, 2 usage, 3 hardware (--probe), 4 input rejected,\n"
	"5 environment, 6 expiring within N days (status --warn-days), 7 revoked (status).\n";

enum { OPT_STATE_DIR = 256, OPT_DRY_RUN, OPT_JSON, OPT_FORCE, OPT_HELP, OPT_VERSION, OPT_HOST,
       OPT_PROBE, OPT_ROOT, OPT_WARN_DAYS, OPT_METRICS, OPT_OUTPUT, OPT_QR };
#define BIT(o) (1u << ((o) - OPT_STATE_DIR))
#define HARDWARE_BITS (BIT(OPT_HOST) | BIT(OPT_PROBE) | BIT(OPT_ROOT))

static const struct option long_options[] = {
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "warn-days", required_argument, NULL, OPT_WARN_DAYS },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "qr", required_argument, NULL, OPT_QR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* --host records and --probe: the hardware check and import take the one or the other */
static int hardware_flags(const keyimport_opts *o, const char *verb)
{
	if (o->probe && o->n_host_files)
		return usage_error("%s: --probe and --host are exclusive (this machine, or the "
				   "records given)", verb);
	if (o->root && !o->probe)
		return usage_error("%s: --root applies to --probe only", verb);
	return 0;
}

/* import [--host RECORD...] FILE: with --host, the arguments before the key are records */
static int cmd_import(keyimport_opts *o, int argc, char **argv)
{
	ar_err e;
	int i;

	if (hardware_flags(o, "import"))
		return AR_EUSAGE;
	for (i = 0; o->n_host_files && i + 1 < argc && o->n_host_files <= AR_MAX_HOSTS; i++)
		o->host_files[o->n_host_files++] = argv[i];
	if (o->n_host_files > AR_MAX_HOSTS)
		return usage_error("import takes at most %d host records", AR_MAX_HOSTS);
	argv += i;
	argc -= i;
	if (argc != 1)
		return usage_error("import takes one FILE (or -)");
	if (ar_stamp_require(ar_stamp_dir(o->state_dir), 0, &e) != AR_OK)
		return finish(e.status, &e);
	return finish(cmd_import_run(o, argv[0], &e), &e);
}

/* --warn-days N: whole days, AR_WARN_DAYS_MIN to AR_WARN_DAYS_MAX */
static int warn_days(const char *arg, int *days)
{
	char *end;
	long v;

	if (*arg < '0' || *arg > '9')
		return -1;
	v = strtol(arg, &end, 10);
	if (*end || v < AR_WARN_DAYS_MIN || v > AR_WARN_DAYS_MAX)
		return -1;
	*days = (int)v;
	return 0;
}

static int cmd_status(keyimport_opts *o, int argc, char **argv)
{
	ar_err e;
	int rc;

	if (argc != 0)
		return usage_error("status takes no argument \"%s\"", argv[0]);
	if (o->warn_days_arg && warn_days(o->warn_days_arg, &o->warn_days) != 0)
		return usage_error("--warn-days takes whole days, %d to %d: \"%s\"",
				   AR_WARN_DAYS_MIN, AR_WARN_DAYS_MAX,
				   ar_text_shown(o->warn_days_arg));
	/* both on stdout would be neither JSON nor metrics */
	if (o->json && ar_is_stdio(o->metrics))
		return usage_error("status: --metrics - and --json both write to standard output "
				   "(give --metrics a FILE)");
	if (ar_check_output(o->metrics, &e) != AR_OK ||
	    ar_stamp_output_outside(ar_stamp_dir(o->state_dir), o->metrics, &e) != AR_OK)
		return finish(e.status, &e);
	/* the stamp identity is required by verdict_open, as libairreg's airreg_open */
	rc = cmd_status_run(o, &e);
	/* expiring is not an error: its line is in the status itself */
	return rc == AR_EXPIRING ? rc : finish(rc, &e);
}

static int cmd_remove(keyimport_opts *o, int argc, char **argv)
{
	ar_err e;

	if (argc != 0)
		return usage_error("remove takes no argument \"%s\"", argv[0]);
	if (ar_stamp_require(ar_stamp_dir(o->state_dir), 0, &e) != AR_OK)
		return finish(e.status, &e);
	return finish(cmd_remove_run(o, &e), &e);
}

/* check --host FILE...: the files after the first --host are host records too (a glob) */
static int cmd_check(keyimport_opts *o, int argc, char **argv)
{
	ar_err e;
	int i;

	if (hardware_flags(o, "check"))
		return AR_EUSAGE;
	if (o->probe && argc > 0)
		return usage_error("check --probe takes no argument \"%s\"", argv[0]);
	if (o->n_host_files == 0 && !o->probe)
		return usage_error("check needs --host FILE (token-gen probe's host records) or "
				   "--probe (this machine)");
	for (i = 0; i < argc && o->n_host_files <= AR_MAX_HOSTS; i++)
		o->host_files[o->n_host_files++] = argv[i];
	if (o->n_host_files > AR_MAX_HOSTS)
		return usage_error("check takes at most %d host records", AR_MAX_HOSTS);
	if (ar_stamp_require(ar_stamp_dir(o->state_dir), 0, &e) != AR_OK)
		return finish(e.status, &e);
	return finish(cmd_check_run(o, &e), &e);
}

static int cmd_trust(keyimport_opts *o, int argc, char **argv)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	ar_err e;

	if (o->force && !(argc >= 1 && strcmp(argv[0], "remove") == 0))
		return usage_error("--force applies to trust remove only");
	if (!(argc == 2 && strcmp(argv[0], "add") == 0) &&
	    !(argc == 2 && strcmp(argv[0], "update") == 0) &&
	    !(argc == 1 && strcmp(argv[0], "list") == 0) &&
	    !(argc == 2 && strcmp(argv[0], "remove") == 0))
		return usage_error("trust takes add FILE, update FILE, list, or remove KID|FILE");
	/* trusted/ belongs to a stamp: made after token-gen init, never in a mistyped dir */
	if (ar_stamp_require(dir, 0, &e) != AR_OK)
		return finish(e.status, &e);
	if (strcmp(argv[0], "add") == 0)
		return finish(trust_add(dir, argv[1], &e), &e);
	if (strcmp(argv[0], "remove") == 0)
		return finish(trust_remove(dir, argv[1], o->force, &e), &e);
	if (strcmp(argv[0], "update") == 0)
		return finish(trust_update(dir, argv[1], &e), &e);
	return finish(trust_list(dir, o->json, &e), &e);
}

/* A kid is base64url and may start with '-': the one after "trust remove" (and any
 * --force) is moved to the end of argv, out of getopt's sight (returns 1 when moved). */
static int hide_kid(int argc, char **argv)
{
	char *kid;
	int i, k;

	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i - 1], "trust") != 0 || strcmp(argv[i], "remove") != 0)
			continue;
		for (k = i + 1; k < argc && strcmp(argv[k], "--force") == 0; k++)
			;
		if (k >= argc || argv[k][0] != '-' || strcmp(argv[k], "--") == 0)
			return 0;
		kid = argv[k];
		memmove(&argv[k], &argv[k + 1], (size_t)(argc - k - 1) * sizeof *argv);
		argv[argc - 1] = kid;
		return 1;
	}
	return 0;
}

/* The first long option among the bits of mask (a verb's refusal names it). */
static const char *option_name(unsigned mask)
{
	size_t i;

	for (i = 0; long_options[i].name; i++)
		if (long_options[i].val >= OPT_STATE_DIR && (mask & BIT(long_options[i].val)))
			return long_options[i].name;
	return "?";
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(keyimport_opts *, int, char **);
		unsigned allowed;
	} verbs[] = {
		{ "import", cmd_import, BIT(OPT_DRY_RUN) | HARDWARE_BITS },
		{ "status", cmd_status, BIT(OPT_JSON) | BIT(OPT_WARN_DAYS) | BIT(OPT_METRICS) },
		{ "remove", cmd_remove, BIT(OPT_OUTPUT) | BIT(OPT_QR) },
		{ "check", cmd_check, BIT(OPT_JSON) | HARDWARE_BITS },
		{ "trust", cmd_trust, BIT(OPT_JSON) | BIT(OPT_FORCE) },
	};
	keyimport_opts o;
	unsigned seen = 0;
	int c, hidden, idx = -1, i;
	ar_err e;

	memset(&o, 0, sizeof o);
	ar_kind_set_reader(AR_READER_KEY_IMPORT);
	hidden = hide_kid(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc - hidden, argv, "o:", long_options, &idx)) != -1) {
		if (c == 'o')
			c = OPT_OUTPUT; /* -o is --output; getopt sets no idx for it */
		if (c != '?' && c != ':' && optarg &&
		    ar_text_check_flag(c == OPT_OUTPUT ? "output" : long_options[idx].name, optarg,
				       &e) != AR_OK)
			return finish(e.status, &e);
		switch (c) {
		case OPT_HELP: fputs(usage_text, stdout); return 0;
		case OPT_VERSION: printf(PROGRAM " " AR_VERSION "\n"); return 0;
		case OPT_STATE_DIR: o.state_dir = optarg; break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_JSON: o.json = 1; break;
		case OPT_FORCE: o.force = 1; break;
		case OPT_PROBE: o.probe = 1; break;
		case OPT_ROOT: o.root = optarg; break;
		case OPT_WARN_DAYS:
			if (seen & BIT(c))
				return usage_error("--warn-days given twice");
			o.warn_days_arg = optarg; /* checked by status: --help after it helps */
			break;
		case OPT_METRICS:
			if (seen & BIT(c))
				return usage_error("--metrics given twice");
			o.metrics = optarg;
			break;
		case OPT_OUTPUT:
		case OPT_QR:
			if (seen & BIT(c))
				return usage_error(c == OPT_QR ? "--qr given twice" :
						   "-o/--output given twice");
			*(c == OPT_QR ? &o.qr : &o.output) = optarg;
			break;
		case OPT_HOST:
			if (o.n_host_files <= AR_MAX_HOSTS)
				o.host_files[o.n_host_files++] = optarg;
			break;
		default: return usage_error("unknown option or missing value: %s", argv[optind - 1]);
		}
		if (c != OPT_STATE_DIR)
			seen |= BIT(c);
	}
	for (i = optind; i < argc; i++)
		if (ar_text_check(argv[i], "an argument", AR_EUSAGE, NULL, &e) != AR_OK)
			return finish(e.status, &e);
	if (optind >= argc)
		return usage_error("missing FILE or verb");
	if (ar_check_dir_choice(o.state_dir, "--state-dir", AR_STATE_DIR_ENV, &e) != AR_OK)
		return finish(e.status, &e);
	if (sodium_init() < 0) {
		fprintf(stderr, PROGRAM ": libsodium failed to initialise\n");
		return AR_EINTERNAL;
	}
	o.now = (long long)time(NULL);
	for (i = 0; i < (int)(sizeof verbs / sizeof verbs[0]); i++) {
		if (strcmp(argv[optind], verbs[i].name) != 0)
			continue;
		if (seen & ~verbs[i].allowed)
			return usage_error("--%s does not apply to %s",
					   option_name(seen & ~verbs[i].allowed), verbs[i].name);
		return verbs[i].run(&o, argc - optind - 1, argv + optind + 1);
	}
	/* key-import FILE is short for key-import import FILE, with import's flags */
	if (seen & ~verbs[0].allowed)
		return usage_error("--%s does not apply to import (key-import FILE is key-import "
				   "import FILE)", option_name(seen & ~verbs[0].allowed));
	return cmd_import(&o, argc - optind, argv + optind);
}
