/* SPDX-License-Identifier: Apache-2.0 */
/* token-gen's parsers on hand-made inputs: the corner cases the captures lack. */
#include "testutil.h"

#include "cpuinfo.h"
#include "smbios.h"

static const uint8_t uuid_bytes[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
					0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };

/* type 1 with the UUID above and strings "Maker", "Model" */
static size_t put_system(uint8_t *p)
{
	static const uint8_t head[8] = { 1, 0x1B, 0x01, 0x00, 1, 2, 0, 0 };

	memset(p, 0, 0x1B);
	memcpy(p, head, sizeof head);
	memcpy(p + 8, uuid_bytes, 16);
	memcpy(p + 0x1B, "Maker\0Model\0\0", 13);
	return 0x1B + 13;
}

static size_t put_end(uint8_t *p)
{
	static const uint8_t end[6] = { 127, 4, 0xFF, 0xFF, 0, 0 };

	memcpy(p, end, sizeof end);
	return sizeof end;
}

static void uuid_byte_order_by_version(void **state)
{
	uint8_t table[128], ep[31] = "_SM_";
	size_t n = put_system(table);
	smbios_info s;
	char uuid[37];

	(void)state;
	n += put_end(table + n);
	ep[6] = 2;
	ep[7] = 6;
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n, &s), 0);
	smbios_uuid_text(&s, uuid);
	assert_string_equal(uuid, "00112233-4455-6677-8899-aabbccddeeff");
	assert_string_equal(s.sys_manufacturer, "Maker");
	assert_string_equal(s.sys_product, "Model");
	assert_null(s.sys_serial);
	smbios_free(&s);
	ep[7] = 5; /* SMBIOS 2.5: raw order */
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n, &s), 0);
	smbios_uuid_text(&s, uuid);
	assert_string_equal(uuid, "33221100-5544-7766-8899-aabbccddeeff");
	smbios_free(&s);
	assert_int_equal(smbios_parse((const uint8_t *)"_XX_", 4, table, n, &s), -1);
}

static void broken_tables_are_walked_up_to_the_break(void **state)
{
	uint8_t table[128], ep[24] = "_SM3_";
	size_t n = put_system(table);
	smbios_info s;

	(void)state;
	ep[7] = 3;
	table[n] = 0; /* a structure claiming length 2: the walk stops there */
	table[n + 1] = 2;
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n + 2, &s), 0);
	assert_int_equal(s.structures, 1);
	assert_true(s.have_uuid);
	smbios_free(&s);
	/* strings that never end: the structure is dropped, nothing read past the end */
	assert_int_equal(smbios_parse(ep, sizeof ep, table, 0x1B + 3, &s), 0);
	assert_int_equal(s.structures, 0);
	assert_false(s.have_uuid);
	smbios_free(&s);
	/* a string index past the strings */
	n = put_system(table);
	table[4] = 9;
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n, &s), 0);
	assert_null(s.sys_manufacturer);
	smbios_free(&s);
}

static void memory_and_processor_fields(void **state)
{
	uint8_t table[512] = { 0 }, ep[24] = "_SM3_";
	size_t n = 0;
	smbios_info s;
	uint8_t *p;

	(void)state;
	ep[7] = 3;
	/* type 17, 8 GiB in MiB units */
	p = table + n;
	p[0] = 17; p[1] = 0x28; p[0x0C] = 0x00; p[0x0D] = 0x20;
	n += 0x28 + 2;
	/* type 17, 512 MiB in KiB units (bit 15) */
	p = table + n;
	p[0] = 17; p[1] = 0x28; p[0x0C] = 0x00; p[0x0D] = 0x80 | 0x02; /* 512 KiB... */
	p[0x0C] = 0x00; p[0x0D] = 0x80; /* 0 KiB: counts nothing */
	n += 0x28 + 2;
	/* type 17, extended size 64 GiB */
	p = table + n;
	p[0] = 17; p[1] = 0x28; p[0x0C] = 0xFF; p[0x0D] = 0x7F; p[0x1C] = 0x00; p[0x1D] = 0x00;
	p[0x1E] = 0x01; /* 0x10000 MiB */
	n += 0x28 + 2;
	/* type 4, populated and enabled, 0xFF cores -> Core Count 2 = 96 */
	p = table + n;
	p[0] = 4; p[1] = 0x30; p[0x10] = 1; p[0x18] = 0x41; p[0x23] = 0xFF; p[0x25] = 0xFF;
	p[0x2A] = 96; p[0x2E] = 192;
	memcpy(p + 0x30, "EPYC\0\0", 6);
	n += 0x30 + 6;
	/* type 4, empty socket: not counted */
	p = table + n;
	p[0] = 4; p[1] = 0x30; p[0x18] = 0x00; p[0x23] = 8;
	n += 0x30 + 2;
	n += put_end(table + n);
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n, &s), 0);
	assert_int_equal(s.memory_mib, 8192 + 65536);
	assert_int_equal(s.cpu_sockets, 1);
	assert_int_equal(s.cpu_cores, 96);
	assert_int_equal(s.cpu_threads, 192);
	assert_string_equal(s.cpu_model, "EPYC");
	smbios_free(&s);
}

