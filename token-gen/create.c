/* SPDX-License-Identifier: Apache-2.0 */
/* `token-gen create`: host records in, a signed token out. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "fileio.h"
#include "filekind.h"
#include "qr.h"
#include "host.h"
#include "json.h"
#include "stamp.h"
#include "token.h"
#include "text.h"

static int check_billing_flags(const tokengen_opts *o, const char *program, const char **model,
			       int *usage, ar_err *e)
{
	if (!o->billing_model)
		return ar_fail(e, AR_EUSAGE, NULL, "create needs --billing-model");
	*model = ar_billing_model(o->billing_model);
	if (!*model)
		return ar_fail(e, AR_EUSAGE, NULL,
			       "--billing-model \"%s\": must be Capacity, Development or Custom",
			       o->billing_model);
	if (o->agreement_number && (!*o->agreement_number ||
				    strlen(o->agreement_number) > AR_MAX_AGREEMENT_CHARS))
		return ar_fail(e, AR_EUSAGE, NULL, "--agreement-number must be 1 to %d characters",
			       AR_MAX_AGREEMENT_CHARS);
	if (o->asset_tag && (!*o->asset_tag || strlen(o->asset_tag) > AR_MAX_ASSET_TAG_CHARS))
		return ar_fail(e, AR_EUSAGE, NULL, "--asset-tag must be 1 to %d characters",
			       AR_MAX_ASSET_TAG_CHARS);
	if (strcmp(*model, AR_BILLING_CAPACITY) == 0 && !o->agreement_number)
		return ar_fail(e, AR_EUSAGE, NULL,
			       "billing model Capacity needs --agreement-number");
	if (strcmp(*model, AR_BILLING_CUSTOM) == 0 && !o->asset_tag)
		return ar_fail(e, AR_EUSAGE, NULL, "billing model Custom needs --asset-tag");
	*usage = o->usage_reporting;
	if (strcmp(*model, AR_BILLING_CAPACITY) == 0 && *usage) {
		ar_warn(program, "billing model Capacity: usage reporting switched off "
			"(a disconnected stamp cannot report usage)");
		*usage = 0;
	}
	return AR_OK;
}

static int same_field(json_t *a, json_t *b, const char *key)
{
	return json_equal(json_object_get(a, key), json_object_get(b, key));
}

/* The host of file i is not one of hosts already taken (by UUID or by name). */
static int unique_host(const tokengen_opts *o, json_t *hosts, json_t *host, int i, ar_err *e)
{
	json_t *other;
	size_t j;

	json_array_foreach(hosts, j, other) {
		const char *dup = same_field(host, other, AR_HOST_UUID) ? AR_HOST_UUID
				: same_field(host, other, AR_HOST_NAME) ? AR_HOST_NAME : NULL;

		/* the UUID is not printed (the files name it): identities stay out of logs */
		if (dup && strcmp(dup, AR_HOST_UUID) == 0)
			return ar_fail(e, AR_EINPUT, o->host_files[i], "same host UUID as %s: give "
				       "each host's record once", o->host_files[j]);
		if (dup)
			return ar_fail(e, AR_EINPUT, o->host_files[i], "same host name as %s (%s): "
				       "give each host's record once", o->host_files[j],
				       json_string_value(json_object_get(host, dup)));
	}
	return AR_OK;
}

/* A Capacity token licenses physical cores: a record without its count would license none. */
static int cores_stated(const char *file, json_t *host, ar_err *e)
{
	if (json_object_get(host, AR_HOST_CPU_CORES))
		return AR_OK;
	return ar_fail(e, AR_EINPUT, file, "no \"cpuCores\": a Capacity token licenses physical "
		       "cores: probe the host again with --cpu-cores N");
}

