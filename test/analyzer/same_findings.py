#!/usr/bin/env python3
"""The analyzer checkers say what the clang-tidy checks say.

Runs both engines over C++ files (the tidy checks' lit tests) and compares
their chanleak warnings: location, check (chanleak.EarlyReturn counts as
chanleak-early-return) and message. Any difference fails, unless the file
is listed with --expect-fewer (the analyzer drops leaks on infeasible paths
there, by design) and the analyzer's warnings are a subset.

  same_findings.py --clang-tidy CT --clang CLANG --tidy-plugin T --analyzer-plugin A
                   [--flag F ...] [--expect-fewer FILE ...] FILES...
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "patterns"))
from check_catalogue import checker_to_check  # noqa: E402

WARNING = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): warning: (?P<msg>.*) "
                     r"\[(?P<check>chanleak[-.][A-Za-z-]+)\]$")


def warnings(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if "PLEASE submit a bug report" in proc.stdout:
        return None, proc.stdout
    found = set()
    for line in proc.stdout.splitlines():
        m = WARNING.match(line)
        if m:
            found.add((os.path.basename(m.group("file")), int(m.group("line")),
                       int(m.group("col")), checker_to_check(m.group("check")), m.group("msg")))
    return found, proc.stdout


def compare(args, path):
    tidy, tidy_out = warnings([args.clang_tidy, "--load=" + args.tidy_plugin,
                               "--checks=-*,chanleak-*", "--quiet", path, "--"] + args.flag)
    analyzer, analyzer_out = warnings(
        [args.clang, "--analyze", "-o", os.devnull, "-fno-caret-diagnostics", "-Xclang", "-load",
         "-Xclang", args.analyzer_plugin, "-Xclang", "-analyzer-checker=chanleak"] + args.flag +
        [path])
    if tidy is None or analyzer is None:
        return ["crash:\n" + (tidy_out if tidy is None else analyzer_out)[-3000:]]
    problems = []
    fewer = os.path.basename(path) in args.expect_fewer
    for w in sorted(tidy - analyzer):
        if not fewer:
            problems.append("only clang-tidy: %s:%d:%d %s %s" % w)
    for w in sorted(analyzer - tidy):
        problems.append("only the analyzer: %s:%d:%d %s %s" % w)
    if fewer and tidy == analyzer:
        problems.append("listed with --expect-fewer, but the engines agree")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clang-tidy", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--tidy-plugin", required=True)
    ap.add_argument("--analyzer-plugin", required=True)
    ap.add_argument("--flag", action="append", default=[])
    ap.add_argument("--expect-fewer", action="append", default=[])
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = dict(zip(args.files, pool.map(lambda f: compare(args, f), args.files)))
    failed = 0
    for path, problems in results.items():
        for p in problems:
            print("%s: %s" % (path, p))
        failed += bool(problems)
    print("%d files, %d with different findings" % (len(args.files), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
