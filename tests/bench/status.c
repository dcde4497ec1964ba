/* SPDX-License-Identifier: Apache-2.0 */
/* make bench, libairreg's rows (issue 21): what a product pays to ask the library for the
 * verdict (airreg_check on an open stamp: every state file read and the key verified again,
 * each time) beside `key-import status --json` asked as a whole process, on the same stamp.
 * Linked with the built libairreg.so as a product links it. Each rate runs for at least
 * RATE_SECONDS; the process is the median of RUNS.
 * /bin/true, timed the same way, is the machine's floor for any process.
 * Usage: bench-status KEY_IMPORT THREADS NAME STATE_DIR [NAME STATE_DIR]...
 * Prints rows of the table tests/bench/run.sh heads. */
#include <airreg.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#define RATE_SECONDS 0.7
#define RUNS 31
#define MAX_THREADS 64
#define MAX_SAMPLES 200000

extern char **environ;

static const airreg_stamp *stamp;
static pthread_barrier_t start;
static double samples[MAX_SAMPLES];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_once(void)
{
	airreg_status *st = NULL;

	if (airreg_check(stamp, 0, &st) != AIRREG_OK) {
		fprintf(stderr, "bench-status: %s\n",
			st ? airreg_status_errmsg(st) : "out of memory");
		exit(1);
	}
	airreg_status_free(st);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One thread: checks a second and each one's time. */
static double one_thread(double *median_us, double *p99_us)
{
	double t0 = now(), t, end;
	size_t n = 0;

	do {
		t = now();
		check_once();
		end = now();
		if (n < MAX_SAMPLES)
			samples[n] = end - t;
		n++;
	} while (end - t0 < RATE_SECONDS);
	qsort(samples, n < MAX_SAMPLES ? n : MAX_SAMPLES, sizeof *samples, by_value);
	*median_us = samples[(n < MAX_SAMPLES ? n : MAX_SAMPLES) / 2] * 1e6;
	*p99_us = samples[(n < MAX_SAMPLES ? n : MAX_SAMPLES) * 99 / 100] * 1e6;
	return (double)n / (end - t0);
}

static void *worker(void *arg)
{
	long *count = arg;
	double t0;

	pthread_barrier_wait(&start);
	t0 = now();
	do {
		check_once();
		(*count)++;
	} while (now() - t0 < RATE_SECONDS);
	return NULL;
}

/* THREADS threads on the one stamp: checks a second, all together. */
static double many_threads(int threads)
{
	pthread_t tid[MAX_THREADS];
	long count[MAX_THREADS] = { 0 }, total = 0;
	double t0;
	int i;

	if (pthread_barrier_init(&start, NULL, (unsigned)threads + 1) != 0)
		exit(1);
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, worker, &count[i]) != 0)
			exit(1);
	pthread_barrier_wait(&start);
	t0 = now();
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		total += count[i];
	}
	pthread_barrier_destroy(&start);
	return (double)total / (now() - t0);
}

/* argv as a process, output to /dev/null: the median wall time of RUNS. */
static double process(char **argv, int *exit_status)
{
	const char *ki = argv[0];
	posix_spawn_file_actions_t fa;
	double walls[RUNS];
	int i, status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < RUNS; i++) {
		double t0 = now();
		pid_t pid;

		if (posix_spawn(&pid, ki, &fa, NULL, argv, environ) != 0 ||
		    waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
			fprintf(stderr, "bench-status: %s did not run\n", ki);
			exit(1);
		}
		walls[i] = now() - t0;
		/* the same answer every time: the first run's exit status */
		if (i > 0 && WEXITSTATUS(status) != *exit_status) {
			fprintf(stderr, "bench-status: key-import status exited %d, then %d\n",
				*exit_status, WEXITSTATUS(status));
			exit(1);
		}
		*exit_status = WEXITSTATUS(status);
	}
	posix_spawn_file_actions_destroy(&fa);
	qsort(walls, RUNS, sizeof *walls, by_value);
	return walls[RUNS / 2];
}

static void rows(const char *ki, int threads, const char *name, const char *dir)
{
	airreg_stamp *s = NULL;
	airreg_status *st = NULL;
	char *status_argv[] = { (char *)ki, "--state-dir", (char *)dir, "status", "--json", NULL };
	char *true_argv[] = { "/bin/true", NULL };
	double one, many, median_us, p99_us, wall, floor;
	int exit_status = 0, true_status = 0;

	if (airreg_open(dir, &s) != AIRREG_OK || airreg_check(s, 0, &st) != AIRREG_OK) {
		fprintf(stderr, "bench-status: %s: %s\n", dir,
			st ? airreg_status_errmsg(st)
			: s ? airreg_stamp_errmsg(s) : "out of memory");
		exit(1);
	}
	stamp = s;
	one = one_thread(&median_us, &p99_us);
	many = many_threads(threads);
	wall = process(status_argv, &exit_status);
	floor = process(true_argv, &true_status);
	printf("| libairreg status check in process, %s stamp, 1 thread | %.0f/s (%.0f us) | | "
	       "airreg_check on one open stamp (%s): every state file read, the key verified "
	       "again; per check median %.0f us, p99 %.0f us |\n", name, one, 1e6 / one,
	       airreg_state_name(st), median_us, p99_us);
	printf("| libairreg status checks in process, %s stamp, %d threads on one stamp | %.0f/s "
	       "| | %.2f x one thread |\n", name, threads, many, many / one);
	printf("| key-import status --json, %s stamp, whole process, median of %d | %.2f ms "
	       "(%.0f/s) vs %.0f us in process: %.0f x | | process start included (/bin/true: "
	       "%.2f ms); exit %d |\n", name, RUNS, wall * 1e3, 1 / wall, 1e6 / one, wall * one,
	       floor * 1e3, exit_status);
	airreg_status_free(st);
	airreg_close(s);
}

int main(int argc, char **argv)
{
	int i, threads;

	if (argc < 5 || argc % 2 == 0 || (threads = atoi(argv[2])) < 2 || threads > MAX_THREADS) {
		fprintf(stderr, "usage: bench-status KEY_IMPORT THREADS NAME STATE_DIR...\n");
		return 2;
	}
	for (i = 3; i + 1 < argc; i += 2)
		rows(argv[1], threads, argv[i], argv[i + 1]);
	return 0;
}
