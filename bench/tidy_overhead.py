#!/usr/bin/env python3
"""How much do chanleak's checks cost over parsing alone?

Runs clang-tidy with only chanleak's checks (-checks=-*,chanleak-*) and with a
parse-only baseline (one cheap built-in check, since clang-tidy refuses to run
with none) on
  (a) the whole patterns/ catalogue (one clang-tidy process over every
      program, with the flags of the build's compile_commands.json), and
  (b) one large generated translation unit (bench/gen_large_tu.py: Boost.Asio
      with its experimental channels, Boost.Fiber, >= 300 channel functions),
alternating the two configurations run by run (so drift hits both alike),
and prints the median wall time of each and their ratio. Both configurations
--load the plugin, so loading it is not counted as the checks' cost.

  bench/tidy_overhead.py [--build build] [--runs 5]

Not part of ctest. See docs/building.md.
"""

import argparse
import os
import sys

import overhead


def failed(returncode, err):
    return (returncode < 0 or "Stack dump:" in err or "No checks enabled" in err
            or "error: chanleak:" in err)


def time_pair(name, labels, base_cmd, ours_cmd, runs):
    # One clang-tidy process per configuration covers the whole input; one
    # uncounted run of each warms up.
    return overhead.measure(name, labels, [(None, base_cmd, ours_cmd)], runs, failed, "[chanleak-",
                            [(None, base_cmd), (None, ours_cmd)])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(overhead.ROOT, "build"), help="configured and built chanleak build dir")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per configuration (>= 5)")
    parser.add_argument("--functions", type=int, default=320, help="functions in the generated TU (>= 300)")
    parser.add_argument("--baseline-check", default="readability-braces-around-statements")
    parser.add_argument("--only", choices=["catalogue", "large-tu"], help="measure one input only")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")

    build = os.path.abspath(args.build)
    cache = overhead.read_cache(build)
    major = cache.get("CHANLEAK_LLVM_VERSION", "19")
    clang_tidy = cache.get("CHANLEAK_CLANG_TIDY") or "/usr/lib/llvm-%s/bin/clang-tidy" % major
    plugin = os.path.join(build, "lib", "libchanleak-tidy.so")
    if not os.path.exists(plugin):
        sys.exit("error: %s is missing (build chanleak first)" % plugin)

    common = [clang_tidy, "--quiet", "--load=" + plugin, "--config={}"]
    ours_checks = "--checks=-*,chanleak-*"
    base_checks = "--checks=-*," + args.baseline_check
    print("clang-tidy %s, %s; baseline %s; median of %d runs, interleaved"
          % (major, plugin, args.baseline_check, args.runs))

    labels = ("parse-only", "chanleak")
    results = []
    if args.only in (None, "catalogue"):
        sources = [source for source, _, _ in overhead.catalogue(build)]
        if not sources:
            sys.exit("error: no patterns/ programs in %s/compile_commands.json" % build)
        cmd = ["-p", build] + sources
        print("(a) patterns/ catalogue: %d programs" % len(sources))
        results.append(time_pair("catalogue", labels, common + [base_checks] + cmd,
                                 common + [ours_checks] + cmd, args.runs))

    if args.only in (None, "large-tu"):
        tu = overhead.large_tu(build, args.functions)
        cmd = [tu, "--"] + overhead.LARGE_TU_FLAGS
        print("(b) generated TU: %s (%d functions, Boost.Asio + Boost.Fiber)" % (tu, args.functions))
        results.append(time_pair("large-tu", labels, common + [base_checks] + cmd,
                                 common + [ours_checks] + cmd, args.runs))

    overhead.report(labels, results)


if __name__ == "__main__":
    main()
