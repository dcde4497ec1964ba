/* SPDX-License-Identifier: Apache-2.0 */
/* The chain is judged whole in memory and written once (an atomic replace), so a refusal
 * anywhere in a file leaves the state as it was. The held file is decoded and verified
 * again at every read: it is the stamp's own, but a hand edit must not bring a key. */
#include "chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "revoked.h"
#include "rotation.h"
#include "text.h"
#include "trust.h"

typedef struct {
	ar_rotation *held;  /* STATE/trusted/issuer-chain.json, decoded */
	size_t n_held;
	ar_rotation *in;    /* the file given */
	size_t n_in;
	const ar_rotation *next[AR_MAX_ROTATIONS]; /* the held chain and what is accepted */
	size_t n_next;
} chain_work;

static int chain_path(const char *state_dir, char *out, size_t cap, ar_err *e)
{
	return trust_file_path(state_dir, AR_ISSUER_CHAIN_FILE, "", out, cap, e);
}

static int load_held(const char *state_dir, ar_rotation **held, size_t *n, ar_err *e)
{
	char path[4200];
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	*held = NULL;
	*n = 0;
	if (chain_path(state_dir, path, sizeof path, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(path))
		return AR_OK;
	/* the stamp's own file: a link or a FIFO in its place is refused, not followed */
	rc = ar_read_state_file(path, AR_MAX_FILE_BYTES, &data, &len, e);
	if (rc == AR_OK && ar_rotation_decode_chain((const char *)data, len, held, n, path,
						    e) != AR_OK)
		rc = ar_fail(e, AR_EENV, path, "the issuer chain this stamp holds is damaged: %s",
			     e->msg);
	free(data);
	return rc;
}

int chain_lookup(const char *state_dir, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES],
		 ar_err *e)
{
	ar_rotation *held = NULL;
	size_t n = 0, i;
	int rc = load_held(state_dir, &held, &n, e);

	for (i = 0; rc == AR_OK && i < n && strcmp(held[i].kid, kid) != 0; i++)
		;
	if (rc == AR_OK && i < n)
		memcpy(pk, held[i].pk, AR_ED25519_PK_BYTES);
	else if (rc == AR_OK)
		rc = ar_fail(e, AR_EINPUT, NULL, "issuer key %s is not trusted here (key-import "
			     "trust add)", kid);
	ar_rotation_free_chain(held, n);
	return rc;
}

/* A key this stamp trusts: by trust add, or brought by the chain (held or accepted now). */
static int trusted(const char *state_dir, const chain_work *w, const char *kid, ar_err *e)
{
	uint8_t pk[AR_ED25519_PK_BYTES];
	size_t i;

	for (i = 0; i < w->n_next; i++)
		if (strcmp(w->next[i]->kid, kid) == 0)
			return revoked_issuer(state_dir, kid, e);
	return trust_lookup((void *)state_dir, kid, pk, e);
}

/* An empty chain starts at the first statement whose previous key, or else whose new key,
 * is trusted here; the statements before it cannot be judged and bring nothing. */
static int anchor(const char *state_dir, chain_work *w, size_t *first, const char *where,
		  ar_err *e)
{
	ar_err ignored;
	size_t i;

	for (i = 0; i < w->n_in; i++)
		if (trusted(state_dir, w, w->in[i].previous_kid, &ignored) == AR_OK ||
		    trusted(state_dir, w, w->in[i].kid, &ignored) == AR_OK) {
			*first = i;
			return AR_OK;
		}
	return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld replaces issuer "
		       "key %s, which is not trusted here (key-import trust add)",
		       w->in[0].version, w->in[0].previous_kid);
}

/* One statement after the held chain: at a held version it must be the one held; above,
 * the very next version, from the current key. */
static int judge(const char *state_dir, chain_work *w, const ar_rotation *r, const char *where,
		 ar_err *e)
{
	const ar_rotation *head = w->next[w->n_next - 1];
	long long base = w->next[0]->version;

	if (r->version < base)
		return AR_OK; /* older than the chain held: nothing to compare it with */
	if (r->version <= head->version) {
		if (strcmp(w->next[r->version - base]->text, r->text) == 0)
			return AR_OK;
		return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld is not the "
			       "one this stamp holds (a fork: refused)", r->version);
	}
	if (r->version != head->version + 1)
		return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld skips version "
			       "%lld (this stamp holds up to version %lld)", r->version,
			       head->version + 1, head->version);
	if (strcmp(r->previous_kid, head->kid) != 0)
		return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld replaces key "
			       "%s, not the current issuer key %s (a fork: refused)", r->version,
			       r->previous_kid, head->kid);
	/* the head's key revoked since: the refusal names the file that was refused */
	if (trusted(state_dir, w, r->previous_kid, e) != AR_OK)
		return ar_err_at(e, where);
	if (w->n_next == AR_MAX_ROTATIONS)
		return ar_fail(e, AR_EINPUT, where, "the issuer chain would hold more than %d "
			       "statements", AR_MAX_ROTATIONS);
	w->next[w->n_next++] = r;
	return AR_OK;
}

