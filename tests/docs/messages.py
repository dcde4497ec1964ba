#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Every error line the programs can print, read from their source: the format of each
ar_fail() and usage error, the "what" of env_error() ("WHAT: strerror") and the one
form of store_error(). Prints "STATUS<TAB>MESSAGE<TAB>FILE:LINE" a line, the message
with each printf conversion written as "…". Pass-through formats ("%s") are left out:
they repeat a message found elsewhere. usage: messages.py SOURCE_ROOT"""
import pathlib, re, sys

CALL = re.compile(r'\b(ar_fail|usage_error|ar_usage_error|env_error|store_error)\s*\(')
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
CONVERSION = re.compile(r'%[-#0 +]*[0-9]*(?:\.[0-9]+)?(?:hh|h|ll|l|z|j|t)?[diouxXcsp]')
STATUS = {"AR_EINTERNAL": "1", "AR_EUSAGE": "2", "AR_EHARDWARE": "3", "AR_EINPUT": "4",
          "AR_EENV": "5", "AR_EREVOKED": "7"}
DIRS = ("common", "token-gen", "registrar", "key-import", "libairreg", "airreg-connect")


def split_args(text, start):
    """The call's arguments (text), up to its closing parenthesis."""
    args, depth, i, begin = [], 1, start, start
    while i < len(text):
        c = text[i]
        if c == '"':
            i = STRING.match(text, i).end()
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(text[begin:i])
                return args
        elif c == "," and depth == 1:
            args.append(text[begin:i])
            begin = i + 1
        i += 1
    return args


def formats(arg, macros):
    """The formats an argument can be: adjacent literals and string macros; both
    branches of a conditional."""
    out = []
    # a "?" or ":" inside a literal is text, not a conditional
    outside = STRING.sub(lambda m: '"' + "_" * (len(m.group(0)) - 2) + '"', arg)
    cuts = [m.start() for m in re.finditer(r'\?|(?<=")\s*:', outside)]
    branches = [arg[a:b] for a, b in zip([0] + [c + 1 for c in cuts], cuts + [len(arg)])]
    for branch in branches[-2:] if "?" in outside else [arg]:
        pieces = [m.group(1) if m.group(1) is not None else macros.get(m.group(2), "")
                  for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|\b(AR_[A-Z_0-9]+)\b', branch)]
        if any(m for m in re.finditer(r'"', branch)):
            out.append("".join(pieces).replace('\\"', '"'))
    return out


def main():
    root = pathlib.Path(sys.argv[1])
    macros = dict(re.findall(r'#define\s+(AR_[A-Z_0-9]+)\s+"([^"]*)"',
                             (root / "common" / "ar_limits.h").read_text()))
    for src in sorted(p for d in DIRS for p in (root / d).rglob("*.c")):
        text = src.read_text()
        for m in CALL.finditer(text):
            if re.search(r'\b(int|void)\s+$', text[max(0, m.start() - 12):m.start()]):
                continue  # a definition
            args = split_args(text, m.end())
            line = text.count("\n", 0, m.start()) + 1
            name = m.group(1)
            if name == "ar_fail":
                status = "/".join(sorted({STATUS[s] for s in re.findall(r'AR_E[A-Z]+', args[1])})) or "?"
                found = formats(args[3], macros)
            elif name == "env_error":
                status, found = "5", [f + ": %s" for f in formats(args[2], macros)]
            elif name == "store_error":
                status, found = "5", ["database: %s: %s"]
            else:
                status, found = "2", formats(args[0], macros)
            statuses = [status] * len(found)
            if name == "ar_fail" and len(found) == 2 and "?" in args[1]:
                # `cond ? A_STATUS : B_STATUS` with `cond ? "A" : "B"`: in pairs
                statuses = [STATUS[s] for s in re.findall(r'AR_E[A-Z]+', args[1])][:2]
            for fmt, st in zip(found, statuses):
                if fmt.strip() in ("%s", "%s: %s") or fmt == "":
                    continue
                print("%s\t%s\t%s:%d" % (st, CONVERSION.sub("…", fmt),
                                          src.relative_to(root), line))


main()
