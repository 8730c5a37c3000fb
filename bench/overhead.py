"""What bench/tidy_overhead.py and bench/analyzer_overhead.py share: the build's
settings and compilation database, the large generated translation unit, the
interleaved timing loop with medians, and the report.

Each input is timed as a list of pairs (baseline command, chanleak command),
one pair per process that makes up the input (one clang-tidy process over the
whole catalogue; one clang++ --analyze per program). A run is one pass over
the pairs; each pair runs its two commands back to back, in an order that
alternates pair by pair and run by run, so drift hits both alike. A run's
time per configuration is the sum over its pairs; the report gives the median
over runs.
"""

import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, "include")
# The flags the large TU is compiled with by both benches.
LARGE_TU_FLAGS = ["-std=c++20", "-I" + INCLUDE]


def read_cache(build):
    cache = {}
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            if "=" in line and ":" in line.split("=", 1)[0] and not line.startswith(("#", "//")):
                key, value = line.rstrip("\n").split("=", 1)
                cache[key.split(":", 1)[0]] = value
    return cache


def catalogue(build):
    """The patterns/ programs that the build compiles, from its compilation
    database, sorted: (source, directory, flags) each, the flags without the
    compiler, the output, -c and the source."""
    db_path = os.path.join(build, "compile_commands.json")
    patterns = os.path.join(ROOT, "patterns") + os.sep
    if not os.path.exists(db_path):
        sys.exit("error: %s is missing (configure the build first)" % db_path)
    with open(db_path, encoding="utf-8") as f:
        db = json.load(f)
    programs = {}
    for e in db:
        source = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if not source.startswith(patterns):
            continue
        argv = e.get("arguments") or shlex.split(e["command"])
        flags, skip = [], False
        for a in argv[1:]:
            if skip:
                skip = False
            elif a == "-o":
                skip = True
            elif a != "-c" and os.path.normpath(os.path.join(e["directory"], a)) != source:
                flags.append(a)
        programs[source] = (source, e["directory"], flags)
    return [programs[s] for s in sorted(programs)]


def large_tu(build, functions):
    """Generates the large translation unit into the build directory; its path."""
    tu = os.path.join(build, "bench", "large_tu.cpp")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_large_tu.py"),
                    "-n", str(functions), "-o", tu], check=True, stdout=subprocess.DEVNULL)
    return tu


def child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(cmd, failed, cwd=None):
    """Wall time and CPU time (user + sys) of one run, and its output (stdout
    then stderr). Exits when failed(returncode, stderr) says the tool broke."""
    cpu0 = child_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    elapsed = time.perf_counter() - start
    cpu = child_cpu() - cpu0
    err = proc.stderr.decode(errors="replace")
    if failed(proc.returncode, err):
        sys.exit("error: %s failed (%d):\n%s\n%s"
                 % (os.path.basename(cmd[0]), proc.returncode, " ".join(cmd), err[-3000:]))
    return elapsed, cpu, proc.stdout.decode(errors="replace") + err


def measure(name, labels, pairs, runs, failed, finding, warmup):
    """Times pairs, a list of (cwd, baseline command, chanleak command), over
    runs interleaved runs, after running the (cwd, command) list warmup
    uncounted (page cache, dynamic loader). labels name the baseline and
    chanleak; finding is the text that marks a chanleak warning line."""
    for cwd, cmd in warmup:
        run_once(cmd, failed, cwd)
    wall = {"base": [], "ours": []}
    cpu = {"base": [], "ours": []}
    findings = 0
    for r in range(runs):
        wall_sum = {"base": 0.0, "ours": 0.0}
        cpu_sum = {"base": 0.0, "ours": 0.0}
        for i, (cwd, base_cmd, ours_cmd) in enumerate(pairs):
            pair = [("base", base_cmd), ("ours", ours_cmd)]
            if (r + i) % 2:
                pair.reverse()
            for which, cmd in pair:
                t, c, out = run_once(cmd, failed, cwd)
                wall_sum[which] += t
                cpu_sum[which] += c
                # The findings are the same every run: count them once.
                if r == 0 and which == "ours":
                    findings += sum(1 for line in out.splitlines() if "warning:" in line and finding in line)
        for which in wall:
            wall[which].append(wall_sum[which])
            cpu[which].append(cpu_sum[which])
        print("  %s run %d/%d: %s %.2fs (cpu %.2fs), %s %.2fs (cpu %.2fs)"
              % (name, r + 1, runs, labels[0], wall["base"][-1], cpu["base"][-1],
                 labels[1], wall["ours"][-1], cpu["ours"][-1]), flush=True)
    med = {k: statistics.median(v) for k, v in wall.items()}
    cmed = {k: statistics.median(v) for k, v in cpu.items()}
    return {"name": name, "ours": med["ours"], "base": med["base"], "ratio": med["ours"] / med["base"],
            "cpu_ratio": cmed["ours"] / cmed["base"], "findings": findings}


def report(labels, results):
    base_w, ours_w = (max(12, len(label) + 1) for label in labels)
    print()
    print("median wall time; the CPU-time ratio (user + sys) is less sensitive to other load on the machine")
    print("%-10s %*s %*s %11s %9s %10s %9s"
          % ("input", base_w, labels[0], ours_w, labels[1], "wall ratio", "overhead", "cpu ratio", "findings"))
    for r in results:
        print("%-10s %*.2fs %*.2fs %11.3f %+8.1f%% %10.3f %9d"
              % (r["name"], base_w - 1, r["base"], ours_w - 1, r["ours"], r["ratio"],
                 (r["ratio"] - 1) * 100, r["cpu_ratio"], r["findings"]))
