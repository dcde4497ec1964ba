#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A capture is data, never the host (issue 14, class 7). Hostile captures built here from a
# real one (tests/data/hwdata: the ThinkPad T480's SMBIOS tables, a two-socket Xeon's
# /proc/cpuinfo and /proc/meminfo): a count no machine has is refused (exit 4, the file and
# the field named, no record written); a FIFO, a device or a directory in place of a file is
# refused at once, never waited on (each run under `timeout 10`: the old code waited for
# ever); a symbolic link is followed only inside the capture, as if it were /. Host records
# made by hand and the operator's flags are held to the same limits.
. "$(dirname "$0")/../e2e/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
scratch
CASES=0
HW=$TESTDATA/hwdata
T480=$HW/roots/uroot-Lenovo-ThinkPad-T480
XEON=$HW/cpuinfo/ghw-linux-amd64-2socket-xeon
T480_CPU="Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz" # SMBIOS type 4 of the T480
XEON_CPU="Intel(R) Xeon(R) CPU           L5640  @ 2.27GHz"
LIMIT_LINE="is more than any host has (at most"

cap() { # cap NAME: $WORK/NAME, a fresh copy of the base capture
	R=$WORK/$1
	rm -rf "$R"
	cp -R "$T480" "$R" && mkdir "$R/proc" && cp "$XEON.cpuinfo" "$R/proc/cpuinfo" &&
		cp "$XEON.meminfo" "$R/proc/meminfo"
}
smbios() { /usr/bin/python3 "$HERE/capture.py" "$R" "$@"; }
absent() { ! grep -q "$1" "$2"; }
# field FILE KEY: a value of a record (probe writes one "key": value a line)
field() { sed -n "/^  \"$2\": /{s/^  \"$2\": //;s/,\$//;s/^\"//;s/\"\$//;p;}" "$1"; }

# refused NAME "LINE" [ARGS]: probe of $R exits 4 with exactly "token-gen: LINE", promptly,
# and writes no record
refused() {
	case_name=$1; line=$2; shift 2 # not what/want: expect_exit sets those
	CASES=$((CASES + 1))
	rm -f "$WORK/rec.json"
	expect_exit 4 "$case_name" timeout 10 "$TG" probe --root "$R" -o "$WORK/rec.json" "$@"
	check "$case_name: the line (got: $ERR)" [ "$ERR" = "token-gen: $line" ]
	check "$case_name: no record written" [ ! -e "$WORK/rec.json" ]
}
# probed NAME [ARGS]: probe of $R exits 0 and writes the record to $WORK/rec.json
probed() {
	case_name=$1; shift
	CASES=$((CASES + 1))
	rm -f "$WORK/rec.json"
	expect_exit 0 "$case_name" timeout 10 "$TG" probe --root "$R" -o "$WORK/rec.json" "$@"
}

# The base capture is good: cpuinfo's model and counts, SMBIOS's memory.
cap base
probed "base capture" --host h1
check "base: cpuModel from cpuinfo" [ "$(field rec.json cpuModel)" = "$XEON_CPU" ]
check "base: cpuCores" [ "$(field rec.json cpuCores)" = 12 ]
check "base: memoryMiB from SMBIOS" [ "$(field rec.json memoryMiB)" = 24576 ]

# --- counts no machine has -------------------------------------------------------------
cap cores-int-max # two sockets of 2^31-1 cores: an int overflow and exit 1 before
sed -i 's/^cpu cores\t: 6$/cpu cores\t: 2147483647/' "$R/proc/cpuinfo"
refused "cpu cores 2147483647" "$R/proc/cpuinfo: cpuCores 4294967294 $LIMIT_LINE 65536)" --host h1
cap cores-past # 2 x 32769: past the limit, which the old code took
sed -i 's/^cpu cores\t: 6$/cpu cores\t: 32769/' "$R/proc/cpuinfo"
refused "cpu cores 65538" "$R/proc/cpuinfo: cpuCores 65538 $LIMIT_LINE 65536)" --host h1
cap cores-limit # 2 x 32768: the limit itself is taken
sed -i 's/^cpu cores\t: 6$/cpu cores\t: 32768/' "$R/proc/cpuinfo"
probed "cpu cores 65536" --host h1
check "cpu cores 65536: in the record" [ "$(field rec.json cpuCores)" = 65536 ]
cap siblings-huge # past what a long long holds: atoi's undefined behaviour before
sed -i 's/^siblings\t: 12$/siblings\t: 99999999999999999999/' "$R/proc/cpuinfo"
refused "siblings past 2^63" \
	"$R/proc/cpuinfo: cpuThreads 9223372036854775807 $LIMIT_LINE 65536)" --host h1
