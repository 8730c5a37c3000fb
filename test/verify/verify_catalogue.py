#!/usr/bin/env python3
"""End to end over the pattern catalogue: for every program, `chanleak tidy`
writes its findings as SARIF and `chanleak verify` runs the program under
libchanleak-rt. Every finding on a leaky program must be confirmed by a
leaked thread; a fixed program must have no finding and no leaked thread,
and verify must exit 0 on it. Leaky programs without a static finding (the
catalogue's known misses) are listed, not judged; leaked threads that match
no finding are printed as "missed by static analysis". EXPECTED_UNCONFIRMED
lists the programs whose findings a thread-level runtime cannot confirm;
--known-false-alarms lists fixed programs the checks are known to report
(test/patterns/known-misses-tidy.txt): their findings must stay unconfirmed
and the program leak-free, and one that turns silent fails, so the list only
shrinks.

  verify_catalogue.py --chanleak build/bin/chanleak -p build
      [--runtime build/lib/libchanleak-rt.so] [--filter SUBSTRING] [-j N]
      [--known-false-alarms FILE]
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "patterns"))
import check_catalogue as catalogue  # noqa: E402  (found through the path above)

# Leaky programs whose findings the runtime cannot confirm, and why. Judged
# like XFAIL: a program here whose findings all become confirmed fails
# (XPASS), so that the list only shrinks.
# Empty: every leaky program's findings are confirmed.
EXPECTED_UNCONFIRMED = {}


def read_catalogue(build_dir):
    path = os.path.join(build_dir, "patterns", "catalogue.txt")
    programs = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                pattern, family, kind, variant, target, source = line.rstrip("\n").split("\t")
                programs.append(dict(pattern=pattern, family=family, kind=kind, target=target,
                                     source=source, name=f"{pattern}/{os.path.basename(source)}",
                                     exe=os.path.join(build_dir, "patterns", "bin", target)))
    except OSError as e:
        sys.exit(f"verify_catalogue: cannot read {path}: {e}")
    return programs


# A thread that ends the program by std::terminate spends its last moments in
# the runtime's report (a symbolized stack), which on a loaded machine can
# outlast the harness's default wait for threads to end (scenario.h); a
# longer wait cannot turn a leak into a clean run.
SCENARIO_ENV = dict(os.environ, CHANLEAK_SCENARIO_SETTLE_MS="4000")


def run(cmd, timeout):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout, env=SCENARIO_ENV)
        return proc.returncode, proc.stdout
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {timeout}s: {' '.join(cmd)}"


def verify_program(args, prog, tmp):
    """Returns (verdict, summary lines), verdict "pass", "fail", "unjudged"
    (a leaky program without a static finding) or "false-alarm" (a fixed
    program with static findings and nothing else wrong)."""
    base = os.path.join(tmp, prog["target"])
    findings, verified, report = base + ".sarif", base + ".verified.sarif", base + ".report.json"
    tidy = [args.chanleak, "tidy", "-p", args.build_dir, "--sarif", findings,
            f"--header-filter={os.path.join(args.patterns, 'include')}.*", prog["source"]]
    rc, out = run(tidy, 600)
    if rc != 0:
        return "fail", [f"chanleak tidy failed ({rc}):", out]
    with open(findings, encoding="utf-8") as f:
        results = [r for run_ in json.load(f)["runs"] for r in run_.get("results", [])
                   if r.get("ruleId", "").startswith("chanleak-")]
    if not os.path.exists(prog["exe"]):
        return "fail", [f"{prog['exe']} is not built"]
    verify = [args.chanleak, "verify", "--findings", findings, "--sarif-out", verified,
              "--report-out", report, "--timeout", "60"]
    if args.runtime:
        verify += ["--runtime", args.runtime]
    if prog["kind"] == "fixed":
        verify += ["--fail-on", "leak"]
    verify += ["--", prog["exe"]]
    rc, out = run(verify, 120)
    lines = [l for l in out.splitlines() if l.strip()]
    if prog["kind"] == "fixed":
        problems = []
        if results:
            problems.append(f"{len(results)} static finding(s) on a fixed program")
        if rc != 0:
            problems.append(f"chanleak verify exited {rc}")
            return "fail", problems + lines
        return ("false-alarm" if problems else "pass"), problems + lines
    if not results:
        return "unjudged", ["no static finding (a known miss of the checks): not judged"] + lines
    if rc != 0:
        return "fail", [f"chanleak verify exited {rc}"] + lines
    with open(verified, encoding="utf-8") as f:
        verdicts = [r.get("properties", {}).get("chanleak/verified")
                    for run_ in json.load(f)["runs"] for r in run_.get("results", [])
                    if r.get("ruleId", "").startswith("chanleak-") and r["ruleId"] != "chanleak-runtime-leak"]
    unconfirmed = [v for v in verdicts if v != "confirmed"]
    confirmed = not unconfirmed and len(verdicts) == len(results)
    return "pass" if confirmed else "fail", lines


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chanleak", required=True)
    ap.add_argument("-p", dest="build_dir", required=True)
    ap.add_argument("--patterns", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "..", "..", "patterns"))
    ap.add_argument("--runtime", help="libchanleak-rt.so (default: chanleak's own)")
    ap.add_argument("--filter", default="", help="only programs whose name contains this")
    ap.add_argument("-j", dest="jobs", type=int, default=2)
    ap.add_argument("--known-false-alarms", action="append", default=[],
                    help="known-misses file whose fixed programs the checks are known to report")
    args = ap.parse_args()
    known_false_alarms = catalogue.read_known_misses(args.known_false_alarms)
    args.patterns = os.path.realpath(args.patterns)
    programs = [p for p in read_catalogue(args.build_dir) if args.filter in p["name"]]
    if not programs:
        sys.exit("verify_catalogue: no catalogue program selected")
    failed = expected = 0
    with tempfile.TemporaryDirectory(prefix="chanleak-e2e-") as tmp, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = [(p, pool.submit(verify_program, args, p, tmp)) for p in programs]
        for prog, job in jobs:
            outcome, lines = job.result()
            reason = EXPECTED_UNCONFIRMED.get(prog["name"])
            false_alarm = known_false_alarms.get(prog["name"]) if prog["kind"] == "fixed" else None
            if reason:
                passed = outcome != "pass"
                verdict = "XFAIL" if passed else "XPASS"
                lines = [("expected: " + reason if passed
                          else "now confirmed: remove it from EXPECTED_UNCONFIRMED")] + lines
                expected += passed
            elif false_alarm:
                passed = outcome == "false-alarm"
                verdict = {"false-alarm": "XFAIL", "pass": "XPASS"}.get(outcome, "FAIL")
                if passed:
                    lines = ["known false alarm: " + false_alarm] + lines
                elif outcome == "pass":
                    lines = ["no longer reported: remove it from --known-false-alarms"] + lines
                expected += passed
            else:
                passed = outcome not in ("fail", "false-alarm")
                verdict = "PASS" if passed else "FAIL"
            failed += not passed
            print(f"{verdict} {prog['name']}")
            for line in lines:
                print("    " + line)
    print(f"{len(programs) - failed - expected} passed, {expected} expected unconfirmed "
          f"(XFAIL), {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