static int accept_all(const char *state_dir, chain_work *w, const char *where, ar_err *e)
{
	size_t i, first = 0;

	for (i = 0; i < w->n_held; i++)
		w->next[w->n_next++] = &w->held[i];
	if (w->n_next == 0) {
		if (anchor(state_dir, w, &first, where, e) != AR_OK)
			return e->status;
		w->next[w->n_next++] = &w->in[first++];
	}
	for (i = first; i < w->n_in; i++)
		if (judge(state_dir, w, &w->in[i], where, e) != AR_OK)
			return e->status;
	return AR_OK;
}

static int keep(const char *state_dir, const chain_work *w, const char *where, ar_err *e)
{
	char dir[4096], path[4200], *text;
	const ar_rotation *head = w->next[w->n_next - 1];
	const char *texts[AR_MAX_ROTATIONS];
	size_t i;
	int rc;

	if (w->n_next == w->n_held) {
		printf(PROGRAM ": %s: nothing new (the issuer chain held goes to version %lld, "
		       "kid %s)\n", ar_text_shown(where), head->version, head->kid);
		return AR_OK;
	}
	for (i = 0; i < w->n_next; i++)
		texts[i] = w->next[i]->text;
	text = ar_rotation_chain_join(texts, w->n_next);
	if (!text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = ar_join_path(dir, sizeof dir, state_dir, AR_TRUST_DIR, e);
	if (rc == AR_OK)
		rc = ar_prepare_private_dir(dir, 1, e);
	if (rc == AR_OK)
		rc = chain_path(state_dir, path, sizeof path, e);
	if (rc == AR_OK)
		rc = ar_write_output(path, text, strlen(text), AR_WRITE_STATE, e);
	free(text);
	for (i = w->n_held; rc == AR_OK && i < w->n_next; i++)
		printf(PROGRAM ": %s: accepted issuer key rotation version %lld: kid %s (replaces "
		       "%s)\n", ar_text_shown(where), w->next[i]->version, w->next[i]->kid,
		       w->next[i]->previous_kid);
	if (rc == AR_OK)
		printf(PROGRAM ": current issuer key %s (version %lld)\n", head->kid,
		       head->version);
	return rc;
}

int chain_update(const char *state_dir, const char *text, size_t len, const char *where,
		 ar_err *e)
{
	chain_work w;
	int rc;

	memset(&w, 0, sizeof w);
	rc = ar_rotation_decode_chain(text, len, &w.in, &w.n_in, where, e);
	if (rc == AR_OK)
		rc = load_held(state_dir, &w.held, &w.n_held, e);
	if (rc == AR_OK)
		rc = accept_all(state_dir, &w, where, e);
	if (rc == AR_OK)
		rc = keep(state_dir, &w, where, e);
	ar_rotation_free_chain(w.in, w.n_in);
	ar_rotation_free_chain(w.held, w.n_held);
	return rc;
}

int chain_list(const char *state_dir, json_t *doc, ar_err *e)
{
	ar_rotation *held = NULL;
	json_t *list = json_array();
	size_t n = 0, i;
	int revoked = 0;
	int rc = list ? load_held(state_dir, &held, &n, e)
		      : ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	for (i = 0; rc == AR_OK && i < n; i++)
		if (revoked_issuer_flag(state_dir, held[i].kid, &revoked, e) != AR_OK)
			rc = e->status;
		else if (json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:I, s:b, s:b}",
							       "version",
							       (json_int_t)held[i].version, "kid",
							       held[i].kid, "previousKid",
							       held[i].previous_kid, "issuedAt",
							       (json_int_t)held[i].issued_at,
							       "current", i + 1 == n, "revoked",
							       revoked)) != 0)
			rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK &&
	    (json_object_set_new(doc, "issuerChain", list) != 0 ||
	     json_object_set_new(doc, "currentIssuerKey",
				 n ? json_string(held[n - 1].kid) : json_null()) != 0))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else if (rc != AR_OK)
		json_decref(list);
	ar_rotation_free_chain(held, n);
	return rc;
}