cap sockets-many # 1,025 physical ids: the old code counted 1,024 and went on
/usr/bin/python3 -c 'import sys
for i in range(1025):
    print("processor\t: %d\nmodel name\t: X\nphysical id\t: %d\ncpu cores\t: 1\nsiblings\t: 1\n" % (i, i))' \
	>"$R/proc/cpuinfo"
refused "1025 sockets" "$R/proc/cpuinfo: cpuSockets 1025 $LIMIT_LINE 1024)" --host h1
cap memtotal-huge # MemTotal past 4 PiB, in a file whose memory the record does not even take
sed -i 's/^MemTotal: .*/MemTotal:       4398046512128 kB/' "$R/proc/meminfo"
refused "MemTotal past 4 PiB" "$R/proc/meminfo: memoryMiB 4294967297 $LIMIT_LINE 4294967296)" \
	--host h1

cap mem-600 # 600 DIMMs of 0x7FFFFFFF MiB (2 PiB each) beside the T480's own 24,576 MiB
smbios mem 600 0x7FFFFFFF
refused "600 memory devices of 0x7FFFFFFF MiB" \
	"$R/sys/firmware/dmi/tables/DMI: memoryMiB $((24576 + 600 * 2147483647)) $LIMIT_LINE 4294967296)" \
	--host h1
cap mem-devices # 4,095 DIMMs of 1 MiB and the T480's 2: 4,097 devices
smbios mem 4095 1
refused "4097 memory devices" \
	"$R/sys/firmware/dmi/tables/DMI: memory devices 4097 $LIMIT_LINE 4096)" --host h1
cap smbios-sockets # 1,024 more processors than the T480's one
smbios cpu 1024 1 1
refused "1025 SMBIOS processors" \
	"$R/sys/firmware/dmi/tables/DMI: cpuSockets 1025 $LIMIT_LINE 1024)" --host h1
cap smbios-cores # two more processors of 40,000 cores (the T480's has 4 cores, 8 threads)
smbios cpu 2 40000 40000
refused "SMBIOS cores" "$R/sys/firmware/dmi/tables/DMI: cpuCores 80004 $LIMIT_LINE 65536)" --host h1
cap smbios-threads
smbios cpu 2 1 40000
refused "SMBIOS threads" "$R/sys/firmware/dmi/tables/DMI: cpuThreads 80008 $LIMIT_LINE 65536)" \
	--host h1

# --- files that are not regular files: refused at once ---------------------------------
NOT_REG="not a regular file (refused)"
cap fifo-cpuinfo
rm "$R/proc/cpuinfo" && mkfifo "$R/proc/cpuinfo"
refused "FIFO as proc/cpuinfo" "$R/proc/cpuinfo: is a FIFO, $NOT_REG" --host h1
check "FIFO as proc/cpuinfo: still a FIFO" [ -p "$R/proc/cpuinfo" ]
cap fifo-dmi
rm "$R/sys/firmware/dmi/tables/DMI" && mkfifo "$R/sys/firmware/dmi/tables/DMI"
refused "FIFO as the SMBIOS table" "$R/sys/firmware/dmi/tables/DMI: is a FIFO, $NOT_REG" --host h1
cap fifo-dmi-id
mkdir -p "$R/sys/class/dmi/id" && mkfifo "$R/sys/class/dmi/id/product_uuid"
refused "FIFO as dmi/id/product_uuid" "$R/sys/class/dmi/id/product_uuid: is a FIFO, $NOT_REG" \
	--host h1
cap fifo-hostname # no --host: the name is read from the capture
mkdir "$R/etc" && mkfifo "$R/etc/hostname"
refused "FIFO as etc/hostname" "$R/etc/hostname: is a FIFO, $NOT_REG"
cap null-meminfo # a node of /dev/null made here: never opened, let alone read
rm "$R/proc/meminfo" && mknod "$R/proc/meminfo" c 1 3
refused "character device as proc/meminfo" "$R/proc/meminfo: is a character device, $NOT_REG" \
	--host h1
cap dir-cpuinfo
rm "$R/proc/cpuinfo" && mkdir "$R/proc/cpuinfo"
refused "directory as proc/cpuinfo" "$R/proc/cpuinfo: is a directory, $NOT_REG" --host h1
# a hard link: inside the capture by name, another file's content (a file of the test's)
cap hardlink
mkdir "$R/etc" && printf 'secret-7f3a\n' >"$WORK/private" && ln "$WORK/private" "$R/etc/hostname"
refused "hard link as etc/hostname" "$R/etc/hostname: has 2 hard links (refused: a file of the capture shares its content with another)"
check "hard link: the linked content is not shown" absent secret-7f3a "$WORK/err"

