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
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_cache(build):
    cache = {}
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            if "=" in line and ":" in line.split("=", 1)[0] and not line.startswith(("#", "//")):
                key, value = line.rstrip("\n").split("=", 1)
                cache[key.split(":", 1)[0]] = value
    return cache


def catalogue_sources(build):
    """The patterns/ programs that the build compiles, from its compilation database."""
    db_path = os.path.join(build, "compile_commands.json")
    patterns = os.path.join(ROOT, "patterns") + os.sep
    if not os.path.exists(db_path):
        sys.exit("error: %s is missing (configure the build first)" % db_path)
    with open(db_path, encoding="utf-8") as f:
        db = json.load(f)
    files = sorted({os.path.normpath(os.path.join(e["directory"], e["file"])) for e in db})
    return [f for f in files if f.startswith(patterns)]


def child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(cmd):
    """Wall time and CPU time (user + sys) of one clang-tidy run, and its stdout."""
    cpu0 = child_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    cpu = child_cpu() - cpu0
    err = proc.stderr.decode(errors="replace")
    if proc.returncode < 0 or "Stack dump:" in err or "No checks enabled" in err or "error: chanleak:" in err:
        sys.exit("error: clang-tidy failed (%d):\n%s\n%s" % (proc.returncode, " ".join(cmd), err[-3000:]))
    return elapsed, cpu, proc.stdout.decode(errors="replace")


def measure(name, ours_cmd, base_cmd, runs):
    wall = {"ours": [], "base": []}
    cpu = {"ours": [], "base": []}
    # One warm-up of each (page cache, dynamic loader), not counted.
    run_once(base_cmd)
    _, _, out = run_once(ours_cmd)
    findings = sum(1 for line in out.splitlines() if "warning:" in line and "[chanleak-" in line)
    for r in range(runs):
        pair = [("base", base_cmd), ("ours", ours_cmd)]
        if r % 2:
            pair.reverse()
        for which, cmd in pair:
            t, c, _ = run_once(cmd)
            wall[which].append(t)
            cpu[which].append(c)
        print("  %s run %d/%d: parse-only %.2fs (cpu %.2fs), chanleak %.2fs (cpu %.2fs)"
              % (name, r + 1, runs, wall["base"][-1], cpu["base"][-1], wall["ours"][-1], cpu["ours"][-1]), flush=True)
    med = {k: statistics.median(v) for k, v in wall.items()}
    cmed = {k: statistics.median(v) for k, v in cpu.items()}
    return {"name": name, "ours": med["ours"], "base": med["base"], "ratio": med["ours"] / med["base"],
            "cpu_ratio": cmed["ours"] / cmed["base"], "findings": findings}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="configured and built chanleak build dir")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per configuration (>= 5)")
    parser.add_argument("--functions", type=int, default=320, help="functions in the generated TU (>= 300)")
    parser.add_argument("--baseline-check", default="readability-braces-around-statements")
    parser.add_argument("--only", choices=["catalogue", "large-tu"], help="measure one input only")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")

    build = os.path.abspath(args.build)
    cache = read_cache(build)
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

    results = []
    if args.only in (None, "catalogue"):
        sources = catalogue_sources(build)
        if not sources:
            sys.exit("error: no patterns/ programs in %s/compile_commands.json" % build)
        cmd = ["-p", build] + sources
        print("(a) patterns/ catalogue: %d programs" % len(sources))
        results.append(measure("catalogue", common + [ours_checks] + cmd, common + [base_checks] + cmd, args.runs))

    if args.only in (None, "large-tu"):
        tu = os.path.join(build, "bench", "large_tu.cpp")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_large_tu.py"),
                        "-n", str(args.functions), "-o", tu], check=True, stdout=subprocess.DEVNULL)
        cmd = [tu, "--", "-std=c++20", "-I" + os.path.join(ROOT, "include")]
        print("(b) generated TU: %s (%d functions, Boost.Asio + Boost.Fiber)" % (tu, args.functions))
        results.append(measure("large-tu", common + [ours_checks] + cmd, common + [base_checks] + cmd, args.runs))

    print()
    print("median wall time; the CPU-time ratio (user + sys) is less sensitive to other load on the machine")
    print("%-10s %12s %12s %11s %9s %10s %9s"
          % ("input", "parse-only", "chanleak", "wall ratio", "overhead", "cpu ratio", "findings"))
    for r in results:
        print("%-10s %11.2fs %11.2fs %11.3f %+8.1f%% %10.3f %9d"
              % (r["name"], r["base"], r["ours"], r["ratio"], (r["ratio"] - 1) * 100, r["cpu_ratio"], r["findings"]))


if __name__ == "__main__":
    main()
