#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""token-gen probe against real hardware captures (tests/data/hwdata) and their
expected values (expected.tsv), and against this machine.

Every SMBIOS root, sysfs tree and raw table must give the row's values; every
cpuinfo file must give the row's CPU columns, except the deviations listed in
CPU_DEVIATIONS (each with the reason, and with the value we give instead, so a
change in either direction shows up here)."""
import csv, json, os, shutil, struct, subprocess, sys, tempfile

from checks import check, finish

BIN = os.environ["BIN"]
HW = os.path.join(os.environ["TESTDATA"], "hwdata")
TOKEN_GEN = os.path.join(BIN, "token-gen")

# Values the corpus marks that we drop on purpose (placeholders, blanks).
DROPPED = {"-", "<all-space string>", "XXXXXXX", "To be filled by O.E.M.", "To Be Filled By O.E.M.",
           "Default string", "0123456789", "1234567890", "Not Specified", "To be filled by O.E.M.",
           "None", "Type2 - Board Serial Number", "BSN12345678901234567"}

# sample -> {column: (our value, why)}; None = we report it as unknown.
CPU_DEVIATIONS = {
    "utillinux-arm-A510-A710-A715-X3": {
        "cpu_sockets": (None, "lscpu counts sockets from /sys topology; cpuinfo has none"),
        "cpu_cores_total": (None, "same: no 'cpu cores' in arm64 cpuinfo")},
    "utillinux-armv7": {
        "cpu_model": ("ARMv7 Processor rev 4 (v7l)", "we take cpuinfo's own 'Processor' name before a part-number name; lscpu prefers its table (Cortex-A15)"),
        "cpu_sockets": (None, "no topology in cpuinfo"), "cpu_cores_total": (None, "no topology in cpuinfo")},
    "utillinux-ppc64-POWER7": {
        "cpu_sockets": (None, "no topology in POWER cpuinfo"), "cpu_cores_total": (None, "no topology in POWER cpuinfo")},
    "utillinux-s390-lpar": {
        "cpu_model": ("IBM/S390", "s390 cpuinfo names no model; we take vendor_id (ansible does too), lscpu prints '-'"),
        "cpu_threads_total": (17, "3 of 20 CPUs are offline and cpuinfo lists only the 17 online ones; lscpu reads /sys")},
    "utillinux-rv64-visionfive2": {
        "cpu_sockets": (None, "no topology in riscv cpuinfo"), "cpu_cores_total": (None, "no topology in riscv cpuinfo")},
    "utillinux-loongarch-loongson_3a5000_hv": {
        "cpu_sockets": (None, "no topology in this cpuinfo"), "cpu_cores_total": (None, "no topology in this cpuinfo")},
    "ansible-aarch64-4cpu": {
        "cpu_sockets": (None, "ansible counts each ARM CPU as a socket; cpuinfo has no topology"),
        "cpu_cores_total": (None, "ansible semantics, as above")},
    "ansible-ppc64le-power8-24cpu": {
        "cpu_sockets": (None, "ansible counts each POWER thread as a socket"),
        "cpu_cores_total": (None, "ansible semantics, as above")},
    "ansible-sparc-t5-debian-ldom-24vcpu": {
        "cpu_sockets": (None, "ansible counts each SPARC vCPU as a socket"),
        "cpu_cores_total": (None, "ansible semantics, as above")},
    "ansible-s390x-z14-64cpu": {
        "cpu_sockets": (5, "five (drawer, book, physical id) groups in the file; ansible says 1 "
                           "(its cores 32 and threads 64 we match)")},
    "glpi-linux-mips-1": {
        "cpu_model": ("R4400SC V5.0  FPU V0.0", "we keep the firmware's spacing; glpi folds runs of spaces")},
    "virtwhat-aws-kvm-arm-a1.medium": {
        "cpu_model": ("Cortex-A72", "DERIVED row: CPU part 0xd08 of implementer 0x41 is Cortex-A72 (checked by hand)")},
    "virtwhat-google-cloud-arm": {
        "cpu_model": ("Neoverse-N1", "DERIVED row: CPU part 0xd0c of implementer 0x41 is Neoverse-N1 (checked by hand)")},
    "ghw-linux-s390x": {
        "cpu_model": ("IBM/S390", "s390: vendor_id, as above"),
        "cpu_sockets": (1, "cpuinfo names one physical id"), "cpu_cores_total": (4, "its 'cpu cores'")},
}

HOST_FIELDS = [("sys_vendor", "manufacturer"), ("product_name", "product"), ("system_serial", "serial"),
               ("board_serial", "boardSerial"),
               ("bios_vendor", "biosVendor"), ("bios_version", "biosVersion"), ("bios_date", "biosDate"),
               ("cpu_model", "cpuModel"), ("cpu_sockets", "cpuSockets"),
               ("cpu_cores_total", "cpuCores"), ("cpu_threads_total", "cpuThreads"),
               ("memory_MiB", "memoryMiB")]
COUNTS = {"cpu_sockets", "cpu_cores_total", "cpu_threads_total", "memory_MiB"}



def probe(root, *extra):
    p = subprocess.run([TOKEN_GEN, "probe", "--root", root, "--host", "h1", *extra],
                       capture_output=True, text=True)
    rec = json.loads(p.stdout) if p.returncode == 0 else None
    return p.returncode, rec, p.stderr


def expect_value(row, col):
    v = row[col]
    if v in DROPPED:
        return None
    return int(v) if col in COUNTS else v


def compare(name, rec, row, columns):
    for col, key in columns:
        want = expect_value(row, col)
        dev = CPU_DEVIATIONS.get(name, {}).get(col)
        if dev is not None:
            want = dev[0]
        got = rec.get(key)
        check(got == want, f"{name}: {key}: got {got!r}, want {want!r}")


def uuid_expectation(row):
    a = row["uuid_assessment"]
    return None if a.startswith("PLACEHOLDER") or a.startswith("all-FF") else row["uuid_as_printed"].lower()


def smbios_root_case(name, root, row):
    want_uuid = uuid_expectation(row)
    rc, rec, err = probe(root)
    if want_uuid is None:
        check(rc == 3 and "Could not retrieve mandatory hardware info for h1: system UUID" in err,
              f"{name}: placeholder UUID must end in exit 3 (rc={rc}, {err.strip()})")
        check(err.count("\n") == 1, f"{name}: one error line")
        rc, rec, err = probe(root, "--system-uuid", "5C0FFEE0-1111-4222-8333-444455556666")
        check(rc == 0 and rec["uuid"] == "5c0ffee0-1111-4222-8333-444455556666"
              and rec["uuidSource"] == "operator" and rec["operatorSupplied"] == ["uuid"],
              f"{name}: operator-supplied UUID (rc={rc})")
    elif row["cpu_model"] == "-" and name.startswith(("sidero-HyperV", "nodeexporter")):
        check(rc == 3 and "CPU model" in err, f"{name}: no CPU model must end in exit 3 ({err.strip()})")
        rc, rec, err = probe(root, "--cpu-model", "Operator CPU")
        check(rc == 0 and rec["cpuModel"] == "Operator CPU" and rec["operatorSupplied"] == ["cpuModel"],
              f"{name}: operator-supplied CPU model (rc={rc} {err.strip()})")
        check(rec["uuid"] == want_uuid, f"{name}: uuid {rec['uuid']} != {want_uuid}")
        compare(name, rec, row, [c for c in HOST_FIELDS if c[0] != "cpu_model"])
        return
    else:
        check(rc == 0, f"{name}: probe failed rc={rc}: {err.strip()}")
        if rc != 0:
            return
        check(rec["uuid"] == want_uuid, f"{name}: uuid {rec['uuid']} != {want_uuid}")
        check(rec["uuidSource"] in ("smbios", "sysfs"), f"{name}: uuidSource {rec['uuidSource']}")
    if rec:
        compare(name, rec, row, HOST_FIELDS)


def synthetic_ep(table_len):
    """An SMBIOS 3.0 entry point (24 bytes) for a raw table, as SOURCES.md says
    expected.tsv was made for raw-table rows."""
    ep = bytearray(b"_SM3_" + bytes([0, 0x18, 3, 0, 0, 1, 0]) + struct.pack("<IQ", table_len, 0x20))
    ep[5] = (-sum(ep)) & 0xFF
    return bytes(ep)


def run_smbios_rows(rows, tmp):
    for row in rows:
        name, path = row["sample"], row["path"]
        if path.startswith("smbios-bin/dump-bin/"):
            smbios_root_case(name, os.path.join(HW, "roots", name), row)
        elif path.startswith("sysfs-dmi/"):
            smbios_root_case(name, os.path.join(HW, "sysfs-dmi", name), row)
        elif path.startswith("smbios-bin/raw-table/"):
            root = os.path.join(tmp, name)
            tables = os.path.join(root, "sys/firmware/dmi/tables")
            os.makedirs(tables)
            shutil.copy(os.path.join(HW, path), os.path.join(tables, "DMI"))
            with open(os.path.join(tables, "smbios_entry_point"), "wb") as f:
                f.write(synthetic_ep(os.path.getsize(os.path.join(HW, path))))
            smbios_root_case(name, root, row)


def run_cpuinfo_rows(rows, tmp):
    known = {"--system-uuid": "5c0ffee0-1111-4222-8333-444455556666",
             "--bios-vendor": "Operator BIOS", "--bios-version": "1.0"}
    extra = [x for kv in known.items() for x in kv]
    seen = set()
    for row in rows:
        if not row["path"].startswith("cpuinfo/"):
            continue
        name = row["sample"]
        src = os.path.join(HW, row["path"].split(" ")[0])
        root = os.path.join(tmp, "cpu-" + name)
        os.makedirs(os.path.join(root, "proc"))
        shutil.copy(src, os.path.join(root, "proc/cpuinfo"))
        meminfo = src[:-len(".cpuinfo")] + ".meminfo"
        if os.path.exists(meminfo):
            shutil.copy(meminfo, os.path.join(root, "proc/meminfo"))
        seen.add(os.path.basename(src))
        rc, rec, err = probe(root, *extra)
        check(rc == 0, f"{name}: probe rc={rc}: {err.strip()}")
        if rc == 0:
            cols = [c for c in HOST_FIELDS if c[0].startswith("cpu_")]
            if os.path.exists(meminfo):
                cols.append(("memory_MiB", "memoryMiB"))
            compare(name, rec, row, cols)
    every = {f for f in os.listdir(os.path.join(HW, "cpuinfo")) if f.endswith(".cpuinfo")}
    check(seen == every, f"cpuinfo files without an expected.tsv row: {sorted(every - seen)}")


def run_this_machine():
    p = subprocess.run([TOKEN_GEN, "probe"], capture_output=True, text=True)
    if p.returncode == 0:
        rec = json.loads(p.stdout)
        check(rec["uuidSource"] in ("smbios", "sysfs") and rec["cpuModel"], "this machine: record")
    else:
        check(p.returncode == 3 and p.stderr.startswith(
            "token-gen: Could not retrieve mandatory hardware info for ") and p.stderr.count("\n") == 1,
            f"this machine: exit 3 with one line, got {p.returncode}: {p.stderr!r}")
        print("note: this machine exposes no usable SMBIOS:", p.stderr.strip())


def main():
    with open(os.path.join(HW, "expected.tsv"), newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    with tempfile.TemporaryDirectory() as tmp:
        run_smbios_rows(rows, tmp)
        run_cpuinfo_rows(rows, tmp)
    run_this_machine()
    return finish("probe captures")


if __name__ == "__main__":
    sys.exit(main())
