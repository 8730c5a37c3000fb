#!/usr/bin/env python3
"""Run a gtest binary linked with chanleak-rt-gtest-main and check who failed.

  check_gtest_integration.py --leaky-test Suite.Name --source prog.cpp BINARY
      the binary must exit non-zero with exactly that test failed, its
      failure naming the leaked thread's state and the line marked
      `// CHANLEAK-SPAWN` in prog.cpp, printed before the test's result line;
  check_gtest_integration.py --expect-pass BINARY
      every test must pass.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SPAWN_MARKER = "// CHANLEAK-SPAWN"


def spawn_line(source):
    with open(source, encoding="utf-8") as f:
        lines = [no for no, text in enumerate(f, 1) if text.rstrip().endswith(SPAWN_MARKER)]
    if len(lines) != 1:
        sys.exit(f"error: {source}: expected one line ending in {SPAWN_MARKER}, found {len(lines)}")
    return lines[0]


def run(binary):
    with tempfile.TemporaryDirectory() as tmp:
        results_path = os.path.join(tmp, "results.json")
        proc = subprocess.run([binary, f"--gtest_output=json:{results_path}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=120)
        results = None
        if os.path.exists(results_path):
            with open(results_path, encoding="utf-8") as f:
                results = json.load(f)
    return proc, results


def verdicts(results):
    """{Suite.Name: [failure messages]} for every test that ran."""
    tests = {}
    for suite in results.get("testsuites", []):
        for test in suite.get("testsuite", []):
            name = f"{suite['name']}.{test['name']}"
            tests[name] = [f.get("failure", "") for f in test.get("failures", [])]
    return tests


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leaky-test", help="the one test that must fail")
    ap.add_argument("--source", help="its source, with the // CHANLEAK-SPAWN marker")
    ap.add_argument("--expect-pass", action="store_true")
    ap.add_argument("binary")
    args = ap.parse_args()
    if bool(args.expect_pass) == bool(args.leaky_test) or (args.leaky_test and not args.source):
        ap.error("give either --expect-pass or --leaky-test with --source")

    proc, results = run(args.binary)
    problems = []
    if results is None:
        problems.append("no --gtest_output JSON was written")
        tests = {}
    else:
        tests = verdicts(results)
        if len(tests) < 3:
            problems.append(f"only {len(tests)} tests ran")
    failed = sorted(name for name, failures in tests.items() if failures)

    if args.expect_pass:
        if proc.returncode != 0:
            problems.append(f"exit status {proc.returncode}, expected 0")
        if failed:
            problems.append(f"failed tests: {', '.join(failed)}")
    else:
        line = spawn_line(args.source)
        where = f"{os.path.basename(args.source)}:{line}"
        if proc.returncode == 0:
            problems.append("exit status 0, expected a failure")
        if failed != [args.leaky_test]:
            problems.append(f"failed tests {failed}, expected exactly [{args.leaky_test}]")
        message = "\n".join(tests.get(args.leaky_test, []))
        for wanted, what in (("future wait", "the thread's state"),
                             (where, "the creation line")):
            if wanted not in message:
                problems.append(f"the failure does not name {what} ({wanted!r})")
        # The failure is printed inside the test, before its result line.
        out = proc.stdout
        run_at = out.find(f"[ RUN      ] {args.leaky_test}\n")
        report_at = out.find("chanleak:", run_at)
        result_at = out.find(f"[  FAILED  ] {args.leaky_test} (", run_at)
        if not (0 <= run_at < report_at < result_at):
            problems.append("the leak report is not printed between the test's RUN and "
                            "FAILED lines")

    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        print("---- output of " + args.binary)
        print(proc.stdout)
        return 1
    print(f"ok: {args.binary}: " + ("every test passed" if args.expect_pass else
                                    f"only {args.leaky_test} failed, naming {where}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
