/* SPDX-License-Identifier: Apache-2.0 */
/* Everything probe reads from the root (this machine or a capture), before any choice is
 * made, and whether it is a value a real machine can have. */
#ifndef TOKENGEN_SOURCES_H
#define TOKENGEN_SOURCES_H

#include "capture.h"
#include "cpuinfo.h"
#include "err.h"
#include "probe.h"
#include "smbios.h"

typedef struct {
	smbios_info smbios;
	int have_smbios;
	char smbios_problem[300];  /* why the SMBIOS tables could not be used */
	char *dmi_id[PF_COUNT];    /* cleaned /sys/class/dmi/id values */
	cpu_info cpu;
	long long meminfo_mib;
} sources;

/* Reads the SMBIOS tables, /sys/class/dmi/id, /proc/cpuinfo and /proc/meminfo. A missing file
 * is a missing source. AR_EINPUT, naming the file (and the field): a file refused by
 * capture_read(), or a count no host has (common/ar_limits.h, AR_MAX_CPU_SOCKETS...): a
 * source that lies about one value is trusted for none, whichever value the record takes. */
int sources_read(sources *src, const capture *c, ar_err *e);
void sources_free(sources *src);

#endif
