#!/usr/bin/env python3
"""Fails when lib/Runtime/ApiStates.inc differs from what
`chanleak model --runtime-table` generates from the shared model, and says how
to regenerate it.

  check_runtime_table.py --chanleak build/bin/chanleak --table lib/Runtime/ApiStates.inc
"""
import argparse
import difflib
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chanleak", required=True)
    ap.add_argument("--table", required=True)
    args = ap.parse_args()
    generated = subprocess.run([args.chanleak, "model", "--runtime-table"], check=True,
                               stdout=subprocess.PIPE, text=True).stdout
    with open(args.table, encoding="utf-8") as f:
        checked_in = f.read()
    if generated == checked_in:
        print(f"{args.table} is up to date ({generated.count('CHANLEAK_API_STATE(')} entries)")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        checked_in.splitlines(True), generated.splitlines(True),
        fromfile=args.table, tofile="chanleak model --runtime-table"))
    print(f"\n{args.table} is out of date; regenerate it:\n"
          f"  {args.chanleak} model --runtime-table > {args.table}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
