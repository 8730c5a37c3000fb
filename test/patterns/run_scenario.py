#!/usr/bin/env python3
"""Run one catalogue program and check its ground truth.

A program built on patterns/include/scenario.h prints one verdict line and
exits 3 when it leaked (or hit std::terminate), 0 when it did not:

    chanleak-scenario: leaked=<N> scenario-returned=<yes|no>
    chanleak-scenario: terminate=<what>

--expect leaky  requires exit code 3 and a verdict line showing the defect.
--expect fixed  requires exit code 0 and "leaked=0 scenario-returned=yes".
Anything else (a crash, a missing verdict, a timeout) fails.
"""
import argparse
import re
import subprocess
import sys

VERDICT = re.compile(
    r"^chanleak-scenario: (?:leaked=(\d+) scenario-returned=(yes|no)|terminate=(.*))$",
    re.M)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--expect", choices=("leaky", "fixed"), required=True)
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds before the program counts as hung (default 30)")
    ap.add_argument("--runs", type=int, default=1,
                    help="run the program this many times; every run must agree")
    ap.add_argument("program")
    args = ap.parse_args()

    failures = 0
    for run in range(1, args.runs + 1):
        try:
            proc = subprocess.run([args.program], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True,
                                  timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"FAIL run {run}: {args.program} did not exit within {args.timeout}s")
            failures += 1
            continue
        verdicts = VERDICT.findall(proc.stdout)
        problem = None
        if len(verdicts) != 1:
            problem = f"expected one verdict line, got {len(verdicts)}"
        else:
            leaked, returned, terminate = verdicts[0]
            defect = bool(terminate) or int(leaked or 0) > 0 or returned == "no"
            if args.expect == "leaky":
                if proc.returncode != 3 or not defect:
                    problem = "expected a leak (exit 3)"
            else:
                if proc.returncode != 0 or defect:
                    problem = "expected no leak (exit 0)"
        status = "FAIL" if problem else "ok"
        print(f"{status} run {run}: exit={proc.returncode} "
              f"{proc.stdout.strip() or '(no output)'}"
              + (f" -- {problem}" if problem else ""))
        if problem:
            failures += 1
            if proc.stderr.strip():
                print(proc.stderr.rstrip())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
