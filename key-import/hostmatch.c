/* SPDX-License-Identifier: Apache-2.0 */
#include "hostmatch.h"

#include <stdio.h>
#include <string.h>

/* One identity field on both sides. Absent on either side is unknown, not a difference:
 * a VM without a serial, or a serial the operator gave once, says nothing against a match. */
typedef enum { F_ABSENT, F_SAME, F_CHANGED } field_state;

static field_state field(const char *a, const char *b)
{
	if (!a || !b || !a[0] || !b[0])
		return F_ABSENT;
	return strcmp(a, b) == 0 ? F_SAME : F_CHANGED;
}

hm_result hm_compare(const hm_identity *licensed, const hm_identity *fresh)
{
	field_state u = field(licensed->uuid, fresh->uuid);
	field_state s = field(licensed->serial, fresh->serial);
	field_state b = field(licensed->board_serial, fresh->board_serial);

	if (u == F_SAME) {
		if (s == F_SAME || b == F_SAME)
			return HM_SAME;
		/* no serial to compare: the UUID is all the host has (VMs), so it decides;
		 * every serial that can be compared differs: another machine with a copied UUID */
		return (s == F_CHANGED || b == F_CHANGED) ? HM_NO_MATCH : HM_SAME;
	}
	/* a UUID changed (or a placeholder now): only both serials together still say which
	 * machine this is; one serial alone is too often shared by a vendor's whole line */
	return (s == F_SAME && b == F_SAME) ? HM_REPLACED_BOARD : HM_NO_MATCH;
}

/* Licensed host i's serial pair is another licensed host's too: a vendor's line or cloned
 * firmware, so the pair says nothing about which machine a given host is. */
static int pair_shared(const hm_identity *licensed, size_t n, size_t i)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (k != i && field(licensed[k].serial, licensed[i].serial) == F_SAME &&
		    field(licensed[k].board_serial, licensed[i].board_serial) == F_SAME)
			return 1;
	return 0;
}

/* The given host's UUID is a licensed host's: it is that host (or a copy of it), never
 * another licensed host's board replaced. */
static int uuid_licensed(const hm_identity *licensed, size_t n, const hm_identity *fresh)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (field(licensed[k].uuid, fresh->uuid) == F_SAME)
			return 1;
	return 0;
}

typedef struct {
	size_t nl, nf;
	unsigned char cmp[AR_MAX_HOSTS][AR_MAX_HOSTS]; /* hm_result of each pair: 4 KiB */
	int locked_l[AR_MAX_HOSTS], locked_f[AR_MAX_HOSTS]; /* paired by an earlier pass */
	int seen[AR_MAX_HOSTS];
	hm_assignment *out;
} matcher;

/* Kuhn's augmenting path: licensed host i takes a free given host, or one whose licensed
 * host can move to another; given hosts are tried in order, so the first given wins. */
static int augment(matcher *m, size_t i, hm_result want)
{
	size_t j;

	for (j = 0; j < m->nf; j++) {
		int other = m->out->fresh_to[j];

		if (m->cmp[i][j] != (unsigned char)want || m->locked_f[j] || m->seen[j])
			continue;
		m->seen[j] = 1;
		if (other < 0 || augment(m, (size_t)other, want)) {
			m->out->fresh_to[j] = (int)i;
			m->out->licensed_to[i] = (int)j;
			m->out->licensed[i] = want;
			return 1;
		}
	}
	return 0;
}

static void pass(matcher *m, hm_result want)
{
	size_t i, j;

	for (i = 0; i < m->nl; i++) {
		if (m->locked_l[i])
			continue;
		memset(m->seen, 0, sizeof m->seen);
		augment(m, i, want);
	}
	for (i = 0; i < m->nl; i++)
		m->locked_l[i] = m->out->licensed_to[i] >= 0;
	for (j = 0; j < m->nf; j++)
		m->locked_f[j] = m->out->fresh_to[j] >= 0;
}

