/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import check --host FILE...|--probe`: is the hardware given now (or this machine,
 * probed as token-gen probes it) the hardware the imported activation was issued for
 * (docs/spec.md, "Matching hosts"), and within what a Capacity key licenses? The same
 * judgement serves `import --host` before it writes. The verdict is kept in last-check.json
 * (lastcheck.c), the one file check writes. Only the key the activation resource holds,
 * verified again (verify_copy.c), decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ar_limits.h"
#include "check.h"
#include "codec.h"
#include "commands.h"
#include "fileio.h"
#include "filekind.h"
#include "host.h"
#include "hostkey.h"
#include "hostmatch.h"
#include "import.h"
#include "json.h"
#include "lastcheck.h"
#include "stamp.h"
#include "state.h"

/* The resource's policy as hostmatch.c takes it; 0 when the activation has none. */
static int policy_of(json_t *claim, hm_policy *p)
{
	const char *s = json_string_value(claim);

	p->count = 0;
	if (json_is_integer(claim)) {
		p->kind = HM_POLICY_COUNT;
		p->count = (unsigned)json_integer_value(claim);
		return 1;
	}
	if (!s)
		return 0;
	p->kind = strcmp(s, AR_HOST_MATCH_ALL) == 0 ? HM_POLICY_ALL
		: strcmp(s, AR_HOST_MATCH_ANY) == 0 ? HM_POLICY_ANY : HM_POLICY_MOST;
	return 1;
}

/* Pointers into the hosts' digests (NULL: absent, as the registrar left a placeholder out). */
static void identities_of(json_t *hosts, hm_identity *out)
{
	json_t *h;
	size_t i;

	json_array_foreach(hosts, i, h) {
		out[i].uuid = json_string_value(json_object_get(h, AR_HOST_UUID));
		out[i].serial = json_string_value(json_object_get(h, AR_HOST_SERIAL));
		out[i].board_serial = json_string_value(json_object_get(h, AR_HOST_BOARD_SERIAL));
	}
}

/* The key's policy and salt, as the registrar signed them in (the activation's or the key's
 * an import is about to write). */
static int policy_and_salt(json_t *r, hm_policy *policy, uint8_t *salt, const char *where,
			   ar_err *e)
{
	const char *s;
	size_t n = 0;

	if (!policy_of(json_object_get(r, "hostMatch"), policy))
		return ar_fail(e, AR_EENV, where, "the activation's key carries no hardware policy "
			       "(a registrar before hardware policies issued it): issue a new key on "
			       "the workstation: registrar activation-key --name %s",
			       state_field_text(r, "registration"));
	s = state_field_text(r, "hostSalt");
	if (ar_b64url_decode(s, strlen(s), salt, AR_HOST_SALT_BYTES, &n) != 0 ||
	    n != AR_HOST_SALT_BYTES)
		return ar_fail(e, AR_EENV, where, "activation.json: \"hostSalt\" is not %d bytes "
			       "(damaged state: import the key again)", AR_HOST_SALT_BYTES);
	return AR_OK;
}

/* Said before any record is read: a key with nothing to check against. */
static int policy_and_salt_present(json_t *r, const char *where, ar_err *e)
{
	uint8_t salt[AR_HOST_SALT_BYTES];
	hm_policy p;
	int rc = policy_and_salt(r, &p, salt, where, e);

	sodium_memzero(salt, sizeof salt);
	return rc;
}

/* Capacity keys: the given hosts and their cores against what the key licenses; every record
 * counts (each is a host of its own: check_gather refused two of one UUID or name, so a
 * clone never hides as another's duplicate). 1 within, 0 over; says so in text. */
static int capacity(json_t *r, json_t *records, check_capacity *c)
{
	json_t *lic = json_object_get(r, "licensed");
	json_t *rec;
	size_t j;

	memset(c, 0, sizeof *c);
	c->known = json_is_object(lic);
	if (!c->known)
		return 1;
	c->licensed_hosts = json_integer_value(json_object_get(lic, "hosts"));
	c->licensed_cores = json_integer_value(json_object_get(lic, "cpuCores"));
	json_array_foreach(records, j, rec) {
		c->given_hosts++;
		c->given_cores += json_integer_value(json_object_get(rec, AR_HOST_CPU_CORES));
	}
	c->over_hosts = c->given_hosts > c->licensed_hosts;
	c->over_cores = c->licensed_cores > 0 && c->given_cores > c->licensed_cores;
	return !c->over_hosts && !c->over_cores;
}

static void capacity_text(const check_capacity *c, char *out, size_t cap)
{
	char hosts[96] = "", cores[96] = "";

	if (!c->known) {
		out[0] = '\0';
	} else if (c->over_hosts || c->over_cores) {
		if (c->over_hosts)
			snprintf(hosts, sizeof hosts, "%lld hosts given, %lld licensed",
				 c->given_hosts, c->licensed_hosts);
		if (c->over_cores)
			snprintf(cores, sizeof cores, "%s%lld cores given, %lld licensed",
				 c->over_hosts ? " and " : "", c->given_cores, c->licensed_cores);
		snprintf(out, cap, "; capacity exceeded: %s%s", hosts, cores);
	} else {
		if (c->licensed_cores > 0)
			snprintf(cores, sizeof cores, ", %lld of %lld cores", c->given_cores,
				 c->licensed_cores);
		snprintf(out, cap, "; capacity %lld of %lld hosts%s", c->given_hosts,
			 c->licensed_hosts, cores);
	}
}

int check_judge(json_t *r, json_t *records, check_report *rep, const char *where, ar_err *e)
{
	uint8_t salt[AR_HOST_SALT_BYTES];
	hm_identity lic[AR_MAX_HOSTS], giv[AR_MAX_HOSTS];
	char verdict[CHECK_REASON_CHARS], cap[CHECK_REASON_CHARS];
	json_t *given = NULL;
	size_t j;
	int rc;

	memset(rep, 0, sizeof *rep);
	rc = policy_and_salt(r, &rep->policy, salt, where, e);
	/* the given records' identities digested as the registrar digests a token's hosts
	 * (ar_key_hosts: the same placeholders left out), so both sides compare alike */
	if (rc == AR_OK && !(given = ar_key_hosts(records, state_field_text(r, "cloudId"), salt)))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK) {
		rep->resource = r;
		rep->records = records;
		rep->licensed_hosts = json_object_get(r, "hosts");
		rep->n_licensed = json_array_size(rep->licensed_hosts);
		rep->n_given = json_array_size(given);
		identities_of(rep->licensed_hosts, lic);
		identities_of(given, giv);
		if (hm_assign(lic, rep->n_licensed, giv, rep->n_given, &rep->a) != 0)
			rc = ar_fail(e, AR_EENV, where, "activation.json: more than %d hosts "
				     "(damaged state: import the key again)", AR_MAX_HOSTS);
	}
	if (rc == AR_OK) {
		for (j = 0; j < rep->n_given; j++)
			rep->n_duplicates += rep->a.fresh[j] == HM_FRESH_DUPLICATE;
		rep->compliant = hm_verdict(rep->a.licensed, rep->n_licensed, rep->n_duplicates,
					    &rep->policy, verdict, sizeof verdict);
		rep->compliant &= capacity(r, records, &rep->cap);
		capacity_text(&rep->cap, cap, sizeof cap);
		snprintf(rep->reason, sizeof rep->reason, "%s%s", verdict, cap);
	}
	sodium_memzero(salt, sizeof salt);
	json_decref(given);
	return rc;
}

int check_import_key(const keyimport_opts *o, json_t *r, json_t *records, check_report *rep,
		     const char *where, ar_err *e)
{
	int rc;

	if (!json_object_get(r, "hostMatch"))
		return ar_fail(e, AR_EINPUT, where, "the key carries no hardware policy to check "
			       "the hardware given against (a registrar before hardware policies "
			       "issued it): import it without %s", o->probe ? "--probe" : "--host");
	rc = check_probe_fits(o, r, "key", e);
	if (rc == AR_OK)
		rc = check_gather(o, records, e);
	if (rc == AR_OK)
		rc = check_judge(r, records, rep, where, e);
	if (rc == AR_OK)
		rc = check_print_text(rep, e);
	return rc;
}

/* The check judged outside the lock: an import that committed meanwhile wrote its own verdict
 * about the activation it is, which a verdict about the one judged must not overwrite (status
 * would show the current activation's verdict as lost). A removal meanwhile leaves the verdict
 * to be kept, as remove keeps it: status says it was for an earlier activation. */
int check_record_verdict(const char *dir, json_t *r, const check_report *rep, long long now,
			 ar_err *e)
{
	char path[4096];
	json_t *held = NULL;
	int lock = -1, rc = ar_lock_dir(dir, &lock, e);

	if (rc == AR_OK)
		rc = state_read_resource(dir, &held, e);
	if (rc == AR_OK && held && !json_equal(json_object_get(held, "keySha256"),
					       json_object_get(r, "keySha256"))) {
		rc = ar_join_path(path, sizeof path, dir, AR_LAST_CHECK_FILE, e);
		if (rc == AR_OK)
			rc = ar_fail(e, AR_EENV, path, "not kept: a newer activation (serial %lld) was "
				     "imported while the check ran; run key-import check again",
				     state_field_int(held, "serial"));
	}
	if (rc == AR_OK)
		rc = lastcheck_write(dir, r, rep, now, e);
	ar_unlock(lock);
	json_decref(held);
	return rc;
}

int cmd_check_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	json_t *r = NULL, *records = json_array();
	check_report rep;
	long long trusted = 0;
	int rc = records ? AR_OK : ar_fail(e, AR_EINTERNAL, NULL, "out of memory");

	memset(&rep, 0, sizeof rep);
	if (rc == AR_OK)
		rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = state_read_resource(dir, &r, e);
	if (rc == AR_OK && !r)
		rc = ar_fail(e, AR_EENV, dir, "nothing activated here: import a key first "
			     "(key-import import FILE)");
	if (rc == AR_OK)
		rc = check_verify_copy(dir, r, e);
	if (rc == AR_OK)
		rc = policy_and_salt_present(r, dir, e);
	/* a clock set back would date the verdict before the key it judged was issued */
	if (rc == AR_OK)
		rc = import_check_clock(dir, o->now, &trusted, "check", e);
	if (rc == AR_OK)
		rc = check_probe_fits(o, r, "activation", e);
	if (rc == AR_OK)
		rc = check_gather(o, records, e);
	if (rc == AR_OK)
		rc = check_judge(r, records, &rep, dir, e);
	if (rc == AR_OK)
		rc = o->json ? check_print_json(&rep, e) : check_print_text(&rep, e);
	/* the verdict is printed first: a record that cannot be written (exit 5, naming the
	 * file) still leaves the operator the answer, and status the previous record */
	if (rc == AR_OK)
		rc = check_record_verdict(dir, r, &rep, o->now, e);
	if (rc == AR_OK && !rep.compliant)
		rc = ar_fail(e, AR_EINPUT, "check", "out of compliance: %s", rep.reason);
	json_decref(records);
	json_decref(r);
	return rc;
}
