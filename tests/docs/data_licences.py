#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The test data's licences are said for every file, in both places that say them: each
file under tests/data is matched by a row of tests/data/SOURCES.md and by a Files: stanza
of packaging/deb/copyright other than `*` (the project's own files aside), and every
pattern in either place matches a file. usage: data_licences.py REPO"""
import fnmatch, os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from checks import check, finish  # noqa: E402

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
DATA = os.path.join(ROOT, "tests", "data")
OURS = {"SOURCES.md", "hwdata/SOURCES.md", "hwdata/expected.tsv"}


def data_files():
    out = []
    for dirpath, _, files in os.walk(DATA):
        out += [os.path.relpath(os.path.join(dirpath, f), DATA) for f in files]
    return sorted(out)


def copyright_patterns(text):
    """The Files: patterns of each stanza but `*`, relative to tests/data."""
    pats = []
    for stanza in text.split("\n\n"):
        m = re.search(r"^Files:((?:.*\n?)(?:[ \t].*\n?)*)", stanza, re.M)
        if m:
            pats += [p for p in m.group(1).split() if p != "*"]
    return pats


def sources_patterns(text):
    """The paths in the first column of SOURCES.md's table, relative to tests/data."""
    pats = []
    for line in text.splitlines():
        if line.startswith("| `"):
            pats += re.findall(r"`([^`]+)`", line.split(" | ")[0])
    return pats


def matches(pattern, path):
    # a pattern ending in NAME-* covers a folder's files too (roots/uroot-X/sys/...)
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + "/*")


def covered(files, patterns, where):
    for f in files:
        check(any(matches(p, f) for p in patterns), f"{where} says nothing of tests/data/{f}")
    for p in patterns:
        check(any(matches(p, f) for f in files), f"{where} names {p}, which matches no file")


def main():
    files = [f for f in data_files() if f not in OURS]
    check(len(files) > 90, f"only {len(files)} files under tests/data")
    with open(os.path.join(ROOT, "packaging", "deb", "copyright")) as f:
        deb = [p[len("tests/data/"):] for p in copyright_patterns(f.read())
               if p.startswith("tests/data/")]
    with open(os.path.join(DATA, "SOURCES.md")) as f:
        rows = [p for p in sources_patterns(f.read()) if p not in OURS and p != "this page"]
    covered(files, deb, "packaging/deb/copyright")
    covered(files, rows, "tests/data/SOURCES.md")
    # the check can fail: a file no pattern covers, a pattern that covers nothing
    check(not any(matches(p, "hwdata/cpuinfo/new-capture.cpuinfo") for p in deb),
          "a made-up capture is covered by the copyright's patterns")
    check(not any(matches("hwdata/cpuinfo/ansibel-*", f) for f in files),
          "a misspelt pattern matches a file")
    return finish("data licences", f" ({len(files)} files, {len(deb)} copyright patterns, "
                  f"{len(rows)} SOURCES.md rows)")


sys.exit(main())