int hm_assign(const hm_identity *licensed, size_t n_licensed, const hm_identity *fresh,
	      size_t n_fresh, hm_assignment *out)
{
	matcher m;
	size_t i, j;

	if (n_licensed > AR_MAX_HOSTS || n_fresh > AR_MAX_HOSTS)
		return -1;
	memset(&m, 0, sizeof m);
	m.nl = n_licensed;
	m.nf = n_fresh;
	m.out = out;
	for (i = 0; i < AR_MAX_HOSTS; i++) {
		out->licensed[i] = HM_NO_MATCH;
		out->licensed_to[i] = -1;
		out->fresh[i] = HM_FRESH_NEW;
		out->fresh_to[i] = -1;
	}
	for (i = 0; i < n_licensed; i++)
		for (j = 0; j < n_fresh; j++) {
			hm_result r = hm_compare(&licensed[i], &fresh[j]);

			/* a replaced board is told by serials that are this host's alone, on a
			 * host that is no other licensed host */
			if (r == HM_REPLACED_BOARD && (pair_shared(licensed, n_licensed, i) ||
						       uuid_licensed(licensed, n_licensed, &fresh[j])))
				r = HM_NO_MATCH;
			m.cmp[i][j] = (unsigned char)r;
		}
	/* a host that is the same outranks one that only has its serials */
	pass(&m, HM_SAME);
	pass(&m, HM_REPLACED_BOARD);
	for (j = 0; j < n_fresh; j++) {
		if (out->fresh_to[j] >= 0) {
			out->fresh[j] = HM_FRESH_MATCHED;
			continue;
		}
		for (i = 0; i < n_licensed && out->fresh[j] == HM_FRESH_NEW; i++)
			if (m.cmp[i][j] != HM_NO_MATCH) {
				out->fresh[j] = HM_FRESH_DUPLICATE;
				out->fresh_to[j] = (int)i;
			}
	}
	return 0;
}

size_t hm_policy_needs(const hm_policy *policy, size_t n_licensed)
{
	switch (policy->kind) {
	case HM_POLICY_ALL: return n_licensed;
	case HM_POLICY_MOST: return n_licensed / 2 + 1;  /* more than half */
	case HM_POLICY_ANY: return 1;
	case HM_POLICY_COUNT: return policy->count ? policy->count : 1;
	}
	return n_licensed;
}

static const char *policy_name(const hm_policy *policy, char *buf, size_t cap)
{
	switch (policy->kind) {
	case HM_POLICY_ALL: return AR_HOST_MATCH_ALL;
	case HM_POLICY_MOST: return AR_HOST_MATCH_MOST;
	case HM_POLICY_ANY: return AR_HOST_MATCH_ANY;
	case HM_POLICY_COUNT: break;
	}
	snprintf(buf, cap, "%u", policy->count);
	return buf;
}

int hm_verdict(const hm_result *licensed, size_t n_licensed, size_t n_duplicates,
	       const hm_policy *policy, char *reason, size_t cap)
{
	size_t same = 0, replaced = 0, i, needs = hm_policy_needs(policy, n_licensed);
	char name[16], dup[96] = "";
	int ok;

	for (i = 0; i < n_licensed; i++) {
		same += licensed[i] == HM_SAME;
		replaced += licensed[i] == HM_REPLACED_BOARD;
	}
	/* no licensed host is never in compliance, whatever "any" or "N" would say */
	ok = n_licensed > 0 && same + replaced >= needs;
	if (n_duplicates)
		snprintf(dup, sizeof dup, "; %zu given host%s matched a licensed host already found",
			 n_duplicates, n_duplicates == 1 ? "" : "s");
	snprintf(reason, cap, "%zu of %zu licensed host%s found (%zu same, %zu replaced board); "
		 "policy %s needs %zu%s", same + replaced, n_licensed, n_licensed == 1 ? "" : "s",
		 same, replaced, policy_name(policy, name, sizeof name), needs, dup);
	return ok;
}
