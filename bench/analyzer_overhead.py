#!/usr/bin/env python3
"""How much do chanleak's checkers add to the Static Analyzer's core checkers?

Runs clang++ --analyze --analyzer-no-default-checks with the core checkers
only (-analyzer-checker=core) and with core plus chanleak's checkers
(-analyzer-checker=core,chanleak) on
  (a) the patterns/ catalogue, one clang++ process per program and
      configuration, with the flags of the build's compile_commands.json, and
  (b) one large generated translation unit (bench/gen_large_tu.py: Boost.Asio
      with its experimental channels, Boost.Fiber, >= 300 channel functions).
Both configurations load the plugin, so loading it is not counted as the
checkers' cost; -analyzer-list-enabled-checkers confirms beforehand that the
first runs the core.* checkers only and the second those plus chanleak.*.

A run of the catalogue is one pass over its programs: each program is
analysed with both configurations back to back, in an order that alternates
program by program and run by run, and a run's time per configuration is the
sum over the programs. Prints the median wall time of each configuration over
the runs, their ratio, and whether it meets the goal (at most 1.15 times core
alone). Programs run one at a time: parallel runs would make each one's time
depend on what shares the cores with it.

  bench/analyzer_overhead.py [--build build] [--runs 5] [--sample K] [--check]

About 1.5 hours with the defaults on an idle machine: one analysis takes
about 5 s per catalogue program and 100 s for the large TU, so 5 runs over the
whole catalogue take about 80 minutes and the large TU about 17; --sample 12
takes the catalogue part to about 10 minutes.
Not part of ctest. See docs/building.md.
"""

import argparse
import os
import subprocess
import sys

import overhead

GOAL = 1.15
CHECKERS = ("core", "core,chanleak")
LABELS = ("core", "core+chanleak")


def failed(returncode, err):
    return returncode != 0 or "Stack dump:" in err


def enabled_checkers(cmd, cwd):
    proc = subprocess.run(cmd + ["-Xclang", "-analyzer-list-enabled-checkers"], cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit("error: cannot list the enabled checkers:\n%s\n%s" % (" ".join(cmd), proc.stderr[-3000:]))
    # The list follows an "OVERVIEW: ..." line and a blank one.
    return {line.strip() for line in proc.stdout.splitlines()[1:] if line.strip()}


def verify_checkers(cwd, base_cmd, ours_cmd):
    """Exits unless the baseline runs core.* checkers only and the other
    exactly those plus chanleak.* ones; the two counts."""
    base = enabled_checkers(base_cmd, cwd)
    ours = enabled_checkers(ours_cmd, cwd)
    added = ours - base
    if (not base or not all(c.startswith("core.") for c in base) or not base <= ours
            or not added or not all(c.startswith("chanleak.") for c in added)):
        sys.exit("error: unexpected checker sets:\n  %s: %s\n  %s: %s"
                 % (CHECKERS[0], " ".join(sorted(base)), CHECKERS[1], " ".join(sorted(ours))))
    return len(base), len(added)


def time_input(name, clang, plugin, programs, runs):
    """programs: (source, cwd, flags) each."""
    def analyze(checkers, flags, source):
        return [clang, "--analyze", "--analyzer-no-default-checks", "-Xclang", "-load", "-Xclang", plugin,
                "-Xclang", "-analyzer-checker=" + checkers, "-o", os.devnull] + flags + [source]

    pairs = [(cwd, analyze(CHECKERS[0], flags, source), analyze(CHECKERS[1], flags, source))
             for source, cwd, flags in programs]
    # The checker sets depend on the flags, not on the source: check each set of flags once.
    checked = {}
    for (_, cwd, flags), (_, base_cmd, ours_cmd) in zip(programs, pairs):
        key = (cwd, tuple(flags))
        if key not in checked:
            checked[key] = verify_checkers(cwd, base_cmd, ours_cmd)
    for n_core, n_chanleak in sorted(set(checked.values())):
        print("  checkers: %s runs %d core.*, %s adds %d chanleak.*"
              % (CHECKERS[0], n_core, CHECKERS[1], n_chanleak))
    # Parsing every program once loads clang, the plugin and all the headers
    # into the page cache at a fraction of an analysis run's cost.
    warmup = [(cwd, [clang, "-fsyntax-only", "-Xclang", "-load", "-Xclang", plugin] + flags + [source])
              for source, cwd, flags in programs]
    return overhead.measure(name, LABELS, pairs, runs, failed, "[chanleak.", warmup)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(overhead.ROOT, "build"), help="configured and built chanleak build dir")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per configuration (>= 5)")
    parser.add_argument("--functions", type=int, default=320, help="functions in the generated TU (>= 300)")
    parser.add_argument("--sample", type=int, metavar="K",
                        help="time K catalogue programs spread evenly over the sorted catalogue (default: all)")
    parser.add_argument("--only", choices=["catalogue", "large-tu"], help="measure one input only")
    parser.add_argument("--check", action="store_true", help="exit 1 if a wall ratio is above the goal")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")

    build = os.path.abspath(args.build)
    cache = overhead.read_cache(build)
    major = cache.get("CHANLEAK_LLVM_VERSION", "19")
    clang = cache.get("CHANLEAK_CLANG") or "/usr/lib/llvm-%s/bin/clang++" % major
    plugin = os.path.join(build, "lib", "libchanleak-analyzer.so")
    if not os.path.exists(plugin):
        sys.exit("error: %s is missing (build chanleak first)" % plugin)
    print("clang++ %s --analyze, %s; %s vs %s; median of %d runs, interleaved"
          % (major, plugin, CHECKERS[0], CHECKERS[1], args.runs))

    results = []
    if args.only in (None, "catalogue"):
        programs = overhead.catalogue(build)
        if not programs:
            sys.exit("error: no patterns/ programs in %s/compile_commands.json" % build)
        total = len(programs)
        if args.sample:
            programs = [programs[i * total // args.sample] for i in range(min(args.sample, total))]
        print("(a) patterns/ catalogue: %d of %d programs, one clang++ per program and configuration"
              % (len(programs), total))
        results.append(time_input("catalogue", clang, plugin, programs, args.runs))

    if args.only in (None, "large-tu"):
        tu = overhead.large_tu(build, args.functions)
        print("(b) generated TU: %s (%d functions, Boost.Asio + Boost.Fiber)" % (tu, args.functions))
        results.append(time_input("large-tu", clang, plugin, [(tu, None, overhead.LARGE_TU_FLAGS)], args.runs))

    overhead.report(LABELS, results)
    for r in results:
        print("%-10s wall ratio %.3f: %s the goal (at most %.2f times core alone)"
              % (r["name"], r["ratio"], "meets" if r["ratio"] <= GOAL else "does NOT meet", GOAL))
    if args.check and any(r["ratio"] > GOAL for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