# --- symbolic links stay inside the capture ----------------------------------------------
mkdir "$WORK/outside"
sed 's/^model name\t: .*/model name\t: OUTSIDE-CPU-7f3a/' "$XEON.cpuinfo" >"$WORK/outside/cpuinfo"
not_outside() { # the capture's own SMBIOS model, never the file outside
	check "$1: the value outside is not read" absent OUTSIDE-CPU-7f3a "$WORK/rec.json"
	check "$1: cpuModel from the capture" [ "$(field rec.json cpuModel)" = "$T480_CPU" ]
}
cap link-absolute
rm "$R/proc/cpuinfo" && ln -s "$WORK/outside/cpuinfo" "$R/proc/cpuinfo"
probed "absolute link out of the capture" --host h1
not_outside "absolute link out of the capture"
cap link-relative # ../../outside from ROOT/proc is $WORK/outside; inside the root, .. stops
rm "$R/proc/cpuinfo" && ln -s ../../outside/cpuinfo "$R/proc/cpuinfo"
probed "relative link out of the capture" --host h1
not_outside "relative link out of the capture"
cap link-directory
rm -r "$R/proc" && ln -s "$WORK/outside" "$R/proc"
probed "directory link out of the capture" --host h1
not_outside "directory link out of the capture"
cap link-inside # an absolute link means the capture's own /: followed there
mkdir "$R/inside" && sed 's/^model name\t: .*/model name\t: INSIDE-CPU-91c2/' "$XEON.cpuinfo" \
	>"$R/inside/cpuinfo"
rm "$R/proc/cpuinfo" && ln -s /inside/cpuinfo "$R/proc/cpuinfo"
probed "absolute link inside the capture" --host h1
check "absolute link inside the capture: followed to ROOT/inside" \
	[ "$(field rec.json cpuModel)" = INSIDE-CPU-91c2 ]
# sysfs as the kernel lays it out: /sys/class/dmi/id is a link to ../../devices/virtual/dmi/id
R=$WORK/sysfs-links
DELL=$HW/sysfs-dmi/nodeexporter-Dell-PowerEdge-R6515
mkdir -p "$R/sys/class/dmi" "$R/sys/devices/virtual/dmi"
cp -R "$DELL/sys/class/dmi/id" "$R/sys/devices/virtual/dmi/id"
ln -s ../../devices/virtual/dmi/id "$R/sys/class/dmi/id"
"$TG" probe --root "$DELL" --host h1 --cpu-model X >"$WORK/direct.json"
probed "sysfs with its own links" --host h1 --cpu-model X
check "sysfs with its own links: the same record" cmp -s "$WORK/direct.json" "$WORK/rec.json"

# --- this machine still probes (its /proc; /sys where it has one) ------------------------
CASES=$((CASES + 1))
expect_exit 0 "this machine" "$TG" probe --host h1 --system-uuid 5c0ffee0-1111-4222-8333-444455556666 \
	--bios-vendor B --bios-version 1 -o "$WORK/here.json"
check "this machine: threads from /proc/cpuinfo" [ "$(field here.json cpuThreads)" -ge 1 ]

# --- host records made by hand, and the operator's flags ------------------------------
cap base
probed "record for create" --host h1
nothing_made() { [ ! -e tok.txt ] && [ ! -e "$ST" ]; }
/usr/bin/python3 -c 'import json,sys
for kv in sys.argv[2:]:
    k, v = kv.split(":")
    r = json.load(open(sys.argv[1])); r[k] = int(v); json.dump(r, open(k + ".json", "w"))' \
	rec.json cpuCores:1000000 memoryMiB:1099511627776 cpuSockets:1025
for kv in cpuCores:1000000:65536 memoryMiB:1099511627776:4294967296 cpuSockets:1025:1024; do
	k=${kv%%:*}; v=${kv#*:}; v=${v%%:*}; max=${kv##*:}
	CASES=$((CASES + 1))
	expect_exit 4 "host record $k $v" "$TG" create --billing-model Development --host "$k.json" \
		-o tok.txt
	check "host record $k $v: the line" \
		[ "$ERR" = "token-gen: $k.json: field \"$k\" out of range (1..$max)" ]
	check "host record $k $v: no token, no stamp identity" nothing_made
done
for fv in --cpu-sockets:1025:1024 --cpu-cores:65537:65536 --cpu-threads:65537:65536 \
	--memory-mib:4294967297:4294967296; do
	f=${fv%%:*}; v=${fv#*:}; v=${v%%:*}; max=${fv##*:}
	CASES=$((CASES + 1))
	expect_exit 2 "$f $v" "$TG" probe --root "$R" --host h1 "$f" "$v" -o flag.json
	check "$f $v: the line" [ "$ERR" = "token-gen: $f \"$v\" is not a count from 1 to $max" ]
	check "$f $v: no record" [ ! -e flag.json ]
done

printf 'captures: %d attack cases\n' "$CASES"
finish captures
