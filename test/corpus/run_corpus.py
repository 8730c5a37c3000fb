#!/usr/bin/env python3
"""Build, run and analyse the generated leak corpus; measure the checks.

For every program of the corpus (gen_corpus.py):

  1. compile it (g++-12 by default, -std=c++20 -g -O0 -pthread, the flags of
     patterns/CMakeLists.txt);
  2. run it under chanleak's runtime
         LD_PRELOAD=<build>/lib/libchanleak-rt.so CHANLEAK_VERIFY_AT_EXIT=1
         CHANLEAK_REPORT=<json>
     and take the ground truth from the runtime's JSON report and the harness
     exit status (patterns/include/scenario.h):
         leak       exit 3, the report lists a thread, fiber or coroutine
         terminate  exit 3, the report lists only a terminating thread (a second
                    std::promise::set_value): the defect happened, counted as leaky
         clean      exit 0, no report or one without entries
     anything else (no build, a timeout, a signal, exit and report disagreeing)
     gives no verdict: such programs are listed apart, never guessed;
  3. run clang-tidy with the chanleak plugin and record its findings
     (check, line).

Results are cached per program under --out by content hash (source, flags,
compiler, and the runtime or plugin library), so a second run only redoes
what changed. Writes <out>/results.tsv, <out>/results.json and
<out>/summary.json, prints the tables; --json prints the summary as JSON.

  run_corpus.py [--build DIR] [--out DIR] [--jobs N] (--all | --sample N --seed S)
                [--min-recall X] [--max-false-alarms Y] [--json]

Exit status 1 when --min-recall / --max-false-alarms are given and the
measured figures are worse (the ctest ratchet), or when nothing had a verdict.
"""
import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "patterns"))
import gen_corpus  # noqa: E402
from check_catalogue import checker_to_check  # noqa: E402

CHECKS = ["chanleak-range-without-close", "chanleak-double-send", "chanleak-early-return",
          "chanleak-cancel-timeout", "chanleak-take-first", "chanleak-orphaned-worker",
          "chanleak-looping-timer"]
COMMON_FLAGS = ["-std=c++20", "-frtti", "-fexceptions", "-DASIO_HAS_CO_AWAIT=1",
                "-DASIO_HAS_STD_COROUTINE=1",
                "-I" + os.path.join(ROOT, "include"),
                "-I" + os.path.join(ROOT, "patterns", "include")]
FINDING = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): warning: (?P<msg>.*) "
                     r"\[(?P<check>chanleak[-.][A-Za-z-]+)\]$")
TIDY_ERROR = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.*)$")


