/* SPDX-License-Identifier: Apache-2.0 */
/* SMBIOS (DMTF DSP0134) tables as the kernel exposes them in
 * /sys/firmware/dmi/tables: the entry point and the raw structure table. */
#ifndef TOKENGEN_SMBIOS_H
#define TOKENGEN_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	int major, minor;          /* from the entry point; 0.0 when there is none */
	/* Raw strings as the firmware wrote them (NUL-terminated copies), NULL when absent. */
	char *bios_vendor, *bios_version, *bios_date;
	char *sys_manufacturer, *sys_product, *sys_serial;
	char *board_serial;        /* the first type 2 (baseboard) */
	int have_uuid;
	uint8_t uuid_raw[16];      /* the 16 bytes of type 1, offset 8, as stored */
	char *cpu_model;           /* type 4 "Processor Version" of the first enabled CPU */
	/* Sums as read (a 1 MiB table cannot overflow them); probe judges whether they are real. */
	long long cpu_sockets, cpu_cores, cpu_threads; /* over populated, enabled type-4 entries */
	long long memory_mib;      /* sum of installed type-17 devices */
	long long memory_devices;  /* installed type-17 devices */
	int structures;            /* how many structures were walked */
	int system_seen;           /* type-1 structures met; only the first counts */
	int board_seen;            /* type-2 structures with a serial met; only the first counts */
} smbios_info;

/* Reads the entry point (may be NULL: version unknown) for the version and the
 * table length, then walks the table. A broken table is walked up to the break.
 * Returns 0, or -1 when the entry point is not an SMBIOS one or memory ran out. */
int smbios_parse(const uint8_t *ep, size_t ep_len, const uint8_t *table, size_t table_len,
		 smbios_info *out);
void smbios_free(smbios_info *info);

/* The UUID as text: SMBIOS 2.6+ stores the first three fields little-endian. */
void smbios_uuid_text(const smbios_info *info, char out[37]);

#endif