/* The board serial is the first type 2 that reaches its serial (offset 7), as the kernel's
 * board_serial: a short one before it is passed over, a second board is not the machine's. */
static void board_serial_of_the_first_board(void **state)
{
	uint8_t table[256] = { 0 }, ep[24] = "_SM3_";
	size_t n = 0;
	smbios_info s;
	uint8_t *p;

	(void)state;
	ep[7] = 3;
	p = table + n; /* type 2 of 7 bytes: no serial field */
	p[0] = 2; p[1] = 7; p[4] = 1;
	memcpy(p + 7, "Vendor\0\0", 8);
	n += 7 + 8;
	p = table + n; /* the main board: serial is string 2 */
	p[0] = 2; p[1] = 0x0F; p[4] = 1; p[7] = 2;
	memcpy(p + 0x0F, "Vendor\0L1HF9380025\0\0", 20);
	n += 0x0F + 20;
	p = table + n; /* a second board (a blade chassis) */
	p[0] = 2; p[1] = 0x0F; p[7] = 1;
	memcpy(p + 0x0F, "OTHER\0\0", 7);
	n += 0x0F + 7;
	n += put_end(table + n);
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n, &s), 0);
	assert_string_equal(s.board_serial, "L1HF9380025");
	smbios_free(&s);
	table[7 + 8 + 7] = 0; /* the main board names no serial: the second is still not taken */
	assert_int_equal(smbios_parse(ep, sizeof ep, table, n, &s), 0);
	assert_null(s.board_serial);
	smbios_free(&s);
}

static void cpuinfo_forms(void **state)
{
	const char *x86 =
		"processor\t: 0\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 2\ncpu cores\t: 1\n\n"
		"processor\t: 1\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 2\ncpu cores\t: 1\n\n"
		"processor\t: 2\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 2\ncpu cores\t: 1\n";
	const char *arm = "processor : 0\nCPU implementer : 0x41\nCPU part : 0xd4f\n\n"
			  "processor : 1\nCPU implementer : 0x41\nCPU part : 0xd0c\n";
	const char *unknown_part = "processor : 0\nCPU implementer : 0x41\nCPU part : 0xfff\n";
	cpu_info c;

	(void)state;
	assert_int_equal(cpuinfo_parse(x86, &c), 0);
	assert_string_equal(c.model, "Xeon");
	assert_int_equal(c.sockets, 2);
	assert_int_equal(c.cores, 2);
	assert_int_equal(c.threads, 4); /* siblings of both sockets, not the 3 listed */
	cpuinfo_free(&c);
	assert_int_equal(cpuinfo_parse(arm, &c), 0);
	assert_null(c.model);
	assert_string_equal(c.derived_model, "Neoverse-N1 | Neoverse-V2");
	assert_int_equal(c.threads, 2);
	assert_int_equal(c.sockets, 0);
	cpuinfo_free(&c);
	assert_int_equal(cpuinfo_parse(unknown_part, &c), 0);
	assert_null(c.derived_model);
	cpuinfo_free(&c);
	assert_int_equal(cpuinfo_parse("", &c), 0);
	assert_int_equal(c.threads, 0);
	cpuinfo_free(&c);
	assert_int_equal(meminfo_total_mib("MemTotal:       16384000 kB\nMemFree: 1 kB\n"), 16000);
	assert_int_equal(meminfo_total_mib("MemFree: 1 kB\n"), -1);
	assert_int_equal(meminfo_total_mib("XMemTotal: 5 kB\n"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_byte_order_by_version),
		cmocka_unit_test(broken_tables_are_walked_up_to_the_break),
		cmocka_unit_test(memory_and_processor_fields),
		cmocka_unit_test(board_serial_of_the_first_board),
		cmocka_unit_test(cpuinfo_forms),
	};
	return cmocka_run_group_tests_name("hardware", tests, NULL, NULL);
}
