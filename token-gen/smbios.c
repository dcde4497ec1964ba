/* SPDX-License-Identifier: Apache-2.0 */
#include "smbios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TYPE_BIOS = 0, TYPE_SYSTEM = 1, TYPE_BOARD = 2, TYPE_PROCESSOR = 4, TYPE_MEMORY = 17, TYPE_END = 127 };

typedef struct {
	const uint8_t *data; /* formatted area */
	size_t len;          /* its length */
	const uint8_t *strings, *strings_end;
} structure;

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Version and declared table length; -1 when this is no entry point we know. */
static int parse_entry_point(const uint8_t *ep, size_t len, smbios_info *out, size_t *table_len)
{
	if (len >= 0x18 && memcmp(ep, "_SM3_", 5) == 0) {
		out->major = ep[7];
		out->minor = ep[8];
		*table_len = le32(ep + 0x0C); /* a maximum, not the exact size */
		return 0;
	}
	if (len >= 0x1E && memcmp(ep, "_SM_", 4) == 0) {
		out->major = ep[6];
		out->minor = ep[7];
		*table_len = le16(ep + 0x16);
		return 0;
	}
	if (len >= 0x0F && memcmp(ep, "_DMI_", 5) == 0) { /* legacy DMI 2.0 */
		out->major = ep[0x0E] >> 4;
		out->minor = ep[0x0E] & 0x0F;
		*table_len = le16(ep + 0x06);
		return 0;
	}
	return -1;
}

/* The n-th (1-based) string of a structure, copied; NULL for 0 or out of range. */
static char *string_at(const structure *s, size_t offset)
{
	const uint8_t *p = s->strings;
	unsigned index;

	if (offset >= s->len || (index = s->data[offset]) == 0)
		return NULL;
	while (--index > 0 && p < s->strings_end) {
		p += strnlen((const char *)p, (size_t)(s->strings_end - p)) + 1;
	}
	if (p >= s->strings_end || *p == '\0')
		return NULL;
	return strndup((const char *)p, (size_t)(s->strings_end - p));
}

static void keep_first(char **slot, char *value)
{
	if (*slot == NULL)
		*slot = value;
	else
		free(value);
}

static void read_bios(const structure *s, smbios_info *out)
{
	keep_first(&out->bios_vendor, string_at(s, 0x04));
	keep_first(&out->bios_version, string_at(s, 0x05));
	keep_first(&out->bios_date, string_at(s, 0x08));
}

static void read_system(const structure *s, smbios_info *out)
{
	if (out->system_seen++)
		return; /* the first type 1 describes the system (found by fuzzing: a second
			 * one used to overwrite, and leak, what the first had set) */
	out->sys_manufacturer = string_at(s, 0x04);
	out->sys_product = string_at(s, 0x05);
	out->sys_serial = string_at(s, 0x07);
	if (s->len >= 0x18) {
		memcpy(out->uuid_raw, s->data + 0x08, 16);
		out->have_uuid = 1;
	}
}

/* The first type 2 that reaches its serial, as the kernel's board_serial takes it (a
 * chassis with several boards lists more than one). */
static void read_board(const structure *s, smbios_info *out)
{
	if (s->len <= 0x07 || out->board_seen++)
		return;
	out->board_serial = string_at(s, 0x07);
}

static void read_processor(const structure *s, smbios_info *out)
{
	const uint8_t *d = s->data;
	unsigned cores = 0, threads = 0;

	/* Status: bit 6 "socket populated", bits 0-2 value 1 "CPU enabled". */
	if (s->len <= 0x18 || !(d[0x18] & 0x40) || (d[0x18] & 0x07) != 1)
		return;
	out->cpu_sockets++;
	keep_first(&out->cpu_model, string_at(s, 0x10));
	if (s->len > 0x23)
		cores = d[0x23];
	if (cores == 0xFF && s->len >= 0x2C)
		cores = le16(d + 0x2A); /* SMBIOS 3.0 Core Count 2 */
	if (s->len > 0x25)
		threads = d[0x25];
	if (threads == 0xFF && s->len >= 0x30)
		threads = le16(d + 0x2E);
	out->cpu_cores += cores;
	out->cpu_threads += threads;
}

static void read_memory(const structure *s, smbios_info *out)
{
	uint16_t size;

	if (s->len < 0x0E)
		return;
	size = le16(s->data + 0x0C);
	if (size == 0 || size == 0xFFFF)
		return; /* empty slot, or unknown */
	out->memory_devices++;
	if (size == 0x7FFF && s->len >= 0x20)
		out->memory_mib += le32(s->data + 0x1C) & 0x7FFFFFFFu;
	else if (size & 0x8000)
		out->memory_mib += (size & 0x7FFF) / 1024; /* KiB granularity */
	else
		out->memory_mib += size;
}

static void walk(const uint8_t *table, size_t len, smbios_info *out)
{
	size_t off = 0;

	while (off + 4 <= len) {
		structure s = { table + off, table[off + 1], NULL, NULL };
		const uint8_t *end = table + len, *p;

		if (s.len < 4 || off + s.len > len)
			break; /* broken table: keep what came before */
		s.strings = table + off + s.len;
		for (p = s.strings; p + 1 < end && !(p[0] == 0 && p[1] == 0); p++)
			;
		if (p + 1 >= end)
			break;
		s.strings_end = p + 1;
		out->structures++;
		switch (s.data[0]) {
		case TYPE_BIOS: read_bios(&s, out); break;
		case TYPE_SYSTEM: read_system(&s, out); break;
		case TYPE_BOARD: read_board(&s, out); break;
		case TYPE_PROCESSOR: read_processor(&s, out); break;
		case TYPE_MEMORY: read_memory(&s, out); break;
		default: break;
		}
		if (s.data[0] == TYPE_END)
			break;
		off = (size_t)(p + 2 - table);
	}
}

int smbios_parse(const uint8_t *ep, size_t ep_len, const uint8_t *table, size_t table_len,
		 smbios_info *out)
{
	size_t declared = table_len;

	memset(out, 0, sizeof *out);
	if (ep && parse_entry_point(ep, ep_len, out, &declared) != 0)
		return -1;
	/* A table shorter than the entry point declares is walked as far as it
	 * goes; a length of 0 is a firmware bug, not an empty table. */
	walk(table, (declared && declared < table_len) ? declared : table_len, out);
	return 0;
}

void smbios_free(smbios_info *info)
{
	free(info->bios_vendor);
	free(info->bios_version);
	free(info->bios_date);
	free(info->sys_manufacturer);
	free(info->sys_product);
	free(info->sys_serial);
	free(info->board_serial);
	free(info->cpu_model);
	memset(info, 0, sizeof *info);
}

void smbios_uuid_text(const smbios_info *info, char out[37])
{
	const uint8_t *u = info->uuid_raw;
	int swap = info->major > 2 || (info->major == 2 && info->minor >= 6) ||
		   info->major == 0; /* no entry point: SMBIOS 3 is what ships today */

	if (swap)
		snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-", u[3], u[2], u[1], u[0],
			 u[5], u[4], u[7], u[6]);
	else
		snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-", u[0], u[1], u[2], u[3],
			 u[4], u[5], u[6], u[7]);
	snprintf(out + 19, 18, "%02x%02x-%02x%02x%02x%02x%02x%02x", u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
}
