/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar export-issuer-key --chain` (issue 19, part 2): every rotation statement the
 * database holds, in version order, checked as a stamp will check it before it is written.
 * (Apart from rotate.c, which makes the statements, to keep each file short.) */
#include "rotate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "datadir.h"
#include "fileio.h"
#include "rotation.h"
#include "store.h"
#include "text.h"

static int read_chain(store *db, char ***texts, size_t *n, ar_err *e)
{
	store_stmt *st = NULL;
	int step = STORE_DONE, rc;
	char **t;

	*texts = calloc(AR_MAX_ROTATIONS + 1, sizeof **texts);
	*n = 0;
	if (!*texts)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = store_prepare(db, "SELECT statement FROM issuer_keys WHERE version >= 2 "
			   "ORDER BY version", &st, e);
	t = *texts;
	while (rc == AR_OK && (step = store_step(st)) == STORE_ROW && *n <= AR_MAX_ROTATIONS) {
		const char *v = store_column_text(st, 0);

		if (!(t[(*n)++] = strdup(v ? v : "")))
			rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	if (rc == AR_OK && step != STORE_ROW && step != STORE_DONE)
		rc = store_error(db, "issuer keys", e);
	if (st)
		store_release(db, st);
	if (rc == AR_OK && *n > AR_MAX_ROTATIONS)
		rc = ar_fail(e, AR_EENV, NULL, "more than %d rotations: a stamp takes at most %d "
			     "statements", AR_MAX_ROTATIONS, AR_MAX_ROTATIONS);
	return rc;
}

/* The chain as the database holds it, decoded as a stamp will decode it before it is
 * written: a damaged row is the workstation's problem, said here rather than on a stamp. */
int registrar_export_chain(const registrar_opts *o, ar_err *e)
{
	const char *dir = registrar_data_dir(o);
	char **texts = NULL, *text = NULL;
	ar_rotation *chain = NULL;
	size_t n = 0, count = 0, i;
	FILE *out = ar_report_stream(o->output);
	store *db = NULL;
	int rc;

	if (!o->output || o->qr)
		return ar_fail(e, AR_EUSAGE, NULL, "export-issuer-key --chain writes a file: "
			       "-o FILE|-, not --qr");
	rc = store_require(dir, e);
	if (rc == AR_OK)
		rc = store_open(dir, 0, &db, e);
	if (rc == AR_OK)
		rc = read_chain(db, &texts, &n, e);
	rc = store_close(db, rc, e);
	if (rc == AR_OK && n == 0)
		rc = ar_fail(e, AR_EINPUT, dir, "no rotation yet: the issuer key is the one init "
			     "made (export-issuer-key -o FILE writes it)");
	if (rc == AR_OK && !(text = ar_rotation_chain_join((const char *const *)texts, n)))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK && ar_rotation_decode_chain(text, strlen(text), &chain, &count,
						    AR_DATABASE_FILE, e) != AR_OK)
		rc = ar_fail(e, AR_EENV, e->where, "the database's issuer chain is damaged: %s",
			     e->msg);
	if (rc == AR_OK)
		rc = ar_write_output(o->output, text, strlen(text),
				     o->force ? 0 : AR_WRITE_NO_CLOBBER, e);
	if (rc == AR_OK) {
		fprintf(out, PROGRAM ": wrote %s: issuer chain, versions %lld to %lld, current "
			"kid %s\n", ar_text_shown(ar_output_name(o->output)), chain[0].version,
			chain[count - 1].version, chain[count - 1].kid);
		ar_report_sha256(out, text, strlen(text), ar_output_name(o->output));
	}
	ar_rotation_free_chain(chain, count);
	for (i = 0; texts && i < n; i++)
		free(texts[i]);
	free(texts);
	free(text);
	return rc;
}
