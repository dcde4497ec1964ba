/* SPDX-License-Identifier: Apache-2.0 */
#include "cpuinfo.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ar_limits.h"
#include "armparts.h"

#define MAX_ARM_PARTS 16

typedef struct {
	long long id;
	long long cores, siblings;
} socket_seen;

/* The topology lines of one CPU's block, committed when the block ends. */
typedef struct {
	long physical, book, drawer;
	long long cores, siblings;
} block_topology;

typedef struct {
	socket_seen sockets[AR_MAX_CPU_SOCKETS];
	int n_sockets;
	int more_sockets;            /* a socket past the table was seen: too many to be real */
	block_topology block;
	long long processors, listed, active;
	long implementer;
	unsigned parts[MAX_ARM_PARTS][2];
	int n_parts;
	char *by_key[6];             /* candidate model strings, in order of preference */
} scan;

/* cpuinfo keys that name the model, most specific first. */
static const char *const model_keys[] = {
	"model name", /* x86, arm, loongarch ("Model Name") */
	"cpu model",  /* mips */
	"Processor",  /* older arm kernels */
	"cpu",        /* powerpc, sparc */
	"uarch",      /* riscv */
};

/* A count as the kernel writes it; one past what a long long holds stays the largest, so it
 * is refused as implausible, never wrapped (atoi's overflow is undefined). */
static long long count_of(const char *value)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(value, &end, 10);
	return (end == value || n < 0) ? 0 : n;
}

static long long add_counts(long long a, long long b)
{
	return a > LLONG_MAX - b ? LLONG_MAX : a + b;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int model_key_index(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof model_keys / sizeof model_keys[0]; i++) {
		/* "Processor" and "processor" differ: the latter counts CPUs. */
		int same = i == 2 ? strcmp(key, model_keys[i]) == 0
				  : strcasecmp(key, model_keys[i]) == 0;
		if (same)
			return (int)i;
	}
	return -1;
}

static void start_block(scan *s)
{
	s->block = (block_topology){ -1, 0, 0, 0, 0 };
}

/* A socket is a physical id within its book and drawer (s390 reuses ids). */
static void commit_block(scan *s)
{
	const block_topology *b = &s->block;
	long long id;
	int i;

	if (b->physical < 0)
		return;
	id = (long long)(b->drawer & 0xFFFF) << 40 | (long long)(b->book & 0xFFFF) << 20 |
	     (b->physical & 0xFFFFF);
	for (i = 0; i < s->n_sockets && s->sockets[i].id != id; i++)
		;
	if (i == s->n_sockets) {
		if (s->n_sockets == AR_MAX_CPU_SOCKETS) {
			s->more_sockets = 1;
			return;
		}
		s->sockets[s->n_sockets++] = (socket_seen){ id, b->cores, b->siblings };
	}
}

static void note_arm_part(scan *s, long part)
{
	int i;

	if (s->implementer < 0 || part < 0)
		return;
	for (i = 0; i < s->n_parts; i++)
		if (s->parts[i][0] == (unsigned)s->implementer && s->parts[i][1] == (unsigned)part)
			return;
	if (s->n_parts < MAX_ARM_PARTS) {
		s->parts[s->n_parts][0] = (unsigned)s->implementer;
		s->parts[s->n_parts][1] = (unsigned)part;
		s->n_parts++;
	}
}

static int is_processor_key(const char *key)
{
	/* "processor" (most) or "processor N" (s390's summary lines) */
	if (strncmp(key, "processor", 9) != 0)
		return 0;
	return key[9] == '\0' || (key[9] == ' ' && isdigit((unsigned char)key[10]));
}

