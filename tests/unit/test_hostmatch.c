/* SPDX-License-Identifier: Apache-2.0 */
/* The host-matching rule (key-import/hostmatch.h): every row of docs/spec.md's table of
 * cases, the assignment over a set, and each policy at its boundary. */
#include "testutil.h"

#include "hostmatch.h"

enum { SAME = 'S', CHANGED = 'C', ABSENT = '-' };

/* docs/spec.md, "Matching hosts": UUID, system serial, board serial -> verdict. */
static const struct {
	char u, s, b;
	hm_result want;
} table[] = {
	{ SAME, SAME, SAME, HM_SAME },
	{ SAME, SAME, CHANGED, HM_SAME },
	{ SAME, SAME, ABSENT, HM_SAME },
	{ SAME, CHANGED, SAME, HM_SAME },
	{ SAME, CHANGED, CHANGED, HM_NO_MATCH },
	{ SAME, CHANGED, ABSENT, HM_NO_MATCH },
	{ SAME, ABSENT, SAME, HM_SAME },
	{ SAME, ABSENT, CHANGED, HM_NO_MATCH },
	{ SAME, ABSENT, ABSENT, HM_SAME },
	{ CHANGED, SAME, SAME, HM_REPLACED_BOARD },
	{ CHANGED, SAME, CHANGED, HM_NO_MATCH },
	{ CHANGED, SAME, ABSENT, HM_NO_MATCH },
	{ CHANGED, CHANGED, SAME, HM_NO_MATCH },
	{ CHANGED, CHANGED, CHANGED, HM_NO_MATCH },
	{ CHANGED, CHANGED, ABSENT, HM_NO_MATCH },
	{ CHANGED, ABSENT, SAME, HM_NO_MATCH },
	{ CHANGED, ABSENT, CHANGED, HM_NO_MATCH },
	{ CHANGED, ABSENT, ABSENT, HM_NO_MATCH },
	{ ABSENT, SAME, SAME, HM_REPLACED_BOARD },
	{ ABSENT, SAME, CHANGED, HM_NO_MATCH },
	{ ABSENT, SAME, ABSENT, HM_NO_MATCH },
	{ ABSENT, CHANGED, SAME, HM_NO_MATCH },
	{ ABSENT, CHANGED, CHANGED, HM_NO_MATCH },
	{ ABSENT, CHANGED, ABSENT, HM_NO_MATCH },
	{ ABSENT, ABSENT, SAME, HM_NO_MATCH },
	{ ABSENT, ABSENT, CHANGED, HM_NO_MATCH },
	{ ABSENT, ABSENT, ABSENT, HM_NO_MATCH },
};

/* Where an absent value is: the licensed side, the given side, both, or an empty string. */
enum { ABSENT_FRESH, ABSENT_LICENSED, ABSENT_BOTH, ABSENT_EMPTY, ABSENT_WAYS };

static void field_pair(char state, const char *mine, const char *other, int way,
		       const char **lic, const char **fresh)
{
	*lic = mine;
	*fresh = state == SAME ? mine : other;
	if (state != ABSENT)
		return;
	if (way == ABSENT_FRESH || way == ABSENT_BOTH)
		*fresh = NULL;
	if (way == ABSENT_LICENSED || way == ABSENT_BOTH)
		*lic = NULL;
	if (way == ABSENT_EMPTY)
		*fresh = "";
}

static void every_row_of_the_table(void **state)
{
	size_t r;
	int way;

	(void)state;
	assert_int_equal(sizeof table / sizeof table[0], 27);
	for (r = 0; r < sizeof table / sizeof table[0]; r++)
		for (way = 0; way < ABSENT_WAYS; way++) {
			hm_identity l, f;

			field_pair(table[r].u, "4c4c4544-0042-3510-8051-c4c04f4a4e31",
				   "4c4c4544-0042-3510-8051-c4c04f4a4e32", way, &l.uuid, &f.uuid);
			field_pair(table[r].s, "CZ21380BGM", "CZ21380BGN", way, &l.serial, &f.serial);
			field_pair(table[r].b, ".5QJ4PM2.CN1296", ".5QJ4PM2.CN1297", way,
				   &l.board_serial, &f.board_serial);
			if (hm_compare(&l, &f) != table[r].want || hm_compare(&f, &l) != table[r].want)
				fail_msg("row %zu (%c %c %c), absent way %d: got %d, want %d", r + 1,
					 table[r].u, table[r].s, table[r].b, way, hm_compare(&l, &f),
					 table[r].want);
		}
}

