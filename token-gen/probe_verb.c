/* SPDX-License-Identifier: Apache-2.0 */
/* `token-gen probe`: this host's hardware identity as a host record (probe.c reads it). */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "json.h"

int cmd_probe_run(const tokengen_opts *o, ar_err *e)
{
	const char *out = o->output ? o->output : "-";
	json_t *record = NULL;
	char *text;
	int rc;

	if (probe_host(&o->probe, &record, e) != AR_OK)
		return e->status;
	text = ar_json_dump_pretty(record);
	json_decref(record);
	if (!text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = ar_write_output(out, text, strlen(text), 0, e);
	free(text);
	return rc;
}
