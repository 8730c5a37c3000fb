#!/usr/bin/env python3
"""What does chanleak's runtime cost a program?

(a) Thread churn: bench/runtime_churn.cpp creates and joins N threads
    (default 100,000), run alternately without and with
    LD_PRELOAD=libchanleak-rt.so (so drift hits both alike); prints the median
    wall and CPU time of each and their ratio (goal: at most 1.10).
(b) VerifyNone latency: bench/runtime_verify_latency.cpp keeps 64 blocked
    threads alive, snapshots them with IgnoreCurrent(), then calls
    VerifyNone(NoRetry) many times; prints the median (goal: under 1 ms).
(d) The at-exit check of bench/runtime_coroutine_scan.cpp (a heap of
    --heap-mb MB and one stranded coroutine) with the unfinished-coroutine
    scan off and on: what reading the heap costs.
(c) Fiber parks: bench/runtime_fiber_pingpong.cpp passes a number between
    two Boost.Fiber fibers over unbuffered channels N times (default
    100,000; each round trip parks 3-4 times, and the runtime records a
    stack per park, or reuses the fiber's last one), interleaved as (a);
    prints the ratio. Skipped without Boost.Fiber.

The programs are compiled here with the system C++ compiler against the
build's runtime.

  bench/runtime_overhead.py [--build build] [--runs 7] [--threads 100000]
                            [--round-trips 100000]

Not part of ctest.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")


def compile_program(cxx, source, output, runtime_dir=None, libs=(), required=True, flags=()):
    """Whether it compiled; a failure is fatal when required."""
    cmd = [cxx, "-std=c++17", "-O2", "-pthread", *flags, os.path.join(BENCH, source), "-o", output]
    if runtime_dir:
        cmd += [f"-I{os.path.join(ROOT, 'include')}", f"-L{runtime_dir}", "-lchanleak-rt",
                f"-Wl,-rpath,{runtime_dir}"]
    cmd += list(libs)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0 and required:
        sys.exit(f"error: cannot compile {source}:\n{' '.join(cmd)}\n{proc.stdout}")
    return proc.returncode == 0


def child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(cmd, env, statuses=(0,)):
    """Wall time and CPU time (user + sys) of one run, and its stdout."""
    cpu0 = child_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in statuses:
        sys.exit(f"error: {' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return wall, child_cpu() - cpu0, proc.stdout


def interleaved(program, runtime, count, runs):
    """Median wall and CPU times of `program count`, without and with the
    runtime preloaded, runs of each alternating."""
    plain = dict(os.environ)
    plain.pop("LD_PRELOAD", None)
    preloaded = dict(plain, LD_PRELOAD=runtime)
    wall = {"plain": [], "runtime": []}
    cpu = {"plain": [], "runtime": []}
    cmd = [program, str(count)]
    # One warm-up of each (page cache, dynamic loader), not counted.
    run_once(cmd, plain)
    run_once(cmd, preloaded)
    for _ in range(runs):
        for name, env in (("plain", plain), ("runtime", preloaded)):
            w, c, _ = run_once(cmd, env)
            wall[name].append(w)
            cpu[name].append(c)
    return ({k: statistics.median(v) for k, v in wall.items()},
            {k: statistics.median(v) for k, v in cpu.items()})


def coroutine_scan_times(program, runtime, megabytes, runs):
    """Median wall time of the at-exit check of `program megabytes` with the
    coroutine scan turned off and on (it finds one coroutine: exit 66)."""
    base = dict(os.environ, LD_PRELOAD=runtime, CHANLEAK_VERIFY_AT_EXIT="1")
    envs = {"off": dict(base, CHANLEAK_COROUTINE_SCAN_MB="0"),
            "on": dict(base, CHANLEAK_COROUTINE_SCAN_MB=str(megabytes + 256))}
    cmd = [program, str(megabytes)]
    times = {"off": [], "on": []}
    for _ in range(runs):
        for name, env in envs.items():
            w, _, _ = run_once(cmd, env, statuses=(0, 66))
            times[name].append(w)
    return {k: statistics.median(v) for k, v in times.items()}


def print_times(wall, cpu, goal=""):
    print(f"    {'':12} {'wall s':>8} {'cpu s':>8}")
    for name in ("plain", "runtime"):
        print(f"    {name:12} {wall[name]:8.3f} {cpu[name]:8.3f}")
    print(f"    {'ratio':12} {wall['runtime'] / wall['plain']:8.3f} "
          f"{cpu['runtime'] / cpu['plain']:8.3f}{goal}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=7, help="runs of each configuration (>= 5)")
    ap.add_argument("--threads", type=int, default=100000, help="threads per churn run")
    ap.add_argument("--calls", type=int, default=2000, help="VerifyNone calls")
    ap.add_argument("--round-trips", type=int, default=100000,
                    help="fiber ping-pong round trips per run")
    ap.add_argument("--heap-mb", type=int, default=512,
                    help="heap of the coroutine-scan benchmark, in MB")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "c++"))
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    runtime_dir = os.path.join(os.path.abspath(args.build), "lib")
    runtime = os.path.join(runtime_dir, "libchanleak-rt.so")
    if not os.path.isfile(runtime):
        sys.exit(f"error: {runtime} is missing (build the chanleak-rt target first)")

    with tempfile.TemporaryDirectory() as tmp:
        churn_bin = os.path.join(tmp, "runtime_churn")
        latency_bin = os.path.join(tmp, "runtime_verify_latency")
        compile_program(args.cxx, "runtime_churn.cpp", churn_bin)
        compile_program(args.cxx, "runtime_verify_latency.cpp", latency_bin, runtime_dir)
        pingpong_bin = os.path.join(tmp, "runtime_fiber_pingpong")
        has_fibers = compile_program(args.cxx, "runtime_fiber_pingpong.cpp", pingpong_bin,
                                     libs=("-lboost_fiber", "-lboost_context"), required=False)

        scan_bin = os.path.join(tmp, "runtime_coroutine_scan")
        compile_program(args.cxx, "runtime_coroutine_scan.cpp", scan_bin,
                        flags=("-std=c++20", "-g"))
        scan = coroutine_scan_times(scan_bin, runtime, args.heap_mb, args.runs)

        wall, cpu = interleaved(churn_bin, runtime, args.threads, args.runs)
        _, _, out = run_once([latency_bin, str(args.calls), "64"], dict(os.environ))
        if has_fibers:
            fiber_wall, fiber_cpu = interleaved(pingpong_bin, runtime, args.round_trips,
                                                args.runs)

    print(f"(a) create+join {args.threads} threads, median of {args.runs} interleaved runs")
    print_times(wall, cpu, "   (goal <= 1.10)")
    m = re.search(r"median-us=([\d.]+) p90-us=([\d.]+) max-us=([\d.]+)", out)
    if not m:
        sys.exit(f"error: unexpected output from the latency benchmark: {out!r}")
    median, p90, worst = (float(x) for x in m.groups())
    print(f"(b) VerifyNone(NoRetry), 64 baseline threads, {args.calls} calls")
    print(f"    median {median / 1000:.3f} ms, p90 {p90 / 1000:.3f} ms, "
          f"max {worst / 1000:.3f} ms   (goal: median < 1 ms)")
    if has_fibers:
        print(f"(c) Boost.Fiber ping-pong, {args.round_trips} round trips, median of "
              f"{args.runs} interleaved runs")
        print_times(fiber_wall, fiber_cpu)
        added = (fiber_wall["runtime"] - fiber_wall["plain"]) / args.round_trips * 1e6
        print(f"    {added:.2f} us added per round trip (3-4 parks)")
    else:
        print("(c) fiber ping-pong skipped: cannot build it against Boost.Fiber")
    print(f"(d) at-exit check with {args.heap_mb} MB of heap, median of {args.runs} "
          f"interleaved runs")
    print(f"    without the coroutine scan {scan['off']:.3f} s, with it {scan['on']:.3f} s: "
          f"{scan['on'] - scan['off']:.3f} s to read the heap and name what it found "
          f"({args.heap_mb / max(scan['on'] - scan['off'], 1e-9):.0f} MB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
