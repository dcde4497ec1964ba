/* SPDX-License-Identifier: Apache-2.0 */
/* The hardware `key-import check` and `import --host|--probe` judge: the --host records, each
 * host once as `token-gen create` takes them (two records of one UUID or one name would let
 * a clone pass as the host it copies), or this machine probed as token-gen probes it, a
 * probe's failure told in key-import's terms. */
#include <stdio.h>
#include <string.h>

#include "ar_limits.h"
#include "check.h"
#include "commands.h"
#include "fileio.h"
#include "host.h"
#include "probe.h"

/* the room kept in the line for probe_advice's words (118 characters) */
#define PROBE_ADVICE_ROOM 128

static int same_field(json_t *a, json_t *b, const char *key)
{
	return json_equal(json_object_get(a, key), json_object_get(b, key));
}

/* Record j is no host an earlier record is, by UUID or by name. The UUID is never printed:
 * the files name it, and a stamp's identities stay out of logs. */
static int unique_record(const keyimport_opts *o, json_t *records, size_t j, ar_err *e)
{
	json_t *host = json_array_get(records, j);
	size_t i;

	for (i = 0; i < j; i++) {
		json_t *other = json_array_get(records, i);

		if (same_field(host, other, AR_HOST_UUID))
			return ar_fail(e, AR_EINPUT, ar_input_name(o->host_files[j]), "same host UUID "
				       "as %s: give each host's record once",
				       ar_input_name(o->host_files[i]));
		if (same_field(host, other, AR_HOST_NAME))
			return ar_fail(e, AR_EINPUT, ar_input_name(o->host_files[j]), "same host name "
				       "as %s (%s): give each host's record once",
				       ar_input_name(o->host_files[i]),
				       json_string_value(json_object_get(host, AR_HOST_NAME)));
	}
	return AR_OK;
}

static int load_records(const keyimport_opts *o, json_t *records, ar_err *e)
{
	size_t j;

	if (ar_stdin_once(o->host_files, (size_t)o->n_host_files, "--host", e) != AR_OK)
		return e->status;
	for (j = 0; j < (size_t)o->n_host_files; j++) {
		json_t *host = NULL;

		if (ar_host_load(o->host_files[j], &host, e) != AR_OK)
			return e->status;
		if (json_array_append_new(records, host) != 0)
			return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	/* every record read before any is compared: a file that is no record is said first */
	for (j = 0; j < (size_t)o->n_host_files; j++)
		if (unique_record(o, records, j, e) != AR_OK)
			return e->status;
	return AR_OK;
}

/* token-gen's probe advises its own flags ("give --system-uuid", "give --host NAME"), which
 * key-import does not take: the way there is a record written by token-gen probe. The
 * line is cut, not the advice, when both do not fit. */
static void probe_advice(ar_err *e)
{
	char msg[sizeof e->msg - PROBE_ADVICE_ROOM], where[sizeof e->where];

	if (!strstr(e->msg, "give --"))
		return;
	snprintf(msg, sizeof msg, "%s", e->msg);
	snprintf(where, sizeof where, "%s", e->where);
	ar_fail(e, e->status, where[0] ? where : NULL, "%s; key-import takes no VALUE FLAGS: "
		"write the record with token-gen probe and its VALUE FLAGS, then give it with "
		"--host", msg);
}

int check_gather(const keyimport_opts *o, json_t *records, ar_err *e)
{
	probe_opts p;
	json_t *host = NULL;

	if (!o->probe)
		return load_records(o, records, e);
	/* exactly token-gen probe's reading, its failures said by key-import */
	memset(&p, 0, sizeof p);
	p.root = o->root;
	p.program = PROGRAM;
	if (probe_host(&p, &host, e) != AR_OK) {
		probe_advice(e);
		return e->status;
	}
	if (json_array_append_new(records, host) != 0)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return AR_OK;
}

int check_probe_fits(const keyimport_opts *o, json_t *resource, const char *what, ar_err *e)
{
	size_t n = json_array_size(json_object_get(resource, "hosts"));

	if (!o->probe || n <= 1)
		return AR_OK;
	return ar_fail(e, AR_EUSAGE, NULL, "--probe checks a single-host stamp: this %s "
		       "licenses %zu hosts; give every host's record with --host (token-gen probe "
		       "on each)", what, n);
}