static int collect_hosts(const tokengen_opts *o, int capacity, json_t *hosts, ar_err *e)
{
	int i, rc = AR_OK;

	if (o->n_host_files > AR_MAX_HOSTS)
		return ar_fail(e, AR_EUSAGE, NULL, "at most %d hosts in a token (--host given more often)",
			       AR_MAX_HOSTS);
	if (o->n_host_files == 0) {
		probe_opts probe = o->probe;
		json_t *self = NULL;

		probe.need_cores = capacity;
		if (probe_host(&probe, &self, e) != AR_OK)
			return e->status;
		return json_array_append_new(hosts, self) == 0 ? AR_OK
			: ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	if (ar_stdin_once(o->host_files, (size_t)o->n_host_files, "--host", e) != AR_OK)
		return e->status;
	for (i = 0; rc == AR_OK && i < o->n_host_files; i++) {
		json_t *host = NULL;

		rc = ar_host_load(o->host_files[i], &host, e);
		if (rc == AR_OK && capacity)
			rc = cores_stated(o->host_files[i], host, e);
		if (rc == AR_OK)
			rc = unique_host(o, hosts, host, i, e);
		if (rc != AR_OK)
			json_decref(host);
		else if (json_array_append_new(hosts, host) != 0) /* it takes host either way */
			rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	return rc;
}

static int write_token(const tokengen_opts *o, const char *compact, const ar_stamp *stamp,
		       size_t n_hosts, ar_err *e)
{
	size_t len = strlen(compact);
	FILE *report = ar_qr_status_stream(o->output, o->qr);
	char what[64];

	/* No newline: `sha256sum FILE` then prints the hash we print, and no
	 * line-ending conversion on the way can change the file. */
	if (o->output) {
		if (ar_write_output(o->output, compact, len, 0, e) != AR_OK)
			return e->status;
		fprintf(report, PROGRAM ": wrote %s: registration token, %zu bytes, %zu host%s, "
			"CloudId %s\n", ar_text_shown(ar_output_name(o->output)), len, n_hosts,
			n_hosts == 1 ? "" : "s", stamp->cloud_id);
		ar_report_sha256(report, compact, len, ar_output_name(o->output));
	}
	snprintf(what, sizeof what, "registration token (%zu bytes)", len);
	return o->qr ? ar_qr_output(o->qr, compact, len, PROGRAM, what, report, e) : AR_OK;
}

int create_claims(const tokengen_opts *o, const char *program, json_t **claims,
		  json_t **records, ar_stamp *stamp, ar_err *e)
{
	ar_token_params p = { 0 };
	json_t *hosts = json_array();
	int rc = hosts ? AR_OK : ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	*claims = NULL;
	*records = NULL;
	/* Every check that can fail on the operator's input comes before the
	 * first write, so a refused command leaves nothing behind. */
	if (rc == AR_OK)
		rc = check_billing_flags(o, program, &p.billing_model, &p.usage_reporting, e);
	/* the identity before this machine's probe: a failed probe (exit 3 on a VM) must not
	 * hide a mistyped --state-dir; --host files, the operator's input, are checked first */
	if (rc == AR_OK && o->n_host_files == 0)
		rc = ar_stamp_require(ar_stamp_dir(o->state_dir), 1, e);
	if (rc == AR_OK)
		rc = collect_hosts(o, strcmp(p.billing_model, AR_BILLING_CAPACITY) == 0, hosts, e);
	if (rc == AR_OK)
		rc = ar_stamp_open(ar_stamp_dir(o->state_dir), stamp, e);
	if (rc == AR_OK) {
		p.cloud_id = stamp->cloud_id;
		p.agreement_number = o->agreement_number;
		p.asset_tag = o->asset_tag;
		p.marketplace_syndication = o->marketplace_syndication;
		p.issued_at = (long long)time(NULL);
		p.hosts = hosts;
		*claims = ar_token_claims(&p, e);
		rc = *claims ? AR_OK : e->status;
	}
	if (rc == AR_OK)
		*records = hosts;
	else
		json_decref(hosts);
	return rc;
}

int cmd_create_run(const tokengen_opts *o, ar_err *e)
{
	json_t *hosts = NULL, *claims = NULL;
	char *compact = NULL;
	ar_stamp stamp;
	int rc;

	memset(&stamp, 0, sizeof stamp);
	if (!o->output && !o->qr)
		rc = ar_fail(e, AR_EUSAGE, NULL, "create needs -o FILE|- or --qr FILE.png|-");
	else
		rc = ar_qr_check_outputs(o->output, o->qr, e);
	if (rc == AR_OK)
		rc = ar_stamp_output_outside(ar_stamp_dir(o->state_dir), o->output, e);
	if (rc == AR_OK)
		rc = ar_stamp_output_outside(ar_stamp_dir(o->state_dir), o->qr, e);
	if (rc == AR_OK)
		rc = create_claims(o, PROGRAM, &claims, &hosts, &stamp, e);
	if (rc == AR_OK)
		rc = ar_token_encode(claims, &stamp.key, &compact, e);
	if (rc == AR_OK)
		rc = write_token(o, compact, &stamp, json_array_size(hosts), e);
	free(compact);
	json_decref(claims);
	json_decref(hosts);
	ar_stamp_close(&stamp);
	return rc;
}
