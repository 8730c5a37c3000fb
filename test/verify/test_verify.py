#!/usr/bin/env python3
"""Tests of `chanleak verify` against hand-written leak reports
(Inputs/report.json, --from-report): a finding is confirmed by a thread
blocked at its location or spawned at one of its notes (files compared by
real path), not reproduced otherwise; unmatched threads are "missed by static
analysis"; the verdicts go back into the SARIF; --fail-on gates; malformed
input and a missing runtime are clear errors (exit 2).

  test_verify.py --chanleak build/bin/chanleak
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




def instantiate(name, tmp, alias):
    with open(os.path.join(HERE, "Inputs", name), encoding="utf-8") as f:
        text = f.read().replace("@ALIAS@", alias).replace("@DIR@", tmp)
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_matching(chanleak, tmp, findings, report):
    sarif_out = os.path.join(tmp, "verified.sarif")
    report_out = os.path.join(tmp, "symbolized.json")
    proc = run(chanleak, "verify", "--findings", findings, "--from-report", report,
               "--sarif-out", sarif_out, "--report-out", report_out)
    print(proc.stdout, proc.stderr, sep="")
    check(proc.returncode == 0, f"verify without --fail-on exits 0 (got {proc.returncode})")
    if proc.returncode:
        return
    lines = proc.stdout.splitlines()
    # Rows keyed by rule and line: "chanleak-early-return:5".
    row = {l.split()[0] + ":" + l.split()[1].rsplit(":", 1)[1]: l.split()
           for l in lines if l.startswith("chanleak-")}
    check(row.get("chanleak-early-return:5", [])[2:5] == ["confirmed", "101", "chan"],
          "early-return confirmed by thread 101, blocked at its send")
    check(" ".join(row.get("chanleak-early-return:5", [])[4:]) == "chan send",
          "the API state is the outermost model function (push), not the "
          "condition variable Boost parks on")
    check(row.get("chanleak-double-send:3", [])[2:4] == ["not-reproduced", "-"],
          "a finding no thread matches is not-reproduced")
    check(row.get("chanleak-orphaned-worker:30", [])[2:4] == ["confirmed", "103"],
          "orphaned-worker confirmed by thread 103's creation stack at its spawn note")
    check(lines and "4 finding(s): 3 confirmed, 1 not reproduced; 4 leaked thread(s), 1 missed" in lines[0],
          "summary line counts")
    missed = [l for l in lines if l.strip().startswith("thread ")]
    check(len(missed) == 1 and "thread 102 (waiter): future wait at" in missed[0]
          and "early_return.cpp:9" in missed[0] and "early_return.cpp:99" in missed[0],
          "thread 102 listed as missed by static analysis, with state, blocked and creation lines")

    with open(sarif_out, encoding="utf-8") as f:
        log = json.load(f)
    results = log["runs"][0]["results"]
    props = [r.get("properties", {}) for r in results]
    check(props[0].get("chanleak/verified") == "confirmed" and props[0].get("chanleak/tid") == 101
          and props[0].get("chanleak/matched-by") == "blocked-frame",
          "SARIF: confirmed, tid and how it matched on the early-return result")
    check(props[1].get("chanleak/verified") == "not-reproduced" and props[1].get("kept") is True,
          "SARIF: not-reproduced, existing properties kept")
    check(props[2].get("chanleak/matched-by") == "creation-stack", "SARIF: matched by the creation stack")
    check(props[3].get("chanleak/verified") == "confirmed" and props[3].get("chanleak/tid") == 104
          and props[3].get("chanleak/api-state") == "condition_variable wait",
          "a worker started and never stopped is confirmed by a creation frame at the finding's own location")
    extra = results[4:]
    check(len(extra) == 1 and extra[0]["ruleId"] == "chanleak-runtime-leak"
          and extra[0]["properties"]["chanleak/tid"] == 102,
          "SARIF: the missed thread is a chanleak-runtime-leak result")
    if extra:
        loc = extra[0]["locations"][0]["physicalLocation"]
        check(loc["artifactLocation"]["uri"].endswith("/early_return.cpp") and loc["region"]["startLine"] == 9,
              "SARIF: the missed thread's location is its frame in the program")
        rel = extra[0].get("relatedLocations", [{}])[0]
        check(rel.get("message", {}).get("text", "").startswith("thread spawned here")
              and rel["physicalLocation"]["region"]["startLine"] == 99,
              "SARIF: its spawn site is a related location")
    rules = [r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "chanleak-runtime-leak"]
    check(len(rules) == 1, "SARIF: the runtime-leak rule is declared once")
    help_uri = rules[0].get("helpUri", "") if rules else ""
    check(help_uri.endswith("/chanleak-tool.md") and os.path.exists(help_uri[len("file://"):]),
          f"SARIF: the runtime-leak rule's helpUri is the tool's existing doc ({help_uri})")

    with open(report_out, encoding="utf-8") as f:
        rep = json.load(f)
    states = {t["tid"]: t["api-state"] for t in rep["threads"]}
    check(states == {101: "chan send", 102: "future wait", 103: "", 104: "condition_variable wait"},
          f"--report-out carries the API states named by the model (got {states})")
    check(rep["threads"][0]["stack"][0]["offset"] == "0x1234" and "file" not in rep["threads"][0]["stack"][0],
          "an unsymbolizable raw frame stays raw, hex offsets kept")

    proc = run(chanleak, "verify", "--findings", findings, "--from-report", report,
               "--fail-on", "confirmed")
    check(proc.returncode == 1, "--fail-on confirmed exits 1 when a finding is confirmed")
    proc = run(chanleak, "verify", "--findings", findings, "--from-report", report, "--fail-on", "leak")
    check(proc.returncode == 1, "--fail-on leak exits 1 when a thread leaked")


def test_symbolization(chanleak, tmp):
    """Raw frames (module + offset) are symbolized with LLVM's symbolizer,
    inlined frames expanded innermost first, and then matched."""
    cxx = shutil.which(os.environ.get("CXX", "c++"))
    nm = shutil.which("nm")
    if not cxx or not nm:
        print("SKIP symbolization: no C++ compiler or nm")
        return
    src = os.path.join(tmp, "symbolize_me.cpp")
    exe = os.path.join(tmp, "symbolize_me")
    shutil.copy(os.path.join(HERE, "Inputs", "symbolize_me.cpp"), src)
    subprocess.run([cxx, "-g", "-O1", "-o", exe, src], check=True)
    symbols = subprocess.run([nm, "-C", exe], check=True, stdout=subprocess.PIPE, text=True).stdout
    park = next(int(l.split()[0], 16) for l in symbols.splitlines() if l.endswith(" Park(int)"))
    # Past Park's first instruction lies Inner's inlined code; find an offset
    # whose line is 4 by asking chanleak itself about a few addresses.
    frames = [{"address": hex(park + d), "module": exe, "offset": hex(park + d)} for d in range(0, 16)]
    report = write(tmp, "raw.json", json.dumps({"chanleak-report": 1, "program": exe, "threads": [
        {"tid": 7, "stack": frames, "creation-stack": []}]}))
    findings = write(tmp, "at4.sarif", json.dumps({"runs": [{"results": [{
        "ruleId": "chanleak-early-return",
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file://" + src},
                                            "region": {"startLine": 4}}}]}]}]}))
    out = os.path.join(tmp, "symbolized-raw.json")
    proc = run(chanleak, "verify", "--findings", findings, "--from-report", report, "--report-out", out)
    check(proc.returncode == 0, f"verify over raw frames exits 0 ({proc.stderr.strip()})")
    with open(out, encoding="utf-8") as f:
        stack = json.load(f)["threads"][0]["stack"]
    # Inlined functions without a linkage name symbolize as their bare name.
    inlined = [i for i, f in enumerate(stack[:-1]) if f.get("function", "").startswith("Inner")]
    check(bool(inlined), f"an offset in the inlined code symbolizes to Inner ({stack[:3]})")
    if inlined:
        inner, outer = stack[inlined[0]], stack[inlined[0] + 1]
        check(inner["inlined"] and inner["file"] == src and inner["line"] == 4,
              "Inner comes first, marked inlined, at symbolize_me.cpp:4")
        check(outer.get("function") == "Park(int)" and not outer["inlined"]
              and outer["offset"] == inner["offset"] and outer["line"] == 8,
              f"then Park(int), at the call on line 8, from the same raw frame ({outer})")
    check(" confirmed " in proc.stdout, "the finding at line 4 is confirmed by the inlined frame")


def test_clean(chanleak, tmp):
    empty_sarif = write(tmp, "none.sarif", json.dumps(
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "chanleak"}}, "results": []}]}))
    clean = write(tmp, "clean.json", json.dumps(
        {"chanleak-report": 1, "pid": 1, "program": "/bin/true", "when": "exit", "threads": []}))
    proc = run(chanleak, "verify", "--findings", empty_sarif, "--from-report", clean,
               "--fail-on", "confirmed")
    check(proc.returncode == 0 and "0 finding(s)" in proc.stdout and "0 leaked" in proc.stdout,
          "no findings, no leaks: exit 0 even with --fail-on confirmed")


def test_entry_kinds(chanleak, tmp):
    """A terminating thread confirms a finding by where it threw; a parked
    fiber by where it parked; each is named as what it is."""
    src = os.path.join(tmp, "kinds.cpp")
    write(tmp, "kinds.cpp", "// a source the findings point into\n")
    sarif = write(tmp, "kinds.sarif", json.dumps({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "chanleak"}},
        "results": [{"ruleId": f"chanleak-{rule}", "message": {"text": rule},
                     "locations": [{"physicalLocation": {
                         "artifactLocation": {"uri": "file://" + src},
                         "region": {"startLine": line}}}]}
                    for rule, line in [("double-send", 30), ("take-first", 12)]]}]}))

    def frame(line):
        return {"address": "0x1", "module": "/nonexistent", "offset": "0x1",
                "function": "f", "file": src, "line": line, "inlined": False}
    report = write(tmp, "kinds.json", json.dumps({"chanleak-report": 1, "threads": [
        {"kind": "terminating", "tid": 41, "name": "worker", "stack": [frame(30)],
         "exception": "std::future_error: Promise already satisfied"},
        {"kind": "fiber", "tid": 42, "name": "host", "api-state": "chan send",
         "stack": [frame(12)]},
        {"kind": "fiber", "tid": 43, "name": "host", "api-state": "chan receive",
         "stack": [frame(50)]}]}))
    proc = run(chanleak, "verify", "--findings", sarif, "--from-report", report)
    print(proc.stdout, proc.stderr, sep="")
    rows = {l.split()[0]: l for l in proc.stdout.splitlines() if l.startswith("chanleak-")}
    check(" confirmed " in rows.get("chanleak-double-send", "") and
          "terminated the program: uncaught std::future_error: Promise already satisfied"
          in rows.get("chanleak-double-send", ""),
          "the double-send is confirmed by the thread that threw at its line")
    check(" confirmed " in rows.get("chanleak-take-first", "") and
          "fiber, chan send" in rows.get("chanleak-take-first", ""),
          "the take-first send is confirmed by the fiber parked at its line")
    check("  fiber on thread 43 (host): fiber, chan receive" in proc.stdout,
          "the fiber no finding explains is listed as a fiber")


def test_errors(chanleak, tmp, findings, report):
    def expect(args, needle, what):
        proc = run(chanleak, *args)
        check(proc.returncode == 2 and needle in proc.stderr,
              f"{what}: exit 2, says {needle!r} (got {proc.returncode}: {proc.stderr.strip()})")

    expect(["verify", "--findings", os.path.join(tmp, "nope.sarif"), "--from-report", report],
           "nope.sarif: cannot read", "missing SARIF")
    bad_json = write(tmp, "bad.sarif", "{\"runs\": [")
    expect(["verify", "--findings", bad_json, "--from-report", report],
           "bad.sarif: malformed JSON", "SARIF that is not JSON")
    no_loc = write(tmp, "noloc.sarif", json.dumps({"runs": [{"results": [{"ruleId": "x"}]}]}))
    expect(["verify", "--findings", no_loc, "--from-report", report],
           "noloc.sarif: ", "a result without locations")
    proc = run(chanleak, "verify", "--findings", no_loc, "--from-report", report)
    check("results[0].locations" in proc.stderr, "the error names the JSON path of the bad result")
    bad_line = write(tmp, "badline.sarif", json.dumps({"runs": [{"results": [{"locations": [
        {"physicalLocation": {"artifactLocation": {"uri": "file:///a.cpp"}, "region": {"startLine": "7"}}}]}]}]}))
    expect(["verify", "--findings", bad_line, "--from-report", report], "startLine", "a string startLine")
    expect(["verify", "--findings", findings, "--from-report", os.path.join(tmp, "gone.json")],
           "gone.json: cannot read the leak report", "missing report")
    for name, doc, needle in [
        ("v2.json", {"chanleak-report": 2, "threads": []}, "unsupported report version"),
        ("nothreads.json", {"chanleak-report": 1}, "threads"),
        ("badtid.json", {"chanleak-report": 1, "threads": [{"tid": "x"}]}, "tid"),
        ("badhex.json", {"chanleak-report": 1, "threads": [{"tid": 1, "stack": [{"offset": "12"}]}]},
         "expected a hex string"),
        ("badkind.json", {"chanleak-report": 1, "threads": [{"tid": 1, "kind": "task"}]},
         "expected \"thread\", \"fiber\""),
        ("badframe.json", {"chanleak-report": 1, "threads": [
            {"tid": 0, "kind": "coroutine", "coroutine-frame": 7}]}, "expected a hex string"),
    ]:
        path = write(tmp, name, json.dumps(doc))
        expect(["verify", "--findings", findings, "--from-report", path], name + ": malformed leak report",
               f"malformed report {name}")
        proc = run(chanleak, "verify", "--findings", findings, "--from-report", path)
        check(needle in proc.stderr, f"{name}: the error says what is wrong ({needle!r})")
    not_json = write(tmp, "notjson.json", "chanleak-report: 1")
    expect(["verify", "--findings", findings, "--from-report", not_json], "notjson.json: malformed",
           "a report that is not JSON")
    expect(["verify", "--findings", findings, "--runtime", os.path.join(tmp, "librt-missing.so"), "--", "true"],
           "librt-missing.so is missing", "missing runtime library")
    expect(["verify", "--findings", findings], "no command to run", "no command")
    # Any loadable library stands in for a runtime that writes no report.
    stand_in = next((p for p in ("/lib/x86_64-linux-gnu/libm.so.6", "/lib/aarch64-linux-gnu/libm.so.6",
                                 "/usr/lib/x86_64-linux-gnu/libm.so.6") if os.path.exists(p)), None)
    if stand_in:
        # The runtime writes a report only when threads leaked.
        proc = run(chanleak, "verify", "--findings", findings, "--runtime", stand_in,
                   "--fail-on", "leak", "--", "true")
        check(proc.returncode == 0 and "0 leaked thread(s)" in proc.stdout
              and "4 finding(s): 0 confirmed, 4 not reproduced" in proc.stdout,
              "a command exiting 0 without a report leaked nothing: every finding not reproduced")
        expect(["verify", "--findings", findings, "--runtime", stand_in, "--", "false"],
               "wrote no leak report", "a failing run that writes no report")
        expect(["verify", "--findings", findings, "--runtime", stand_in, "--", "no-such-command-xyz"],
               "no-such-command-xyz: command not found", "a command that does not exist")
        proc = run(chanleak, "verify", "--findings", findings, "--runtime", stand_in, "--timeout", "1",
                   "--", "sleep", "30", timeout=20)
        check(proc.returncode == 2 and "killed after 1 s" in proc.stderr,
              f"--timeout kills the command (got {proc.returncode}: {proc.stderr.strip()})")
    expect(["verify", "--findings", findings, "--from-report", report, "--", "true"],
           "exclude each other", "--from-report with a command")
    expect(["verify", "--findings", findings, "--from-report", report, "--fail-on", "sometimes"],
           "sometimes", "an unknown --fail-on value")
    bad_model = write(tmp, "model.yaml", "channels: [\n")
    expect(["verify", "--findings", findings, "--from-report", report, "--model-file", bad_model],
           "model.yaml:", "a broken model file")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chanleak", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="chanleak-verify-") as tmp:
        tmp = os.path.realpath(tmp)
        shutil.copy(os.path.join(HERE, "Inputs", "early_return.cpp"), tmp)
        # The findings name the file through a symlink: matching compares real paths.
        alias = os.path.join(tmp, "alias")
        os.symlink(tmp, alias)
        findings = instantiate("findings.sarif", tmp, alias)
        report = instantiate("report.json", tmp, alias)
        test_matching(args.chanleak, tmp, findings, report)
        test_symbolization(args.chanleak, tmp)
        test_clean(args.chanleak, tmp)
        test_entry_kinds(args.chanleak, tmp)
        test_errors(args.chanleak, tmp, findings, report)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
