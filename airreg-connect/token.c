/* SPDX-License-Identifier: Apache-2.0 */
/* The token, made as `token-gen create` makes it (its code), in memory: nothing is written. */
#include <stdlib.h>
#include <string.h>

#include "../token-gen/commands.h"
#undef PROGRAM
#include "connect.h"
#include "token.h"

int stamp_make_token(const connect_opts *o, json_t **claims, json_t **records,
		     char **compact, char cloud_id[AR_UUID_CHARS + 1], ar_err *e)
{
	tokengen_opts t;
	ar_stamp stamp;
	int rc, i;

	memset(&t, 0, sizeof t);
	memset(&stamp, 0, sizeof stamp);
	*compact = NULL;
	t.state_dir = o->state_dir;
	t.billing_model = o->billing_model;
	t.agreement_number = o->agreement_number;
	t.asset_tag = o->asset_tag;
	t.usage_reporting = o->usage_reporting;
	t.marketplace_syndication = o->marketplace_syndication;
	for (i = 0; i < o->n_host_files; i++)
		t.host_files[i] = o->host_files[i];
	t.n_host_files = o->n_host_files;
	t.probe.root = o->root;
	t.probe.program = PROGRAM;
	rc = create_claims(&t, PROGRAM, claims, records, &stamp, e);
	if (rc == AR_OK)
		rc = ar_token_encode(*claims, &stamp.key, compact, e);
	if (rc == AR_OK)
		snprintf(cloud_id, AR_UUID_CHARS + 1, "%s", stamp.cloud_id);
	ar_stamp_close(&stamp);
	return rc;
}
