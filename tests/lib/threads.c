/* SPDX-License-Identifier: Apache-2.0 */
/* libairreg's promise that any number of threads may call it at once (airreg.h), held under
 * ThreadSanitizer (tests/lib/tsan.sh, `make tsan`): THREADS threads check every case's stamp
 * ROUNDS times, half of them on one airreg_stamp per case shared by all, half opening and
 * closing a stamp of their own each time, and every answer (every getter, with and without
 * warn_days) must be the one computed before any thread started. A data race is TSan's to
 * report; a wrong answer under load (a getter reading another call's memory, a verdict that
 * depends on who else is reading) is this program's.
 * Usage: threads THREADS ROUNDS CASE_DIR...  (each CASE_DIR/stamp, as tests/lib/states.sh
 * makes them, all at one frozen clock). THREADS_SELFTEST=1 compares each answer with the
 * next case's instead: it must fail, which shows the comparison can. */
#include <airreg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CASES 64
#define MAX_THREADS 64

static const char *const warns_name[] = { "plain", "warn 30" };
static const int warns[] = { 0, 30 };

static int n_cases, rounds, selftest;
static char dirs[MAX_CASES][4096];
static char *expected[MAX_CASES][2];
static airreg_stamp *shared[MAX_CASES];
static pthread_barrier_t start;
static pthread_mutex_t report = PTHREAD_MUTEX_INITIALIZER;
static int failures;

static void text(FILE *f, const char *name, const char *s)
{
	fprintf(f, "%s=%s%s%s\n", name, s ? "\"" : "", s ? s : "NULL", s ? "\"" : "");
}

/* Every getter of the answer, NULL handles and out-of-range tenants included. */
static void dump(FILE *f, const airreg_stamp *stamp, const airreg_status *st)
{
	long long i, n = airreg_tenant_count(st);

	fprintf(f, "stamp: code=%d\n", airreg_stamp_errcode(stamp));
	text(f, "stamp message", airreg_stamp_errmsg(stamp));
	text(f, "dir", airreg_stamp_dir(stamp));
	if (!st)
		return;
	fprintf(f, "code=%d state=%d\n", airreg_status_errcode(st), airreg_state(st));
	text(f, "message", airreg_status_errmsg(st));
	text(f, "name", airreg_state_name(st));
	text(f, "reason", airreg_reason(st));
	fprintf(f, "judged=%lld behind=%lld list=%lld\n", airreg_judged_at(st),
		airreg_clock_behind(st), airreg_revocation_list_version(st));
	text(f, "registration", airreg_registration(st));
	text(f, "cloudId", airreg_cloud_id(st));
	text(f, "billing", airreg_billing_model(st));
	text(f, "kid", airreg_issuer_kid(st));
	fprintf(f, "serial=%lld expires=%lld days=%lld hosts=%lld cores=%lld tenants=%lld\n",
		airreg_serial(st), airreg_expires_at(st), airreg_days_left(st),
		airreg_licensed_hosts(st), airreg_licensed_cores(st), n);
	for (i = -1; i <= n; i++) {
		text(f, "subscription", airreg_tenant_subscription(st, i));
		text(f, "tenant", airreg_tenant_id(st, i));
	}
	fprintf(f, "hardware=%d current=%d\n", airreg_hardware(st), airreg_hardware_current(st));
	text(f, "checkedAt", airreg_hardware_checked_at(st));
	text(f, "hwReason", airreg_hardware_reason(st));
}

/* The answer for case c: on the shared stamp, or on one opened (and closed) here. */
static char *answer(int c, int w, int use_shared)
{
	airreg_stamp *stamp = NULL;
	airreg_status *st = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	if (use_shared)
		stamp = shared[c];
	else
		(void)airreg_open(dirs[c], &stamp);
	if (!stamp)
		abort();
	/* a stamp that did not open is asked anyway: check must say so, every time */
	(void)airreg_check(stamp, warns[w], &st);
	if (!st)
		abort();
	dump(f, stamp, st);
	airreg_status_free(st);
	if (!use_shared)
		airreg_close(stamp);
	if (fclose(f) != 0)
		abort();
	return out;
}

/* One line a case, for tsan.sh to hold against key-import status and the frozen clock:
 * "CASE CODE JUDGED_AT CLOCK_BEHIND STATUS". */
static void summary(const char *name, const airreg_stamp *stamp)
{
	airreg_status *st = NULL;

	(void)airreg_check(stamp, 0, &st);
	if (!st)
		abort();
	printf("%s %d %lld %lld %s\n", name, airreg_stamp_errcode(stamp) ?
	       airreg_stamp_errcode(stamp) : airreg_status_errcode(st), airreg_judged_at(st),
	       airreg_clock_behind(st), airreg_state_name(st) ? airreg_state_name(st) : "-");
	airreg_status_free(st);
}

static void *run(void *arg)
{
	int t = (int)(long)arg, r, i, w;

	pthread_barrier_wait(&start);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n_cases; i++) {
			int c = (i + t) % n_cases, want = selftest ? (c + 1) % n_cases : c;

			for (w = 0; w < 2; w++) {
				char *got = answer(c, w, t % 2 == 0);

				if (strcmp(got, expected[want][w]) != 0) {
					pthread_mutex_lock(&report);
					if (failures++ < 3)
						fprintf(stderr, "threads: %s, %s, thread %d "
							"(%s stamp): the answer differs\n"
							"--- got\n%s--- expected\n%s", dirs[c],
							warns_name[w], t, t % 2 ? "own" : "shared",
							got, expected[want][w]);
					pthread_mutex_unlock(&report);
				}
				free(got);
			}
		}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	int n_threads, c, t, w;

	if (argc < 4 || (n_threads = atoi(argv[1])) < 2 || n_threads > MAX_THREADS ||
	    (rounds = atoi(argv[2])) < 1 || argc - 3 > MAX_CASES) {
		fprintf(stderr, "usage: threads THREADS(2-%d) ROUNDS CASE_DIR...\n", MAX_THREADS);
		return 2;
	}
	selftest = getenv("THREADS_SELFTEST") != NULL;
	n_cases = argc - 3;
	for (c = 0; c < n_cases; c++) {
		int n = snprintf(dirs[c], sizeof dirs[c], "%s/stamp", argv[c + 3]);

		if (n < 0 || n >= (int)sizeof dirs[c])
			return 2;
		/* before any thread: the answers to hold them to, and the stamps they share */
		for (w = 0; w < 2; w++)
			expected[c][w] = answer(c, w, 0);
		(void)airreg_open(dirs[c], &shared[c]);
		if (!shared[c])
			abort();
		summary(argv[c + 3], shared[c]);
	}
	if (pthread_barrier_init(&start, NULL, (unsigned)n_threads) != 0)
		abort();
	for (t = 0; t < n_threads; t++)
		if (pthread_create(&tid[t], NULL, run, (void *)(long)t) != 0)
			abort();
	for (t = 0; t < n_threads; t++)
		pthread_join(tid[t], NULL);
	pthread_barrier_destroy(&start);
	for (c = 0; c < n_cases; c++) {
		airreg_close(shared[c]);
		free(expected[c][0]);
		free(expected[c][1]);
	}
	printf("threads: %d threads x %d rounds x %d cases x 2: %d answers differ\n", n_threads,
	       rounds, n_cases, failures);
	return failures ? 1 : 0;
}
