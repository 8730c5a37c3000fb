#!/usr/bin/env python3
"""Accuracy of the chanleak checks over the whole generated corpus.

Runs test/corpus/run_corpus.py --all (every program built, run under the
runtime for its ground truth, analysed by clang-tidy with the plugin; results
cached under --out) and prints its tables: recall and false-alarm rate
overall, per check and per choice value, the programs without a verdict, the
disagreements between the generator's intent and the runtime, and the time
per program.

  bench/corpus_accuracy.py [--build DIR] [--out DIR] [--jobs N] [--json]

Takes a while on a small machine: about 600 programs, each compiled, run and
analysed once (a second run only redoes what changed, e.g. the analysis after
a plugin rebuild). Run it under `nice`.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=None, help="default <build>/corpus-all")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cxx", default="g++-12")
    ap.add_argument("--clang-tidy", default="/usr/lib/llvm-19/bin/clang-tidy")
    args = ap.parse_args()
    out = args.out or os.path.join(os.path.abspath(args.build), "corpus-all")
    cmd = [sys.executable, os.path.join(ROOT, "test", "corpus", "run_corpus.py"), "--all",
           "--build", args.build, "--out", out, "--jobs", str(args.jobs), "--cxx", args.cxx,
           "--clang-tidy", args.clang_tidy]
    if args.json:
        cmd.append("--json")
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