/* The caller passes NULL for a placeholder: two hosts that both lack everything are not
 * the same host, nor are two with one placeholder UUID and nothing else. */
static void placeholders_never_match(void **state)
{
	const hm_identity none = { NULL, NULL, NULL }, only_uuid = { "u1", NULL, NULL };

	(void)state;
	assert_int_equal(hm_compare(&none, &none), HM_NO_MATCH);
	assert_int_equal(hm_compare(&none, &only_uuid), HM_NO_MATCH);
	assert_int_equal(hm_compare(&only_uuid, &none), HM_NO_MATCH);
	/* values compare as opaque bytes: case, spacing and form are the caller's */
	{
		const hm_identity a = { "ABC", "s", NULL }, b = { "abc", "s", NULL };

		assert_int_equal(hm_compare(&a, &b), HM_NO_MATCH);
	}
}

#define ID(u, s, b) { u, s, b }

static void assign_each_to_its_own(void **state)
{
	const hm_identity lic[] = { ID("u1", "s1", "b1"), ID("u2", "s2", "b2"), ID("u3", "s3", NULL) };
	/* given out of order; u3 lost its serial (absent is unknown); u2's board replaced */
	const hm_identity fresh[] = { ID("u3", NULL, NULL), ID("u9", "s2", "b2"), ID("u1", "s1", "b1"),
				      ID("u7", "s7", "b7") };
	hm_assignment a;

	(void)state;
	assert_int_equal(hm_assign(lic, 3, fresh, 4, &a), 0);
	assert_int_equal(a.licensed[0], HM_SAME);
	assert_int_equal(a.licensed_to[0], 2);
	assert_int_equal(a.licensed[1], HM_REPLACED_BOARD);
	assert_int_equal(a.licensed_to[1], 1);
	assert_int_equal(a.licensed[2], HM_SAME);
	assert_int_equal(a.licensed_to[2], 0);
	assert_int_equal(a.fresh[3], HM_FRESH_NEW);
	assert_int_equal(a.fresh_to[3], -1);
	assert_int_equal(a.fresh[0], HM_FRESH_MATCHED);
}

/* Two given hosts claim one licensed host (a copied VM): the first given wins, the second is
 * reported as a duplicate of it, and the licensed host counts once. */
static void two_claim_one(void **state)
{
	const hm_identity lic[] = { ID("u1", "s1", "b1"), ID("u2", "s2", "b2") };
	const hm_identity fresh[] = { ID("u1", "s1", "b1"), ID("u1", "s1", "b1") };
	hm_policy most = { HM_POLICY_MOST, 0 };
	hm_assignment a;
	char why[256];

	(void)state;
	assert_int_equal(hm_assign(lic, 2, fresh, 2, &a), 0);
	assert_int_equal(a.licensed[0], HM_SAME);
	assert_int_equal(a.licensed_to[0], 0);
	assert_int_equal(a.licensed[1], HM_NO_MATCH);
	assert_int_equal(a.fresh[0], HM_FRESH_MATCHED);
	assert_int_equal(a.fresh[1], HM_FRESH_DUPLICATE);
	assert_int_equal(a.fresh_to[1], 0);
	assert_int_equal(hm_verdict(a.licensed, 2, 1, &most, why, sizeof why), 0);
	assert_string_equal(why, "1 of 2 licensed hosts found (1 same, 0 replaced board); policy "
			    "most needs 2; 1 given host matched a licensed host already found");
}

/* A host that is the same outranks one that only shares its serials; and a given host that
 * could be either of two licensed hosts leaves the one another given host needs. */
