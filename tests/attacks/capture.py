#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Makes a real SMBIOS capture hostile: adds structures before its end-of-table (type 127)
and writes the new length into its SMBIOS 3 entry point (with a right checksum, as a
firmware would), so every structure is walked.

usage: capture.py ROOT mem N MIB          N installed type-17 devices of MIB each
       capture.py ROOT cpu N CORES THREADS  N populated, enabled type-4 processors"""
import struct, sys

root, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
tables = root + "/sys/firmware/dmi/tables/"
table = bytearray(open(tables + "DMI", "rb").read())
ep = bytearray(open(tables + "smbios_entry_point", "rb").read())
assert ep[:5] == b"_SM3_", "the base capture must have an SMBIOS 3 entry point"


def end_of_table(t):
    """Offset of the type-127 structure: each structure is its formatted area (length at
    byte 1), then its strings, ended by two NUL bytes."""
    off = 0
    while t[off] != 127:
        off = t.index(b"\0\0", off + t[off + 1]) + 2
    return off


def memory_device(handle, mib):
    """SMBIOS 2.7+ type 17 (0x28 bytes): size 0x7FFF at 0x0C means "see Extended Size"
    (0x1C, in MiB); a smaller size is in MiB at 0x0C."""
    s = bytearray(0x28)
    s[0], s[1] = 17, 0x28
    struct.pack_into("<H", s, 2, handle)
    if mib >= 0x7FFF:
        struct.pack_into("<HI", s, 0x0C, 0x7FFF, 0)
        struct.pack_into("<I", s, 0x1C, mib)
    else:
        struct.pack_into("<H", s, 0x0C, mib)
    return bytes(s) + b"\0\0"


def processor(handle, cores, threads):
    """SMBIOS 3.0 type 4 (0x30 bytes): status 0x41 = populated, enabled; Core Count and
    Thread Count 0xFF mean "see Core Count 2 / Thread Count 2" (0x2A, 0x2E)."""
    s = bytearray(0x30)
    s[0], s[1] = 4, 0x30
    struct.pack_into("<H", s, 2, handle)
    s[0x18] = 0x41
    s[0x23], s[0x25] = 0xFF, 0xFF
    struct.pack_into("<H", s, 0x2A, cores)
    struct.pack_into("<H", s, 0x2E, threads)
    return bytes(s) + b"\0\0"


if kind == "mem":
    added = b"".join(memory_device(0x4000 + i, int(sys.argv[4], 0)) for i in range(n))
else:
    added = b"".join(processor(0x4000 + i, int(sys.argv[4]), int(sys.argv[5])) for i in range(n))
at = end_of_table(table)
table[at:at] = added
struct.pack_into("<I", ep, 0x0C, len(table))
ep[5] = 0
ep[5] = (-sum(ep[:ep[6]])) & 0xFF
open(tables + "DMI", "wb").write(table)
open(tables + "smbios_entry_point", "wb").write(ep)
