#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: the heterogeneous host records, probed at bench time from the real
captures in tests/data/hwdata with the token-gen just built (so they always follow what
probe writes today, and nothing generated is committed).

Usage: hosts.py BIN HWDATA OUT_DIR [N]   writes OUT_DIR/node1.json ... nodeN.json (N: 64)

The captures (roots/*, sysfs-dmi/*, and smbios-bin/raw-table/* given the synthetic
SMBIOS 3.0 entry point tests/e2e/probe_captures.py gives them) are taken in name order;
host i is capture i mod (number of captures), so the first 24 hosts are 24 different real
machines. A copy beyond the first round is another machine of the same model: probed from
the same capture, then given its own UUID and (where the capture has a serial) its own
serial, both derived from SHA-256("airreg-bench CAPTURE INDEX") so every run makes the
same records. Its name is nodeI like every host."""
import hashlib
import json
import os
import shutil
import string
import struct
import subprocess
import sys
import uuid

# What a capture lacks, given as probe's VALUE FLAGS (the record then marks the field
# operator-supplied, as it would on such a machine). "UUID" is the derived UUID below.
# The two CPU models are real model strings from cpuinfo captures of like machines, the core
# counts theirs (the Athlon II X2's: two): a Capacity token needs every host's cores.
FLAGS = {
    "sidero-Beelink-EQ12": ["--system-uuid", "UUID"],           # AMI template UUID
    "uroot-Synology-RS3614xsp": ["--system-uuid", "UUID"],      # AMI template UUID
    "uroot-MSI-MS-7816": ["--system-uuid", "UUID"],             # all-FF UUID
    "nodeexporter-Dell-PowerEdge-R6515": [                      # sysfs names no CPU
        "--cpu-model", "AMD EPYC 7451 24-Core Processor",       # cpuinfo/utillinux-x86_64-epyc_7451
        "--cpu-cores", "24"],                                   # its "cpu cores", one socket
    "sidero-HyperV-VM-broken-table": [                          # no SMBIOS type 4
        "--cpu-model", "Intel(R) Xeon(R) CPU            5130  @ 2.00GHz",  # cpuinfo/virtwhat-hyperv
        "--cpu-cores", "1"],                                    # its "cpu cores"
    "uroot-Gigabyte-GA-MA74GMT-S2": ["--cpu-cores", "2"],       # no core count; an Athlon II X2
}


def derived(capture, index):
    return hashlib.sha256(f"airreg-bench {capture} {index}".encode()).digest()


def derived_uuid(capture, index):
    return str(uuid.UUID(bytes=derived(capture, index)[:16], version=4))


def derived_serial(serial, capture, index):
    """The same shape as the capture's serial (digits stay digits, letters letters of
    the same case), other characters: what a machine of the same model would show."""
    h = derived(capture, index) * 4
    out = []
    for i, c in enumerate(serial):
        if c.isdigit():
            out.append(string.digits[h[i] % 10])
        elif c.isupper():
            out.append(string.ascii_uppercase[h[i] % 26])
        elif c.islower():
            out.append(string.ascii_lowercase[h[i] % 26])
        else:
            out.append(c)
    return "".join(out)


def synthetic_ep(table_len):
    """A 24-byte SMBIOS 3.0 entry point for a raw table (as probe_captures.py makes)."""
    ep = bytearray(b"_SM3_" + bytes([0, 0x18, 3, 0, 0, 1, 0]) + struct.pack("<IQ", table_len, 0x20))
    ep[5] = (-sum(ep)) & 0xFF
    return bytes(ep)


def captures(hw, work):
    """{name: root} of every capture probe can read as a root."""
    roots = {}
    for sub in ("roots", "sysfs-dmi"):
        for name in os.listdir(os.path.join(hw, sub)):
            roots[name] = os.path.join(hw, sub, name)
    raw = os.path.join(hw, "smbios-bin", "raw-table")
    for f in os.listdir(raw):
        name = os.path.splitext(f)[0]
        tables = os.path.join(work, name, "sys/firmware/dmi/tables")
        os.makedirs(tables)
        shutil.copy(os.path.join(raw, f), os.path.join(tables, "DMI"))
        with open(os.path.join(tables, "smbios_entry_point"), "wb") as out:
            out.write(synthetic_ep(os.path.getsize(os.path.join(raw, f))))
        roots[name] = os.path.join(work, name)
    return dict(sorted(roots.items()))


def probe(token_gen, capture, root, index):
    flags = [derived_uuid(capture, index) if v == "UUID" else v for v in FLAGS.get(capture, [])]
    p = subprocess.run([token_gen, "probe", "--root", root, "--host", f"node{index + 1}",
                        *flags], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: probe {capture}: exit {p.returncode}: {p.stderr.strip()} "
                 "(a new capture may need its VALUE FLAGS in tests/bench/hosts.py)")
    return json.loads(p.stdout)


def main():
    bin_dir, hw, out = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    work = os.path.join(out, "raw-roots")
    os.makedirs(work)
    roots = captures(hw, work)
    names = list(roots)
    first = {}
    for i in range(n):
        capture = names[i % len(names)]
        if i < len(names):
            rec = first[capture] = probe(os.path.join(bin_dir, "token-gen"), capture,
                                         roots[capture], i)
        else:
            rec = dict(first[capture], name=f"node{i + 1}", uuid=derived_uuid(capture, i))
            if "serial" in rec:
                rec["serial"] = derived_serial(rec["serial"], capture, i)
        with open(os.path.join(out, f"node{i + 1}.json"), "w") as f:
            json.dump(rec, f, indent=2)
            f.write("\n")
    shutil.rmtree(work)


main()