static void same_first_and_as_many_pairs_as_can_be(void **state)
{
	const hm_identity lic[] = { ID("u1", "s", "b"), ID("u2", "s", "b") };
	const hm_identity fresh[] = { ID("u2", "s", "b") };
	const hm_identity lic2[] = { ID("u", "s1", NULL), ID("u", "s2", NULL) };
	const hm_identity fresh2[] = { ID("u", NULL, NULL), ID("u", "s1", NULL) };
	/* F0 is L0; F1 has both hosts' serial pair and a new UUID: the pair is two licensed
	 * hosts', so it tells neither (L1 missing, F1 new), though L0 keeps "same" */
	const hm_identity fresh3[] = { ID("u1", "s", "b"), ID("u9", "s", "b") };
	hm_assignment a;

	(void)state;
	assert_int_equal(hm_assign(lic, 2, fresh3, 2, &a), 0);
	assert_int_equal(a.licensed[0], HM_SAME);
	assert_int_equal(a.licensed_to[0], 0);
	assert_int_equal(a.licensed[1], HM_NO_MATCH);
	assert_int_equal(a.licensed_to[1], -1);
	assert_int_equal(a.fresh[1], HM_FRESH_NEW);
	assert_int_equal(hm_assign(lic, 2, fresh, 1, &a), 0);
	assert_int_equal(a.licensed[0], HM_NO_MATCH);
	assert_int_equal(a.licensed[1], HM_SAME);
	assert_int_equal(a.licensed_to[1], 0);
	assert_int_equal(hm_assign(lic2, 2, fresh2, 2, &a), 0);
	assert_int_equal(a.licensed_to[0], 1);
	assert_int_equal(a.licensed_to[1], 0);
	assert_int_equal(a.licensed[0], HM_SAME);
	assert_int_equal(a.licensed[1], HM_SAME);
}

/* A serial pair more than one licensed host holds (a vendor's line, cloned firmware) never
 * decides a replaced board, nor does a given host whose UUID is a licensed host's for
 * another licensed host. The review's case: node2 and node2d licensed (node2d node2's record
 * with a new UUID), node2's record given twice under two names: node2d is missing, and
 * "all" is out of compliance with one machine. */
static void replaced_board_needs_its_own_serials(void **state)
{
	const hm_identity lic[] = { ID("u1", "s", "b"), ID("u2", "s", "b") };
	const hm_identity twice[] = { ID("u1", "s", "b"), ID("u1", "s", "b") };
	const hm_identity other[] = { ID("u9", "s", "b") };
	const hm_identity own[] = { ID("u1", "s1", "b1"), ID("u2", "s2", "b2") };
	const hm_identity borrowed[] = { ID("u1", "s2", "b2") };  /* L0's UUID, L1's serials */
	const hm_identity board[] = { ID("u9", "s2", "b2") };     /* L1's serials, a new UUID */
	hm_policy all = { HM_POLICY_ALL, 0 };
	hm_assignment a;
	char why[256];

	(void)state;
	assert_int_equal(hm_assign(lic, 2, twice, 2, &a), 0);
	assert_int_equal(a.licensed[0], HM_SAME);
	assert_int_equal(a.licensed[1], HM_NO_MATCH);
	assert_int_equal(a.fresh[1], HM_FRESH_DUPLICATE);
	assert_int_equal(hm_verdict(a.licensed, 2, 1, &all, why, sizeof why), 0);
	assert_int_equal(hm_assign(lic, 2, other, 1, &a), 0);
	assert_int_equal(a.licensed[0], HM_NO_MATCH);
	assert_int_equal(a.licensed[1], HM_NO_MATCH);
	assert_int_equal(a.fresh[0], HM_FRESH_NEW);
	assert_int_equal(hm_assign(own, 2, borrowed, 1, &a), 0);
	assert_int_equal(a.licensed[0], HM_NO_MATCH);
	assert_int_equal(a.licensed[1], HM_NO_MATCH);
	assert_int_equal(a.fresh[0], HM_FRESH_NEW);
	/* serials that are one licensed host's alone, on a UUID no licensed host has: still a
	 * replaced board */
	assert_int_equal(hm_assign(own, 2, board, 1, &a), 0);
	assert_int_equal(a.licensed[1], HM_REPLACED_BOARD);
	assert_int_equal(a.licensed_to[1], 0);
}

static void assign_limits(void **state)
{
	static hm_identity many[AR_MAX_HOSTS + 1];
	hm_assignment a;
	size_t i;

	(void)state;
	for (i = 0; i <= AR_MAX_HOSTS; i++)
		many[i] = (hm_identity){ "u", NULL, NULL };
	assert_int_equal(hm_assign(many, AR_MAX_HOSTS + 1, many, 1, &a), -1);
	assert_int_equal(hm_assign(many, 1, many, AR_MAX_HOSTS + 1, &a), -1);
	assert_int_equal(hm_assign(many, 1, many, 0, &a), 0); /* nothing given: all missing */
	assert_int_equal(a.licensed[0], HM_NO_MATCH);
	assert_int_equal(a.licensed_to[0], -1);
	/* 64 given copies of one host: one match, 63 duplicates */
	assert_int_equal(hm_assign(many, 1, many, AR_MAX_HOSTS, &a), 0);
	assert_int_equal(a.licensed_to[0], 0);
	for (i = 1; i < AR_MAX_HOSTS; i++)
		assert_int_equal(a.fresh[i], HM_FRESH_DUPLICATE);
}

