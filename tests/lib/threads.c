/* SPDX-License-Identifier: Apache-2.0 */
/* threads DIR: libairreg from many threads at once (issue 21, part 4), built with
 * -fsanitize=thread by tests/lib/tsan.sh. Half the threads check one shared stamp, half open,
 * check and close their own; each answer must be the one the main thread got first (the
 * handles are plain copies: nothing changes under another thread). Exit 0 when every answer
 * agreed; ThreadSanitizer's own exit status when it saw a race. */
#include <airreg.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8
#define CHECKS 40

typedef struct {
	int code, state;
	long long serial, days_left, tenants;
	char registration[64], message[512];
} answer;

static const char *dir;
static airreg_stamp *shared;
static answer want[2]; /* warn_days 0 and 30 */

static void take(airreg_status *st, int code, answer *a)
{
	const char *s;

	memset(a, 0, sizeof *a);
	a->code = code;
	a->state = airreg_state(st);
	a->serial = airreg_serial(st);
	a->days_left = airreg_days_left(st);
	a->tenants = airreg_tenant_count(st);
	if ((s = airreg_registration(st)))
		snprintf(a->registration, sizeof a->registration, "%s", s);
	if ((s = airreg_status_errmsg(st)))
		snprintf(a->message, sizeof a->message, "%s", s);
}

static int ask(airreg_stamp *stamp, int warn, answer *a)
{
	airreg_status *st = NULL;
	int code = airreg_check(stamp, warn ? 30 : 0, &st);

	if (!st)
		return -1;
	take(st, code, a);
	airreg_status_free(st);
	return 0;
}

static void *worker(void *arg)
{
	long own = (long)arg & 1, bad = 0;
	int i;

	for (i = 0; i < CHECKS; i++) {
		airreg_stamp *stamp = shared;
		answer a;

		if (own && airreg_open(dir, &stamp) != AIRREG_OK) {
			airreg_close(stamp);
			return (void *)1;
		}
		if (ask(stamp, i & 1, &a) != 0 || memcmp(&a, &want[i & 1], sizeof a) != 0)
			bad = 1;
		if (own)
			airreg_close(stamp);
	}
	return (void *)bad;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	long i, bad = 0;
	void *r;

	if (argc != 2)
		return 2;
	dir = argv[1];
	if (airreg_open(dir, &shared) != AIRREG_OK) {
		fprintf(stderr, "threads: %s\n", airreg_stamp_errmsg(shared));
		return 2;
	}
	if (ask(shared, 0, &want[0]) != 0 || ask(shared, 1, &want[1]) != 0)
		return 2;
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 2;
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &r);
		bad |= (long)r;
	}
	airreg_close(shared);
	printf("state %d code %d%s\n", want[0].state, want[0].code, bad ? ": answers differ" : "");
	return bad ? 1 : 0;
}
