/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/cpuinfo and /proc/meminfo, as the kernels of every architecture write them. */
#ifndef TOKENGEN_CPUINFO_H
#define TOKENGEN_CPUINFO_H

#include <stddef.h>

typedef struct {
	char *model;         /* the model as cpuinfo names it, NULL when it does not */
	const char *model_key; /* the cpuinfo key it came from */
	char *derived_model; /* from "CPU implementer"/"CPU part", as lscpu names it */
	char *vendor;        /* "vendor_id" (x86, s390) */
	/* Sums as read, never wrapped (the largest long long at most): probe judges them. */
	long long sockets;   /* distinct "physical id" values; 0 = unknown */
	long long cores;     /* sum of "cpu cores" per socket; 0 = unknown */
	long long threads;   /* logical CPUs; 0 = unknown */
} cpu_info;

/* Parses text (NUL-terminated). Returns 0, or -1 when memory ran out. */
int cpuinfo_parse(const char *text, cpu_info *out);
void cpuinfo_free(cpu_info *info);

/* MemTotal in MiB, or -1 when absent. */
long long meminfo_total_mib(const char *text);

#endif