static int verdict(hm_policy_kind kind, unsigned count, size_t same, size_t replaced, size_t n)
{
	hm_result r[AR_MAX_HOSTS];
	hm_policy p = { kind, count };
	char why[256];
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = i < same ? HM_SAME : i < same + replaced ? HM_REPLACED_BOARD : HM_NO_MATCH;
	return hm_verdict(r, n, 0, &p, why, sizeof why);
}

static void policies_at_their_boundaries(void **state)
{
	(void)state;
	/* most: more than half */
	assert_true(verdict(HM_POLICY_MOST, 0, 2, 0, 3));
	assert_false(verdict(HM_POLICY_MOST, 0, 1, 0, 3));
	assert_true(verdict(HM_POLICY_MOST, 0, 1, 1, 3));  /* a replaced board counts */
	assert_false(verdict(HM_POLICY_MOST, 0, 2, 0, 4)); /* half is not more than half */
	assert_true(verdict(HM_POLICY_MOST, 0, 3, 0, 4));
	assert_true(verdict(HM_POLICY_MOST, 0, 1, 0, 1));
	assert_false(verdict(HM_POLICY_MOST, 0, 0, 0, 1));
	/* all */
	assert_true(verdict(HM_POLICY_ALL, 0, 3, 0, 3));
	assert_true(verdict(HM_POLICY_ALL, 0, 2, 1, 3));
	assert_false(verdict(HM_POLICY_ALL, 0, 2, 0, 3));
	/* any */
	assert_true(verdict(HM_POLICY_ANY, 0, 1, 0, 3));
	assert_true(verdict(HM_POLICY_ANY, 0, 0, 1, 3));
	assert_false(verdict(HM_POLICY_ANY, 0, 0, 0, 3));
	/* N */
	assert_true(verdict(HM_POLICY_COUNT, 2, 2, 0, 3));
	assert_false(verdict(HM_POLICY_COUNT, 2, 1, 0, 3));
	assert_true(verdict(HM_POLICY_COUNT, 3, 3, 0, 3));
	assert_false(verdict(HM_POLICY_COUNT, 4, 3, 0, 3)); /* more than are licensed: never */
	/* no licensed host at all is never in compliance */
	assert_false(verdict(HM_POLICY_ALL, 0, 0, 0, 0));
	assert_false(verdict(HM_POLICY_ANY, 0, 0, 0, 0));
	assert_false(verdict(HM_POLICY_COUNT, 1, 0, 0, 0));
}

static void the_reason_line(void **state)
{
	hm_result r[] = { HM_SAME, HM_REPLACED_BOARD, HM_NO_MATCH };
	hm_policy all = { HM_POLICY_ALL, 0 }, two = { HM_POLICY_COUNT, 2 };
	char why[256];

	(void)state;
	assert_int_equal(hm_verdict(r, 3, 0, &all, why, sizeof why), 0);
	assert_string_equal(why, "2 of 3 licensed hosts found (1 same, 1 replaced board); "
			    "policy all needs 3");
	assert_int_equal(hm_verdict(r, 3, 0, &two, why, sizeof why), 1);
	assert_string_equal(why, "2 of 3 licensed hosts found (1 same, 1 replaced board); "
			    "policy 2 needs 2");
	assert_int_equal(hm_verdict(r, 1, 0, &two, why, sizeof why), 0);
	assert_string_equal(why, "1 of 1 licensed host found (1 same, 0 replaced board); "
			    "policy 2 needs 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_of_the_table),
		cmocka_unit_test(placeholders_never_match),
		cmocka_unit_test(assign_each_to_its_own),
		cmocka_unit_test(two_claim_one),
		cmocka_unit_test(same_first_and_as_many_pairs_as_can_be),
		cmocka_unit_test(replaced_board_needs_its_own_serials),
		cmocka_unit_test(assign_limits),
		cmocka_unit_test(policies_at_their_boundaries),
		cmocka_unit_test(the_reason_line),
	};

	return cmocka_run_group_tests_name("hostmatch", tests, NULL, NULL);
}
