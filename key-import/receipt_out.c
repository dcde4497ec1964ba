/* SPDX-License-Identifier: Apache-2.0 */
#include "receipt_out.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ar_limits.h"
#include "commands.h"
#include "fileio.h"
#include "qr.h"
#include "state.h"
#include "text.h"

/* The directory an output lands in must be there: found missing after the removal, the
 * operator would be left with the kept copy alone and a second command to run. */
static int check_parent(const char *path, const char *state, ar_err *e)
{
	char dir[4096];
	char *slash;
	struct stat st;

	if (!path || ar_is_stdio(path))
		return AR_OK;
	if (ar_check_output(path, e) != AR_OK)
		return e->status;
	if (strlen(path) >= sizeof dir)
		return ar_fail(e, AR_EUSAGE, path, "path too long");
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return ar_fail(e, AR_EENV, path, "cannot be written: %s is not a directory "
			       "(nothing removed)", dir);
	return ar_stamp_output_outside(state, path, e);
}

int receipt_check_outputs(const char *dir, const char *output, const char *qr, ar_err *e)
{
	if (ar_qr_check_outputs(output, qr, e) != AR_OK || check_parent(output, dir, e) != AR_OK ||
	    check_parent(qr, dir, e) != AR_OK)
		return e->status;
	return AR_OK;
}

static int kept_path(char path[4096], const char *dir, ar_err *e)
{
	return ar_join_path(path, 4096, dir, AR_REMOVAL_RECEIPT_FILE, e);
}

int receipt_kept(const char *dir)
{
	char path[4096];
	ar_err quiet = { 0 };

	return kept_path(path, dir, &quiet) == AR_OK && ar_file_exists(path);
}

int receipt_make(const char *dir, const ar_stamp *stamp, json_t *resource, long long now,
		 char **compact, ar_err *e)
{
	const char *name = state_field_text(resource, "registration");
	ar_receipt_params p = { 0 };
	char path[4096];
	json_t *claims = NULL;
	long long high = 0;
	int rc;

	*compact = NULL;
	p.registration = name;
	p.cloud_id = state_field_text(resource, "cloudId");
	p.activation_key_sha256 = state_field_text(resource, "keySha256");
	p.serial = state_field_int(resource, "serial");
	p.removed_at = now;
	/* the mark as it stands after the removal: what the workstation learns stays refused */
	rc = state_high_water(dir, name, &high, e);
	p.high_water = high;
	if (rc == AR_OK && !(claims = ar_receipt_claims(&p, e)))
		rc = e->status;
	if (rc == AR_OK)
		rc = ar_receipt_encode(claims, &stamp->key, compact, e);
	if (rc == AR_OK)
		rc = kept_path(path, dir, e);
	if (rc == AR_OK)
		rc = ar_write_output(path, *compact, strlen(*compact), AR_WRITE_STATE, e);
	json_decref(claims);
	if (rc != AR_OK) {
		free(*compact);
		*compact = NULL;
	}
	return rc;
}

/* The kept receipt is ours: it is verified with this stamp's own key, not a registration's. */
static int own_key(void *ctx, const char *registration, const char *kid,
		   uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	const ar_stamp *stamp = ctx;

	(void)registration;
	if (strcmp(kid, stamp->kid) != 0)
		return ar_fail(e, AR_EENV, NULL, "not a receipt this stamp wrote (damaged state: "
			       "delete it; the workstation can still unregister without proof)");
	memcpy(pk, stamp->key.pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

int receipt_read_kept(const char *dir, const ar_stamp *stamp, char **compact, ar_receipt *r,
		      ar_err *e)
{
	char path[4096];
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	*compact = NULL;
	if (kept_path(path, dir, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(path))
		return AR_OK;
	rc = ar_read_state_file(path, AR_RECEIPT_MAX_BYTES, &data, &len, e);
	if (rc == AR_OK &&
	    ar_receipt_decode((const char *)data, len, own_key, (void *)stamp, r, path, e) != AR_OK)
		rc = ar_fail(e, AR_EENV, path, "not a receipt this stamp wrote (damaged state: "
			     "delete it; the workstation can still unregister without proof)");
	if (rc == AR_OK)
		*compact = (char *)data;
	else
		free(data);
	return rc;
}

int receipt_write(const char *output, const char *qr, const char *compact, const char *name,
		  long long serial, FILE *report, ar_err *e)
{
	size_t len = strlen(compact);
	char what[64];

	if (output) {
		if (ar_write_output(output, compact, len, 0, e) != AR_OK)
			return e->status;
		fprintf(report, PROGRAM ": wrote %s: removal receipt, %zu bytes, serial %lld of %s\n",
			ar_text_shown(ar_output_name(output)), len, serial, ar_text_shown(name));
		ar_report_sha256(report, compact, len, ar_output_name(output));
		fprintf(report, PROGRAM ": carry it to the workstation: registrar unregister "
			"--receipt %s\n", ar_is_stdio(output) ? "RECEIPT" : ar_text_shown(output));
	}
	snprintf(what, sizeof what, "removal receipt (%zu bytes)", len);
	if (!qr || ar_qr_output(qr, compact, len, PROGRAM, what, report, e) != AR_OK)
		return qr ? e->status : AR_OK;
	/* drawn only: the workstation scans it first (zbarimg's text, then the same verb) */
	if (!output)
		fprintf(report, PROGRAM ": carry it to the workstation: scan it (" AR_QR_SCAN_COMMAND
			" %s > RECEIPT), then registrar unregister --receipt RECEIPT\n",
			ar_is_stdio(qr) ? "IMAGE" : ar_text_shown(qr));
	return AR_OK;
}
