#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Every file a document names exists: each relative Markdown link, and each `quoted` path
that starts at one of the repository's own top-level entries (common/..., tests/...,
docs/..., Makefile, ...). A path may end in :LINE or #anchor, hold a glob (tests/fuzz/fuzz_*.c)
a word in capitals for a name (man/PROGRAM.1), or stand for a folder (registrar/http/). Paths under build/ are made by the build and
left out; so is tests/data/hwdata/SOURCES.md, which names files in other projects.
Also: the fuzz regressions README names every fuzz target.

usage: paths.py REPO"""
import glob, os, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from checks import check, finish  # noqa: E402

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
SKIP_DOCS = {"tests/data/hwdata/SOURCES.md"}
LINK = re.compile(r"\]\(([^)\s]+)\)")
QUOTED = re.compile(r"`([^`\s]+)`")



def documents():
    out = []
    for dirpath, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in (".git", "build")]
        out += [os.path.relpath(os.path.join(dirpath, f), ROOT) for f in files if f.endswith(".md")]
    return sorted(d for d in out if d not in SKIP_DOCS)


def top_entries():
    return {e for e in os.listdir(ROOT) if e not in (".git", "build")}


def strip(path):
    path = path.split("#")[0]
    return re.sub(r":\d+(-\d+)?$", "", path)


PLACEHOLDER = re.compile(r"^(?!(README|SOURCES|LICENSE|HACKING|DMI)\b)[A-Z][A-Z_]+(?=\.|$)")


def exists(path):
    """path names a file or folder; a glob, or a word in capitals standing for a name
    (man/PROGRAM.1), must match one."""
    if os.path.exists(path):
        return True
    rel = os.path.relpath(path, ROOT).split(os.sep)
    pattern = os.path.join(ROOT, *[PLACEHOLDER.sub("*", seg) for seg in rel])
    return any(c in pattern for c in "*?[") and bool(glob.glob(pattern))


def named_paths(doc, text, tops):
    """(path as written, absolute path) for each path the document names."""
    here = os.path.dirname(os.path.join(ROOT, doc))
    for m in LINK.finditer(text):
        target = m.group(1)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a URL or an anchor in the same page
        yield target, os.path.normpath(os.path.join(here, strip(target)))
    for m in QUOTED.finditer(text):
        word = strip(m.group(1)).rstrip(".,;:")
        first = word.split("/")[0]
        if first in tops and (("/" in word) or first == word) and first != "build":
            yield word, os.path.join(ROOT, word)


def main():
    tops = top_entries()
    docs = documents()
    named = 0
    for doc in docs:
        with open(os.path.join(ROOT, doc), encoding="utf-8") as f:
            text = f.read()
        for written, path in named_paths(doc, text, tops):
            named += 1
            check(exists(path), f"{doc} names {written}, which does not exist")
    check(named > 50, f"only {named} paths found in {len(docs)} documents: is the scan broken?")
    # the check can fail: a path that is not there is reported
    check(not exists(os.path.join(ROOT, "tests/docs/no-such-file.sh")), "the probe file exists")
    fake = list(named_paths("docs/x.md", "see `tests/docs/no-such-file.sh` and [a](nowhere.md)", tops))
    check(len(fake) == 2 and not any(exists(p) for _, p in fake),
          f"the scan finds made-up paths: {fake}")
    # the regressions README names every target run.sh fuzzes
    with open(os.path.join(ROOT, "tests/fuzz/run.sh")) as f:
        targets = re.search(r"FUZZ_ONLY:-([a-z ]+)\}", f.read()).group(1).split()
    with open(os.path.join(ROOT, "tests/fuzz/regressions/README.md")) as f:
        readme = f.read()
    for t in targets:
        check(re.search(r"\b%s\b" % t, readme) is not None,
              f"tests/fuzz/regressions/README.md does not name the fuzz target {t}")
    return finish("doc paths", f" ({named} paths in {len(docs)} documents)")


sys.exit(main())
