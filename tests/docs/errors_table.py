#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""docs/errors.md against the source: every error line the programs can print (other than
internal errors) has a row, with its exit status; every row is a line the source still
prints. usage: errors_table.py SOURCE_ROOT"""
import pathlib, re, subprocess, sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "e2e"))
from checks import check, finish  # noqa: E402

root = pathlib.Path(sys.argv[1])
here = pathlib.Path(__file__).resolve().parent
listing = subprocess.run([sys.executable, str(here / "messages.py"), str(root)],
                         capture_output=True, text=True, check=True).stdout
source = {}  # message -> set of exit statuses
for line in listing.splitlines():
    status, message, _ = line.split("\t")
    source.setdefault(message, set()).update(s for s in status.split("/") if s != "?")

rows = {}  # message -> the statuses its row names
for line in (root / "docs" / "errors.md").read_text().splitlines():
    cells = [c.strip() for c in line.split(" | ")]
    if not line.startswith("| `") or len(cells) < 2:
        continue
    first = line[2:line.index("` |") + 1]
    for message in re.findall(r"`([^`]+)`", first):
        # a | in a message is written \| in the table (else it ends the cell)
        rows[message.replace("\\|", "|")] = set(re.findall(r"[1-7]", cells[1]))


for message, statuses in sorted(source.items()):
    if statuses == {"1"}:
        continue  # internal errors: one kind, described at the top
    check(message in rows, "docs/errors.md has no row for `%s` (exit %s)"
          % (message, "/".join(sorted(statuses)) or "?"))
    if message in rows:
        check(statuses <= rows[message], "`%s`: the source exits %s, the row says %s"
              % (message, "/".join(sorted(statuses)), "/".join(sorted(rows[message]))))
for message in sorted(rows):
    check(message in source, "docs/errors.md: `%s` is no line of the source" % message)
# the check can fail: a made-up line is not in the source
check("no such line" not in source, "messages.py found a line that does not exist")
check(len(source) > 150, "messages.py found only %d lines" % len(source))
sys.exit(finish("errors table", " (%d lines in the source, %d rows)" % (len(source), len(rows))))