static void take_line(scan *s, char *key, char *value)
{
	int m = model_key_index(key);

	if (m >= 0) {
		if (!s->by_key[m] && *value)
			s->by_key[m] = strdup(value);
	} else if (is_processor_key(key) || strcmp(key, "cpu number") == 0) {
		/* a new CPU's block (s390 blocks start with "cpu number") */
		commit_block(s);
		start_block(s);
		if (is_processor_key(key))
			s->processors++;
	} else if (strcmp(key, "physical id") == 0) {
		s->block.physical = strtol(value, NULL, 0);
	} else if (strcmp(key, "book id") == 0) {
		s->block.book = strtol(value, NULL, 0);
	} else if (strcmp(key, "drawer id") == 0) {
		s->block.drawer = strtol(value, NULL, 0);
	} else if (strcmp(key, "cpu cores") == 0) {
		s->block.cores = count_of(value);
	} else if (strcmp(key, "siblings") == 0) {
		s->block.siblings = count_of(value);
	} else if (strcmp(key, "# processors") == 0) {
		s->listed = count_of(value);
	} else if (strcmp(key, "ncpus active") == 0) {
		s->active = count_of(value);
	} else if (strcmp(key, "CPU implementer") == 0) {
		s->implementer = strtol(value, NULL, 0);
	} else if (strcmp(key, "CPU part") == 0) {
		note_arm_part(s, strtol(value, NULL, 0));
	} else if (strcmp(key, "vendor_id") == 0 && !s->by_key[5] && *value) {
		s->by_key[5] = strdup(value);
	}
}

static int by_part(const void *a, const void *b)
{
	const unsigned *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* "Cortex-A510 | Cortex-A710": every distinct core type, by part number. */
static char *derive_arm_model(scan *s)
{
	char buf[512] = "";
	int i;

	qsort(s->parts, (size_t)s->n_parts, sizeof s->parts[0], by_part);
	for (i = 0; i < s->n_parts; i++) {
		const char *name = arm_part_name(s->parts[i][0], s->parts[i][1]);

		if (!name)
			return NULL; /* an unknown part: better no name than half of one */
		if (i > 0)
			strncat(buf, " | ", sizeof buf - strlen(buf) - 1);
		strncat(buf, name, sizeof buf - strlen(buf) - 1);
	}
	return s->n_parts ? strdup(buf) : NULL;
}

static void topology(const scan *s, cpu_info *out)
{
	long long cores = 0, siblings = 0;
	int i;

	for (i = 0; i < s->n_sockets; i++) {
		cores = add_counts(cores, s->sockets[i].cores);
		siblings = add_counts(siblings, s->sockets[i].siblings);
	}
	out->sockets = s->n_sockets + s->more_sockets;
	out->cores = (s->n_sockets && cores) ? cores : 0;
	if (s->n_sockets && siblings)
		out->threads = siblings;
	else if (s->processors)
		out->threads = s->processors;
	else if (s->listed)
		out->threads = s->listed;
	else
		out->threads = s->active;
}

static void scan_text(scan *s, char *copy, cpu_info *out)
{
	char *line, *save = NULL;
	size_t i;

	start_block(s);
	s->implementer = -1;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		take_line(s, trim(line), trim(colon + 1));
	}
	commit_block(s);
	for (i = 0; i < 5 && !out->model; i++)
		if (s->by_key[i]) {
			out->model = s->by_key[i];
			out->model_key = model_keys[i];
			s->by_key[i] = NULL;
		}
	out->vendor = s->by_key[5];
	s->by_key[5] = NULL;
	out->derived_model = derive_arm_model(s);
	topology(s, out);
	for (i = 0; i < 6; i++)
		free(s->by_key[i]);
}

int cpuinfo_parse(const char *text, cpu_info *out)
{
	scan *s = calloc(1, sizeof *s);
	char *copy = strdup(text);
	int ok = s && copy;

	memset(out, 0, sizeof *out);
	if (ok)
		scan_text(s, copy, out);
	free(s);
	free(copy);
	return ok ? 0 : -1;
}

void cpuinfo_free(cpu_info *info)
{
	free(info->model);
	free(info->derived_model);
	free(info->vendor);
	memset(info, 0, sizeof *info);
}

long long meminfo_total_mib(const char *text)
{
	const char *p = strstr(text, "MemTotal:");
	char *end;
	long long kib;

	if (!p || (p != text && p[-1] != '\n'))
		return -1;
	errno = 0;
	kib = strtoll(p + 9, &end, 10); /* too big stays the largest: refused, not wrapped */
	if (end == p + 9 || kib <= 0)
		return -1;
	return kib / 1024;
}
