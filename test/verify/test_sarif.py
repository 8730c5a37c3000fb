#!/usr/bin/env python3
"""Tests of `chanleak sarif --from-fixes`: clang-tidy's exported diagnostics
(Inputs/*.fixes.yaml) become SARIF 2.1.0 with line:column locations, notes as
related locations and rules with their documentation; bad input is a clear
error (exit 2), never a crash.

  test_sarif.py --chanleak build/bin/chanleak
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from checklib import check, run, summary

HERE = os.path.dirname(os.path.abspath(__file__))


def instantiate(src, dst, tmp):
    with open(src, encoding="utf-8") as f:
        text = f.read().replace("@DIR@", tmp)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)


def location(loc):
    phys = loc["physicalLocation"]
    return phys["artifactLocation"]["uri"], phys["region"]["startLine"], phys["region"].get("startColumn")


def test_conversion(chanleak, tmp):
    src = os.path.join(tmp, "early_return.cpp")
    uri = "file://" + src
    fixes = os.path.join(tmp, "early_return.fixes.yaml")
    out = os.path.join(tmp, "out.sarif")
    proc = run(chanleak, "sarif", "--from-fixes", fixes, "-o", out)
    check(proc.returncode == 0, f"convert exits 0 (got {proc.returncode}: {proc.stderr.strip()})")
    if proc.returncode:
        return
    with open(out, encoding="utf-8") as f:
        log = json.load(f)
    check(log.get("version") == "2.1.0" and "sarif-2.1.0" in log.get("$schema", ""),
          "SARIF 2.1.0 version and schema")
    run0 = log["runs"][0]
    driver = run0["tool"]["driver"]
    check(driver["name"] == "chanleak", "tool.driver.name is chanleak")
    rules = {r["id"]: r for r in driver["rules"]}
    check(set(rules) == {"chanleak-early-return", "clang-diagnostic-error"},
          f"one rule per diagnostic name (got {sorted(rules)})")
    help_uri = rules.get("chanleak-early-return", {}).get("helpUri", "")
    check(help_uri.startswith("file://") and help_uri.endswith("/checks/chanleak-early-return.md")
          and os.path.exists(help_uri[len("file://"):]),
          f"helpUri points at the check's existing doc ({help_uri})")
    check("helpUri" not in rules.get("clang-diagnostic-error", {}),
          "no chanleak helpUri for compiler diagnostics")
    results = run0["results"]
    check(len(results) == 2, f"a result per located diagnostic, none for the file-less one (got {len(results)})")
    finding = results[0]
    check(finding["ruleId"] == "chanleak-early-return" and finding["level"] == "warning",
          "ruleId and level of the finding")
    check(driver["rules"][finding["ruleIndex"]]["id"] == finding["ruleId"], "ruleIndex names its rule")
    check(finding["message"]["text"].startswith("send on 'rows' blocks forever"),
          "message text with YAML quotes undone")
    check(location(finding["locations"][0]) == (uri, 5, 5),
          f"primary location early_return.cpp:5:5 (got {location(finding['locations'][0])})")
    related = finding.get("relatedLocations", [])
    check([r["message"]["text"] for r in related] ==
          ["thread spawned here", "'BuildReport' returns here without receiving from 'rows'"],
          "every note is a related location with its message, in order")
    if len(related) == 2:
        # The note's FilePath is relative to BuildDirectory; column 11 counts
        # the two-byte 'é' as one code point.
        check(location(related[0]) == (uri, 4, 11),
              f"spawn note at early_return.cpp:4:11 (got {location(related[0])})")
        check(location(related[1]) == (uri, 8, 5), "return note at early_return.cpp:8:5")
        check([r["id"] for r in related] == [0, 1], "related locations numbered")
    error = results[1]
    check(error["level"] == "error" and location(error["locations"][0])[1:] == (1, 1),
          "an Error diagnostic at offset 0 is level error at 1:1")


def test_errors(chanleak, tmp):
    proc = run(chanleak, "sarif", "--from-fixes", os.path.join(tmp, "missing.yaml"))
    check(proc.returncode == 2 and "missing.yaml: cannot read" in proc.stderr,
          f"missing fixes file: exit 2, named ({proc.stderr.strip()})")
    proc = run(chanleak, "sarif", "--from-fixes", os.path.join(tmp, "malformed.fixes.yaml"))
    check(proc.returncode == 2 and "malformed.fixes.yaml:4:" in proc.stderr,
          f"malformed YAML: exit 2, file:line named ({proc.stderr.strip()})")
    proc = run(chanleak, "sarif", "--from-fixes", os.path.join(tmp, "past_end.fixes.yaml"))
    check(proc.returncode == 2 and "offset 9999 is past the end" in proc.stderr,
          f"offset past the end of the file: exit 2 ({proc.stderr.strip()})")
    empty = os.path.join(tmp, "empty.yaml")
    open(empty, "w").close()
    proc = run(chanleak, "sarif", "--from-fixes", empty)
    ok = proc.returncode == 0 and json.loads(proc.stdout)["runs"][0]["results"] == []
    check(ok, "an empty export (clang-tidy found nothing) is a log with no results")
    proc = run(chanleak, "sarif")
    check(proc.returncode == 2 and "from-fixes" in proc.stderr, "--from-fixes is required")
    proc = run(chanleak, "frobnicate")
    check(proc.returncode == 2 and "unknown subcommand 'frobnicate'" in proc.stderr,
          "unknown subcommand: exit 2, named")
    proc = run(chanleak, "tidy", "--no-such-option", "x.cpp")
    check(proc.returncode == 2 and "--no-such-option" in proc.stderr, "unknown option: exit 2, named")
    proc = run(chanleak, "tidy", os.path.join(tmp, "absent.cpp"))
    check(proc.returncode == 2 and "absent.cpp: no such file" in proc.stderr,
          f"tidy on a missing file: exit 2, named ({proc.stderr.strip()})")
    for args in (["--help"], ["tidy", "--help"], ["verify", "--help"], ["model", "--help"]):
        proc = run(chanleak, *args)
        check(proc.returncode == 0 and "USAGE: chanleak" in proc.stdout and "--debug-pass" not in proc.stdout,
              f"chanleak {' '.join(args)} prints only chanleak's usage")


def test_tidy(chanleak, tmp):
    plugin = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(chanleak))),
                          "lib", "libchanleak-tidy.so")
    if not os.path.exists(plugin):
        print(f"SKIP chanleak tidy: no {plugin} in this build")
        return
    src = os.path.join(tmp, "tidy_leaky.cpp")
    shutil.copy(os.path.join(HERE, "Inputs", "tidy_leaky.cpp"), src)
    with open(os.path.join(tmp, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump([{"directory": tmp, "file": src,
                    "arguments": ["c++", "-std=c++17", "-c", src]}], f)
    out = os.path.join(tmp, "tidy.sarif")
    proc = run(chanleak, "tidy", "-p", tmp, "--sarif", out, "--fail-on", "finding", src)
    check(proc.returncode == 1, f"tidy --fail-on finding exits 1 on a finding (got {proc.returncode}: "
          f"{proc.stderr.strip()})")
    check("[chanleak-looping-timer]" in proc.stdout and "note: thread spawned here" in proc.stdout,
          "tidy prints clang-tidy's findings")
    if not os.path.exists(out):
        check(False, "tidy writes the SARIF")
        return
    with open(out, encoding="utf-8") as f:
        results = json.load(f)["runs"][0]["results"]
    check([(r["ruleId"], location(r["locations"][0])[1:]) for r in results] ==
          [("chanleak-looping-timer", (9, 7))], f"one SARIF result at tidy_leaky.cpp:9:7 ({results})")
    related = results[0].get("relatedLocations", []) if results else []
    check([(r["message"]["text"], location(r)[1]) for r in related] == [("thread spawned here", 7)],
          "the spawn note is a related location at line 7")
    proc = run(chanleak, "tidy", "-p", tmp, src)
    check(proc.returncode == 0, "without --fail-on, findings exit 0")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chanleak", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="chanleak-sarif-") as tmp:
        tmp = os.path.realpath(tmp)
        shutil.copy(os.path.join(HERE, "Inputs", "early_return.cpp"), tmp)
        for name in ("early_return.fixes.yaml", "past_end.fixes.yaml", "malformed.fixes.yaml"):
            instantiate(os.path.join(HERE, "Inputs", name), os.path.join(tmp, name), tmp)
        test_conversion(args.chanleak, tmp)
        test_errors(args.chanleak, tmp)
        test_tidy(args.chanleak, tmp)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
