/* SPDX-License-Identifier: Apache-2.0 */
#include "sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "host.h"
#include "placeholder.h"

#define SMBIOS_EP  "sys/firmware/dmi/tables/smbios_entry_point"
#define SMBIOS_DMI "sys/firmware/dmi/tables/DMI"
#define CPUINFO    "proc/cpuinfo"
#define MEMINFO    "proc/meminfo"

/* /sys/class/dmi/id attributes: the kernel's decoded copy of the SMBIOS strings */
static const char *const dmi_id_names[PF_COUNT] = {
	[PF_UUID] = "product_uuid", [PF_MANUFACTURER] = "sys_vendor",
	[PF_PRODUCT] = "product_name", [PF_SERIAL] = "product_serial",
	[PF_BOARD_SERIAL] = "board_serial", [PF_BIOS_VENDOR] = "bios_vendor",
	[PF_BIOS_VERSION] = "bios_version", [PF_BIOS_DATE] = "bios_date",
};

static int read_smbios(sources *src, const capture *c, ar_err *e)
{
	size_t ep_len = 0, table_len = 0;
	char *why = src->smbios_problem;
	size_t cap = sizeof src->smbios_problem;
	uint8_t *ep = NULL, *table = NULL;
	int rc = capture_read(c, SMBIOS_EP, 64, &ep, &ep_len, why, cap, e);

	if (rc == AR_OK && ep)
		rc = capture_read(c, SMBIOS_DMI, AR_MAX_SMBIOS_BYTES, &table, &table_len, why, cap, e);
	if (rc == AR_OK && ep && table) {
		if (smbios_parse(ep, ep_len, table, table_len, &src->smbios) == 0)
			src->have_smbios = 1;
		else
			snprintf(why, cap, "unknown SMBIOS entry point format");
	}
	free(ep);
	free(table);
	return rc;
}

static int read_dmi_id(sources *src, const capture *c, ar_err *e)
{
	int i, rc = AR_OK;

	for (i = 0; rc == AR_OK && i < PF_COUNT; i++) {
		char rel[128];
		size_t len = 0;
		uint8_t *data = NULL;

		if (!dmi_id_names[i])
			continue;
		snprintf(rel, sizeof rel, "sys/class/dmi/id/%s", dmi_id_names[i]);
		rc = capture_read(c, rel, 4096, &data, &len, NULL, 0, e);
		if (data)
			src->dmi_id[i] = hw_clean_value((char *)data);
		free(data);
	}
	return rc;
}

static int read_proc(sources *src, const capture *c, ar_err *e)
{
	size_t len = 0;
	uint8_t *text = NULL;
	int rc = capture_read(c, CPUINFO, AR_MAX_PROC_FILE_BYTES, &text, &len, NULL, 0, e);

	if (text)
		cpuinfo_parse((char *)text, &src->cpu);
	free(text);
	text = NULL;
	src->meminfo_mib = -1;
	if (rc == AR_OK)
		rc = capture_read(c, MEMINFO, AR_MAX_PROC_FILE_BYTES, &text, &len, NULL, 0, e);
	if (text)
		src->meminfo_mib = meminfo_total_mib((char *)text);
	free(text);
	return rc;
}

/* A value past what any host has: the file and the field it would fill, refused. */
static int plausible(const capture *c, const char *rel, const char *field, long long value,
		     long long max, ar_err *e)
{
	char path[4096];

	if (value <= max)
		return AR_OK;
	snprintf(path, sizeof path, "%s/%s", strcmp(c->root, "/") == 0 ? "" : c->root, rel);
	return ar_fail(e, AR_EINPUT, path, "%s %lld is more than any host has (at most %lld)",
		       field, value, max);
}

static int check_plausible(const sources *src, const capture *c, ar_err *e)
{
	const smbios_info *s = &src->smbios; /* all 0 when there are no tables */
	const cpu_info *cpu = &src->cpu;
	const struct {
		const char *file, *field;
		long long value, max;
	} claims[] = {
		{ CPUINFO, AR_HOST_CPU_SOCKETS, cpu->sockets, AR_MAX_CPU_SOCKETS },
		{ CPUINFO, AR_HOST_CPU_CORES, cpu->cores, AR_MAX_CPU_CORES },
		{ CPUINFO, AR_HOST_CPU_THREADS, cpu->threads, AR_MAX_CPU_THREADS },
		{ MEMINFO, AR_HOST_MEMORY_MIB, src->meminfo_mib, AR_MAX_MEMORY_MIB },
		{ SMBIOS_DMI, AR_HOST_CPU_SOCKETS, s->cpu_sockets, AR_MAX_CPU_SOCKETS },
		{ SMBIOS_DMI, AR_HOST_CPU_CORES, s->cpu_cores, AR_MAX_CPU_CORES },
		{ SMBIOS_DMI, AR_HOST_CPU_THREADS, s->cpu_threads, AR_MAX_CPU_THREADS },
		{ SMBIOS_DMI, "memory devices", s->memory_devices, AR_MAX_MEMORY_DEVICES },
		{ SMBIOS_DMI, AR_HOST_MEMORY_MIB, s->memory_mib, AR_MAX_MEMORY_MIB },
	};
	size_t i;

	for (i = 0; i < sizeof claims / sizeof claims[0]; i++)
		if (plausible(c, claims[i].file, claims[i].field, claims[i].value, claims[i].max,
			      e) != AR_OK)
			return e->status;
	return AR_OK;
}

int sources_read(sources *src, const capture *c, ar_err *e)
{
	int rc = read_smbios(src, c, e);

	if (rc == AR_OK)
		rc = read_dmi_id(src, c, e);
	if (rc == AR_OK)
		rc = read_proc(src, c, e);
	if (rc == AR_OK)
		rc = check_plausible(src, c, e);
	return rc;
}

void sources_free(sources *src)
{
	int i;

	smbios_free(&src->smbios);
	cpuinfo_free(&src->cpu);
	for (i = 0; i < PF_COUNT; i++)
		free(src->dmi_id[i]);
}