def sha(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def file_digest(path):
    if not path or not os.path.exists(path):
        return "missing"
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tool_version(tool):
    try:
        return subprocess.run([tool, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=60).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


class Cache:
    def __init__(self, root):
        self.root = root
        os.makedirs(root, exist_ok=True)

    def get(self, kind, key):
        path = os.path.join(self.root, "%s-%s.json" % (kind, key))
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def put(self, kind, key, value):
        path = os.path.join(self.root, "%s-%s.json" % (kind, key))
        tmp = path + ".tmp%d" % threading.get_ident()
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(tmp, path)


def compile_program(prog, args, cache):
    flags = COMMON_FLAGS + ["-g", "-O0", "-pthread"]
    if os.path.basename(args.cxx).startswith("g++"):
        flags.append("-fcoroutines")
    libs = ["-l" + l for l in prog["libs"]]
    key = sha(prog["text"], args.cxx_version, " ".join(flags + libs))
    binary = os.path.join(args.out, "bin", key)
    hit = cache.get("build", key)
    if hit and (not hit["ok"] or os.path.exists(binary)):
        hit["cached"] = True
        return key, binary, hit
    cmd = [args.cxx] + flags + [prog["path"], "-o", binary + ".tmp"] + libs
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    dt = time.monotonic() - t0
    ok = proc.returncode == 0
    if ok:
        os.replace(binary + ".tmp", binary)
    res = {"ok": ok, "seconds": round(dt, 3), "log": proc.stdout[-4000:]}
    cache.put("build", key, res)
    res["cached"] = False
    return key, binary, res


def classify(rc, report, stdout):
    """(verdict, detail) from the exit status and the runtime's report."""
    entries = report.get("threads", []) if report else []
    kinds = collections.Counter(e.get("kind", "thread") for e in entries)
    blocked = sum(n for k, n in kinds.items() if k != "terminating")
    detail = ", ".join("%d %s" % (n, k) for k, n in sorted(kinds.items())) or "no entries"
    if rc == 3 and blocked:
        return "leak", detail
    if rc == 3 and kinds.get("terminating"):
        return "terminate", detail
    if rc == 3 and "terminate=" in stdout:
        return "terminate", "the harness saw std::terminate; " + detail
    if rc == 0 and not entries:
        return "clean", "no thread reported"
    return "no-verdict", "exit %s with %s" % (rc, detail)


def run_program(prog, build_key, binary, args, cache):
    """Runs the program args.runs times; differing verdicts give no verdict
    ("flaky")."""
    results = [run_once(prog, build_key, binary, args, cache, i) for i in range(args.runs)]
    first = results[0]
    verdicts = sorted({r["verdict"] for r in results})
    if len(verdicts) > 1:
        first = dict(first, verdict="no-verdict",
                     detail="flaky over %d runs: %s" % (args.runs, ", ".join(
                         r["verdict"] for r in results)))
    return first


def run_once(prog, build_key, binary, args, cache, rep):
    key = sha(build_key, args.runtime_digest, args.symbolizer, args.run_env_key,
              *([rep] if rep else []))
    hit = cache.get("run", key)
    if hit:
        hit["cached"] = True
        return hit
    with tempfile.TemporaryDirectory(prefix="corpus-run-") as tmp:
        report_path = os.path.join(tmp, "report.json")
        env = dict(os.environ, LD_PRELOAD=args.runtime, CHANLEAK_VERIFY_AT_EXIT="1",
                   CHANLEAK_REPORT=report_path, CHANLEAK_SYMBOLIZER_PATH=args.symbolizer)
        t0 = time.monotonic()
        try:
            proc = subprocess.run([binary], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env, timeout=args.timeout, cwd=tmp)
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = None, "", "timeout after %ss" % args.timeout
        dt = time.monotonic() - t0
        report = None
        report_error = None
        if os.path.exists(report_path):
            try:
                with open(report_path, encoding="utf-8") as f:
                    report = json.load(f)
            except ValueError as e:
                report_error = str(e)
    if rc is None:
        verdict, detail = "no-verdict", err
    elif rc < 0:
        verdict, detail = "no-verdict", "killed by signal %d" % -rc
    elif report_error:
        verdict, detail = "no-verdict", "report is not JSON: " + report_error
    else:
        verdict, detail = classify(rc, report, out)
    threads = []
    for t in (report or {}).get("threads", []):
        threads.append({k: t.get(k) for k in ("kind", "tid", "state", "wchan", "api-state",
                                               "api-function", "exception")})
    res = {"verdict": verdict, "detail": detail, "exit": rc, "seconds": round(dt, 3),
           "harness": [l for l in out.splitlines() if l.startswith("chanleak-scenario:")],
           "threads": threads}
    cache.put("run", key, res)
    res["cached"] = False
    return res


def static_command(prog, args):
    """The command that analyses prog with the chosen engine."""
    mp = prog.get("model_path")
    if args.engine == "analyzer":
        cmd = [args.clang_tidy, "--analyze", "-o", os.devnull, "-fno-caret-diagnostics",
               "-Xclang", "-load", "-Xclang", args.plugin,
               "-Xclang", "-analyzer-checker=chanleak"]
        for c in CHECKS if mp else []:
            checker = "chanleak." + "".join(w.title() for w in c[len("chanleak-"):].split("-"))
            cmd += ["-Xclang", "-analyzer-config", "-Xclang", "%s:ModelFile=%s" % (checker, mp)]
        return cmd + COMMON_FLAGS + ["-pthread", prog["path"]]
    opts = []
    if mp:
        opts = ["ModelFile: '%s'" % mp] + ["%s.ModelFile: '%s'" % (c, mp) for c in CHECKS]
    cfg = "{Checks: '-*,chanleak-*'%s}" % (", CheckOptions: {%s}" % ", ".join(opts) if opts else "")
    return [args.clang_tidy, "--load=" + args.plugin, "--config=" + cfg, "--quiet", prog["path"],
            "--"] + COMMON_FLAGS + ["-pthread"]


def tidy_program(prog, args, cache):
    cmd = static_command(prog, args)
    # The key leaves out the private copy's path and the program's path.
    key = sha(prog["text"], prog.get("model_text") or "", args.plugin_digest, args.tidy_version,
              args.engine, " ".join(a for a in cmd[1:] if a not in (args.plugin, prog["path"])))
    hit = cache.get("tidy", key)
    if hit:
        hit["cached"] = True
        return hit
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=args.tidy_timeout)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = None, "", "timeout after %ss" % args.tidy_timeout
    dt = time.monotonic() - t0
    findings, errors = [], []
    base = os.path.basename(prog["path"])
    for line in (out + "\n" + err).splitlines():
        m = FINDING.match(line)
        if m and os.path.basename(m.group("file")) == base:
            findings.append({"check": checker_to_check(m.group("check")), "line": int(m.group("line")),
                             "message": m.group("msg")})
            continue
        m = TIDY_ERROR.match(line)
        if m:
            errors.append(line[:300])
    if "error: chanleak:" in err or "error: chanleak:" in out:
        errors += [l[:300] for l in (out + err).splitlines() if "error: chanleak:" in l]
    ok = rc is not None and not errors
    res = {"ok": ok, "rc": rc, "seconds": round(dt, 3), "findings": findings,
           "errors": errors[:10], "stderr_tail": err[-1500:] if not ok else ""}
    cache.put("tidy", key, res)
    res["cached"] = False
    return res


def rate(num, den):
    return (num / den) if den else None


def fmt_rate(num, den):
    if not den:
        return "   -  (0/0)"
    return "%5.1f%% (%d/%d)" % (100.0 * num / den, num, den)


def summarize(results):
    judged = [r for r in results if r["truth"] is not None and r["static_ok"]]
    leaky = [r for r in judged if r["truth"]]
    clean = [r for r in judged if not r["truth"]]
    hit = lambda r: bool(r["findings"])
    s = {"programs": len(results),
         "with_verdict": len([r for r in results if r["truth"] is not None]),
         "leaky": len([r for r in results if r["truth"] is True]),
         "non_leaky": len([r for r in results if r["truth"] is False]),
         "leaky_by_terminate": len([r for r in results if r["verdict"] == "terminate"]),
         "no_verdict": [{"name": r["name"], "verdict": r["verdict"], "detail": r["detail"]}
                        for r in results if r["truth"] is None],
         "static_failures": [{"name": r["name"], "errors": r["tidy_errors"][:3]}
                             for r in results if r["truth"] is not None and not r["static_ok"]],
         "judged": len(judged),
         "recall": rate(sum(map(hit, leaky)), len(leaky)),
         "recall_counts": [sum(map(hit, leaky)), len(leaky)],
         "false_alarm_rate": rate(sum(map(hit, clean)), len(clean)),
         "false_alarm_counts": [sum(map(hit, clean)), len(clean)]}
    per_check = {}
    for check in CHECKS:
        group = [r for r in leaky if gen_corpus.CONSTRUCT_CHECK.get(r["choices"]["construct"]) == check]
        own = sum(1 for r in group if any(f["check"] == check for f in r["findings"]))
        anyc = sum(1 for r in group if r["findings"])
        alarms = sum(1 for r in clean if any(f["check"] == check for f in r["findings"]))
        per_check[check] = {"leaky": len(group), "recall": rate(own, len(group)),
                            "found_by_check": own, "found_by_any": anyc,
                            "false_alarms": alarms}
    s["per_check"] = per_check
    per_choice = {}
    for dim, values in gen_corpus.DIMENSIONS.items():
        rows = {}
        for v in values:
            lk = [r for r in leaky if r["choices"][dim] == v]
            cl = [r for r in clean if r["choices"][dim] == v]
            rows[str(v)] = {"leaky": len(lk), "found": sum(map(hit, lk)),
                            "recall": rate(sum(map(hit, lk)), len(lk)),
                            "non_leaky": len(cl), "alarms": sum(map(hit, cl)),
                            "false_alarm_rate": rate(sum(map(hit, cl)), len(cl))}
        per_choice[dim] = rows
    s["per_choice"] = per_choice
    s["disagreements"] = [{"name": r["name"], "intent": r["intent"], "verdict": r["verdict"],
                           "detail": r["detail"]}
                          for r in results if r["truth"] is not None and
                          (r["intent"] == "leaky") != r["truth"]]

    def times(key):
        vals = [r["times"][key] for r in results if r["times"].get(key) is not None]
        if not vals:
            return None
        return {"mean": round(statistics.mean(vals), 3), "median": round(statistics.median(vals), 3),
                "max": round(max(vals), 3), "n": len(vals)}
    s["seconds_per_program"] = {k: times(k) for k in ("compile", "run", "tidy")}
    return s


def print_summary(s, out=sys.stdout):
    p = lambda *a: print(*a, file=out)
    plugin = (s.get("tools") or {}).get("plugin")
    if plugin:
        p("plugin %s (implementation built %s UTC)" % (plugin["path"], plugin["mtime"]))
    p("chanleak corpus: %d programs, %d with a runtime verdict: %d leaky (%d by std::terminate),"
      " %d not leaky; %d without a verdict" % (s["programs"], s["with_verdict"], s["leaky"],
                                             s["leaky_by_terminate"], s["non_leaky"],
                                             len(s["no_verdict"])))
    if s["static_failures"]:
        p("clang-tidy failed on %d programs (left out of the figures)" % len(s["static_failures"]))
    p("")
    p("recall       %s" % fmt_rate(*s["recall_counts"]))
    p("false alarms %s" % fmt_rate(*s["false_alarm_counts"]))
    p("")
    p("per check (leaky programs whose stranding construct belongs to the check):")
    p("  %-30s %6s %-18s %-14s %s" % ("check", "leaky", "recall (own check)", "found by any",
                                      "false alarms"))
    for check, row in s["per_check"].items():
        p("  %-30s %6d %-18s %-14s %d" % (check, row["leaky"],
                                          fmt_rate(row["found_by_check"], row["leaky"]),
                                          "%d" % row["found_by_any"], row["false_alarms"]))
    p("")
    p("per choice value:")
    p("  %-10s %-24s %-20s %-20s" % ("choice", "value", "recall", "false alarms"))
    for dim, rows in s["per_choice"].items():
        for v, row in rows.items():
            if not row["leaky"] and not row["non_leaky"]:
                continue
            p("  %-10s %-24s %-20s %-20s" % (dim, v, fmt_rate(row["found"], row["leaky"]),
                                             fmt_rate(row["alarms"], row["non_leaky"])))
    p("")
    if s["no_verdict"]:
        p("no verdict (%d):" % len(s["no_verdict"]))
        for r in s["no_verdict"]:
            p("  %-70s %s: %s" % (r["name"], r["verdict"], r["detail"][:160]))
        p("")
    if s["static_failures"]:
        p("clang-tidy failures (%d):" % len(s["static_failures"]))
        for r in s["static_failures"][:40]:
            p("  %-70s %s" % (r["name"], (r["errors"] or [""])[0][:160]))
        p("")
    p("disagreements between intent and runtime (%d):" % len(s["disagreements"]))
    for r in s["disagreements"]:
        p("  %-70s intent %s, runtime %s (%s)" % (r["name"], r["intent"], r["verdict"], r["detail"]))
    p("")
    t = s["seconds_per_program"]
    p("seconds per program (mean / median / max, measured when not cached):")
    for k in ("compile", "run", "tidy"):
        if t.get(k):
            p("  %-8s %.2f / %.2f / %.2f  (n=%d)" % (k, t[k]["mean"], t[k]["median"], t[k]["max"],
                                                   t[k]["n"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--all", action="store_true", help="the full set")
    g.add_argument("--sample", type=int, metavar="N", help="a fixed-seed sample of N programs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--filter", default="", help="only programs whose name contains this")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="chanleak build dir (lib/libchanleak-rt.so, lib/libchanleak-tidy.so)")
    ap.add_argument("--out", default=None, help="output and cache dir (default <build>/corpus)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--cxx", default="g++-12", help="compiler (g++-12 or clang++-19)")
    ap.add_argument("--engine", choices=("tidy", "analyzer"), default="tidy",
                    help="the clang-tidy checks, or the Static Analyzer checkers")
    ap.add_argument("--clang-tidy", default=None,
                    help="clang-tidy (or, with --engine analyzer, clang++) to run "
                    "(default: LLVM 19's)")
    ap.add_argument("--plugin", default=None,
                    help="libchanleak-tidy.so to analyse with (default <build>/lib/...); the "
                         "runtime stays <build>'s, so its cached verdicts are reused")
    ap.add_argument("--symbolizer", default="none",
                    help="CHANLEAK_SYMBOLIZER_PATH for the runs (default none: no symbols needed)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per program run")
    ap.add_argument("--tidy-timeout", type=float, default=300.0)
    ap.add_argument("--no-tidy", action="store_true", help="ground truth only")
    ap.add_argument("--runs", type=int, default=1,
                    help="run each program this many times; differing verdicts: no verdict")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--min-recall", type=float, default=None)
    ap.add_argument("--max-false-alarms", type=float, default=None)
    args = ap.parse_args()

    args.build = os.path.abspath(args.build)
    args.out = os.path.abspath(args.out or os.path.join(args.build, "corpus"))
    args.runtime = os.path.join(args.build, "lib", "libchanleak-rt.so")
    analyzer = args.engine == "analyzer"
    args.clang_tidy = args.clang_tidy or ("/usr/lib/llvm-19/bin/clang++" if analyzer
                                          else "/usr/lib/llvm-19/bin/clang-tidy")
    shim = "libchanleak-analyzer.so" if analyzer else "libchanleak-tidy.so"
    args.plugin = os.path.abspath(args.plugin or os.path.join(args.build, "lib", shim))
    for need in [args.runtime] + ([] if args.no_tidy else [args.plugin, args.clang_tidy]):
        if not os.path.exists(need):
            sys.exit("run_corpus: %s does not exist" % need)
    if not shutil.which(args.cxx):
        sys.exit("run_corpus: no compiler %s" % args.cxx)
    args.runtime_digest = file_digest(args.runtime)
    impl = os.path.join(os.path.dirname(args.plugin), shim.replace(".so", "-impl.so"))
    args.plugin_digest = "" if args.no_tidy else sha(file_digest(args.plugin), file_digest(impl))
    # Private copies: a rebuild of the build dir during the run must not mix
    # two plugins (or runtimes) in one set of figures. The loader opens the
    # implementation next to itself.
    rt_copy = os.path.join(args.out, "libs", "rt-" + args.runtime_digest[:16])
    os.makedirs(rt_copy, exist_ok=True)
    if not os.path.exists(os.path.join(rt_copy, "libchanleak-rt.so")):
        shutil.copy2(args.runtime, os.path.join(rt_copy, "libchanleak-rt.so"))
    args.runtime = os.path.join(rt_copy, "libchanleak-rt.so")
    if not args.no_tidy:
        tidy_copy = os.path.join(args.out, "libs", "tidy-" + args.plugin_digest[:16])
        os.makedirs(tidy_copy, exist_ok=True)
        for lib in (args.plugin, impl):
            if os.path.exists(lib) and not os.path.exists(os.path.join(tidy_copy, os.path.basename(lib))):
                shutil.copy2(lib, os.path.join(tidy_copy, os.path.basename(lib)))
        args.plugin_source = args.plugin
        args.plugin = os.path.join(tidy_copy, os.path.basename(args.plugin))
        impl_copy = os.path.join(tidy_copy, os.path.basename(impl))
        args.plugin_mtime = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(os.path.getmtime(
            impl_copy if os.path.exists(impl_copy) else args.plugin)))
    args.cxx_version = tool_version(args.cxx)
    args.tidy_version = "" if args.no_tidy else tool_version(args.clang_tidy)
    args.run_env_key = sha(os.environ.get("CHANLEAK_SCENARIO_RETURN_MS", ""),
                           os.environ.get("CHANLEAK_SCENARIO_SETTLE_MS", ""))

    choices = gen_corpus.full_set() if args.all else gen_corpus.sample(args.sample, args.seed)
    choices = [c for c in choices if args.filter in c.name]
    src_dir = os.path.join(args.out, "src")
    for d in (src_dir, os.path.join(args.out, "bin")):
        os.makedirs(d, exist_ok=True)
    cache = Cache(os.path.join(args.out, "cache"))
    progs = []
    for c in choices:
        meta, text, yaml = gen_corpus.program(c)
        path = os.path.join(src_dir, c.name + ".cpp")
        for p, t in ((path, text),) + (((path[:-4] + ".model.yaml", yaml),) if yaml else ()):
            old = None
            if os.path.exists(p):
                with open(p, encoding="utf-8") as f:
                    old = f.read()
            if old != t:
                with open(p, "w", encoding="utf-8") as f:
                    f.write(t)
        meta.update(text=text, path=path, model_text=yaml,
                    model_path=(path[:-4] + ".model.yaml") if yaml else None)
        progs.append(meta)
    print("run_corpus: %d programs, %d jobs, output in %s" % (len(progs), args.jobs, args.out),
          file=sys.stderr)

    results = {}
    lock = threading.Lock()
    done = [0]
    t_start = time.monotonic()
    cpu = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    runner = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, 2 * args.jobs))
    run_futs = {}

    analysed = [0]

    def progress(what="run"):
        with lock:
            counter = done if what == "run" else analysed
            counter[0] += 1
            if counter[0] % 50 == 0 or counter[0] == len(progs):
                print("run_corpus: %d/%d %s (%.0fs)" % (
                    counter[0], len(progs), "run" if what == "run" else "analysed",
                    time.monotonic() - t_start), file=sys.stderr)

    def build_then_queue(prog):
        key, binary, b = compile_program(prog, args, cache)
        results[prog["name"]]["build"] = b
        if b["ok"]:
            rf = runner.submit(run_program, prog, key, binary, args, cache)
            rf.add_done_callback(lambda _: progress())
            with lock:
                run_futs[prog["name"]] = rf
        else:
            progress()

    build_futs, tidy_futs = {}, {}
    for prog in progs:
        results[prog["name"]] = {}
        build_futs[prog["name"]] = cpu.submit(build_then_queue, prog)
        if not args.no_tidy:
            tidy_futs[prog["name"]] = cpu.submit(tidy_program, prog, args, cache)
            tidy_futs[prog["name"]].add_done_callback(lambda _: progress("tidy"))

    for f in build_futs.values():
        f.result()
    cpu_tidy = {n: f.result() for n, f in tidy_futs.items()}
    for name in list(run_futs):
        run_futs[name].result()
    cpu.shutdown()
    runner.shutdown()

    rows = []
    for prog in progs:
        name = prog["name"]
        b = results[name]["build"]
        r = run_futs[name].result() if name in run_futs else None
        t = cpu_tidy.get(name)
        if not b["ok"]:
            verdict, detail = "build-failed", b["log"].strip().splitlines()[-1][:200] if b["log"] else ""
            for line in b["log"].splitlines():
                if "error" in line:
                    detail = line[:200]
                    break
        else:
            verdict, detail = r["verdict"], r["detail"]
        truth = {"leak": True, "terminate": True, "clean": False}.get(verdict)
        row = {"name": name, "choices": prog["choices"], "intent": prog["intent"],
               "verdict": verdict, "detail": detail, "truth": truth,
               "block_lines": prog["block_lines"], "model": prog["model"],
               "findings": [] if t is None else [{"check": f["check"], "line": f["line"]}
                                                 for f in t["findings"]],
               "messages": [] if t is None else [f["message"] for f in t["findings"]],
               "static_ok": True if args.no_tidy else bool(t and t["ok"]),
               "tidy_errors": [] if t is None else t["errors"],
               "runtime_threads": r["threads"] if r else [],
               "harness": r["harness"] if r else [],
               "times": {"compile": None if b.get("cached") else b["seconds"],
                         "run": None if (not r or r.get("cached")) else r["seconds"],
                         "tidy": None if (not t or t.get("cached")) else t["seconds"]},
               "measured": {"compile": b["seconds"], "run": r["seconds"] if r else None,
                            "tidy": t["seconds"] if t else None}}
        rows.append(row)
    # times: use the measured figures, cached or not (they were measured once)
    for row in rows:
        row["times"] = row["measured"]

    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)
    with open(os.path.join(args.out, "results.tsv"), "w", encoding="utf-8") as f:
        dims = list(gen_corpus.DIMENSIONS)
        f.write("\t".join(["name"] + dims + ["intent", "verdict", "truth", "findings",
                                             "block_lines", "detail"]) + "\n")
        for r in rows:
            f.write("\t".join([r["name"]] + [str(r["choices"][d]) for d in dims] + [
                r["intent"], r["verdict"], "" if r["truth"] is None else ("leaky" if r["truth"] else "clean"),
                ";".join("%s:%d" % (x["check"], x["line"]) for x in r["findings"]),
                ";".join(map(str, r["block_lines"])), r["detail"].replace("\t", " ")]) + "\n")
    summary = summarize(rows)
    summary["tools"] = {
        "cxx": args.cxx_version, "clang_tidy": args.tidy_version,
        "runtime": {"path": os.path.join(args.build, "lib", "libchanleak-rt.so"),
                    "sha256": args.runtime_digest},
        "plugin": None if args.no_tidy else {
            "path": args.plugin_source, "digest": args.plugin_digest,
            "mtime": args.plugin_mtime}}
    if args.no_tidy:
        summary["recall"] = summary["false_alarm_rate"] = None
    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.out, "summary.txt"), "w", encoding="utf-8") as f:
        print_summary(summary, f)
    if args.json:
        json.dump(summary, sys.stdout, indent=1)
        print()
    else:
        print_summary(summary)

    status = 0
    if summary["with_verdict"] == 0:
        print("run_corpus: no program had a runtime verdict", file=sys.stderr)
        status = 1
    if args.min_recall is not None and not args.no_tidy:
        rec = summary["recall"]
        if rec is None or rec + 1e-9 < args.min_recall:
            print("run_corpus: recall %s is below the minimum %.3f" % (
                "n/a" if rec is None else "%.3f" % rec, args.min_recall), file=sys.stderr)
            status = 1
    if args.max_false_alarms is not None and not args.no_tidy:
        fa = summary["false_alarm_rate"]
        if fa is not None and fa > args.max_false_alarms + 1e-9:
            print("run_corpus: false-alarm rate %.3f is above the maximum %.3f" % (
                fa, args.max_false_alarms), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
