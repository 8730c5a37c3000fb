#!/usr/bin/env python3
"""Run the pattern catalogue under chanleak's runtime and check its reports.

Every program listed in <build>/patterns/catalogue.txt runs with

    LD_PRELOAD=libchanleak-rt.so CHANLEAK_VERIFY_AT_EXIT=1 CHANLEAK_REPORT=<tmp>.json

A leaky program passes when it exits non-zero and its report names at least
one thread with a kernel state whose creation stack has a frame at a line
marked `// CHANLEAK-SPAWN` (or the last line of the statement it starts): a marker in the program itself, or (when the
program has none, its blocked thread being created by the harness or a shared
header) in the catalogue headers it includes. A fixed program passes when it
exits 0 and writes no report or one without threads.

A leaky program whose defect is a std::terminate (scenario.h prints
`terminate=`) has no blocked thread to report: it counts as UNSUPPORTED.

  check_runtime_catalogue.py --catalogue CAT --bin-dir DIR --runtime LIB
                             --symbolizer llvm-symbolizer [--filter TEXT]
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

SPAWN_MARKER = re.compile(r"//\s*CHANLEAK-SPAWN\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def read_catalogue(path):
    programs = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            if raw.startswith("#") or not raw.strip():
                continue
            pattern, family, kind, variant, target, source = raw.rstrip("\n").split("\t")
            programs.append(dict(pattern=pattern, family=family, kind=kind,
                                 variant=variant, target=target, source=source))
    return programs


def statement_ends(lines, first):
    """First and last line numbers of the statement starting on line `first`
    (1-based): it ends at a `;` outside brackets or at the end of a line that
    closes every bracket it opened. A compiler attributes a call in a
    statement spanning lines to one of these two."""
    depth = 0
    for no in range(first, len(lines) + 1):
        opened = False
        for char in lines[no - 1].split("//", 1)[0]:
            if char in "([{":
                depth += 1
                opened = True
            elif char in ")]}":
                depth -= 1
            elif char == ";" and depth <= 0:
                return {first, no}
        if depth <= 0 and opened:
            return {first, no}
    return {first}


def markers_in(path):
    """{(realpath, line)}: both ends of each statement marked CHANLEAK-SPAWN."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    real = os.path.realpath(path)
    return {(real, no)
            for first, text in enumerate(lines, 1) if SPAWN_MARKER.search(text)
            for no in statement_ends(lines, first)}


def included_headers(source, include_dir, seen=None):
    """Catalogue headers (under include_dir) that source includes, transitively."""
    seen = set() if seen is None else seen
    with open(source, encoding="utf-8") as f:
        for text in f:
            m = INCLUDE.match(text)
            if not m:
                continue
            header = os.path.realpath(os.path.join(include_dir, m.group(1)))
            if header not in seen and os.path.isfile(header):
                seen.add(header)
                included_headers(header, include_dir, seen)
    return seen


def spawn_markers(source, include_dir):
    own = markers_in(source)
    if own:
        return own
    found = set()
    for header in sorted(included_headers(source, include_dir)):
        found |= markers_in(header)
    return found


def symbolize(symbolizer, frames):
    """{(module, offset): [(realpath file, line), ...]} with inlined frames."""
    by_module = {}
    for frame in frames:
        by_module.setdefault(frame["module"], set()).add(frame["offset"])
    places = {}
    for module, offsets in by_module.items():
        offsets = sorted(offsets)
        proc = subprocess.run([symbolizer, f"--obj={module}", "--inlines",
                               "--output-style=JSON"],
                              input="\n".join(offsets) + "\n", stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, timeout=120)
        answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        for offset, answer in zip(offsets, answers):
            places[(module, offset)] = [
                (os.path.realpath(s["FileName"]), s["Line"])
                for s in answer.get("Symbol", []) if s.get("FileName")]
    return places


def judge(program, args, tmp):
    source = program["source"]
    binary = os.path.join(args.bin_dir, program["target"])
    report_path = os.path.join(tmp, program["target"] + ".json")
    if not os.path.isfile(binary):
        return "FAIL", f"{binary} is not built"
    # A thread that terminates is symbolized by the runtime before it ends;
    # on a loaded machine that outlasts the harness's default one-second
    # settle, which then leaves before the report is written.
    env = dict(os.environ, LD_PRELOAD=args.runtime, CHANLEAK_VERIFY_AT_EXIT="1",
               CHANLEAK_REPORT=report_path, CHANLEAK_SYMBOLIZER_PATH=args.symbolizer,
               CHANLEAK_SCENARIO_SETTLE_MS=os.environ.get("CHANLEAK_SCENARIO_SETTLE_MS", "5000"))
    try:
        proc = subprocess.run([binary], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return "FAIL", f"did not exit within {args.timeout}s under the runtime"
    if proc.returncode < 0:
        return "FAIL", f"killed by signal {-proc.returncode}: {proc.stderr.strip()[-500:]}"
    report = None
    if os.path.exists(report_path):
        try:
            with open(report_path, encoding="utf-8") as f:
                report = json.load(f)
        except ValueError as e:
            return "FAIL", f"report is not JSON: {e}"
        if report.get("chanleak-report") != 1:
            return "FAIL", "report lacks \"chanleak-report\": 1"
    threads = report.get("threads", []) if report else []

    if program["kind"] == "fixed":
        if proc.returncode != 0:
            return "FAIL", f"exit status {proc.returncode}, expected 0"
        if threads:
            return "FAIL", f"{len(threads)} thread(s) reported: " + ", ".join(
                f"{t.get('tid')} {t.get('api-state') or t.get('state-text')}" for t in threads)
        return "PASS", "no thread reported"

    if "chanleak-scenario: terminate=" in proc.stdout and not threads:
        return "UNSUPPORTED", "the defect is a std::terminate: no thread stays blocked"
    if proc.returncode == 0:
        return "FAIL", "exit status 0, expected the leak's"
    if report is None:
        return "FAIL", "no report written"
    markers = spawn_markers(source, args.include_dir)
    if not markers:
        return "FAIL", "no // CHANLEAK-SPAWN marker in the program or its headers"
    places = symbolize(args.symbolizer, [f for t in threads for f in t.get("creation-stack", [])])
    for t in threads:
        if t.get("state", "?") in ("", "?"):
            continue
        for frame in t.get("creation-stack", []):
            for place in places.get((frame["module"], frame["offset"]), []):
                if place in markers:
                    what = t.get("api-state") or t.get("wchan") or t.get("state-text")
                    return "PASS", (f"thread {t['tid']} [{t['state']} {what}] created at "
                                    f"{os.path.basename(place[0])}:{place[1]}")
    wanted = ", ".join(f"{os.path.basename(f)}:{l}" for f, l in sorted(markers))
    seen = sorted({f"{os.path.basename(p[0])}:{p[1]}"
                   for t in threads for fr in t.get("creation-stack", [])
                   for p in places.get((fr["module"], fr["offset"]), [])
                   if p[0].startswith(args.patterns_dir)})
    return "FAIL", (f"{len(threads)} thread(s) reported, none created at {wanted}; "
                    f"catalogue creation lines seen: {', '.join(seen) or 'none'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalogue", required=True, help="<build>/patterns/catalogue.txt")
    ap.add_argument("--bin-dir", required=True, help="where the catalogue's programs are")
    ap.add_argument("--runtime", required=True, help="libchanleak-rt.so")
    ap.add_argument("--symbolizer", required=True, help="llvm-symbolizer")
    ap.add_argument("--filter", default="", help="only programs whose source contains this")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per program")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    for path in (args.catalogue, args.runtime, args.symbolizer):
        if not os.path.isfile(path):
            sys.exit(f"check_runtime_catalogue: {path} does not exist")

    programs = [p for p in read_catalogue(args.catalogue) if args.filter in p["source"]]
    if not programs:
        sys.exit(f"check_runtime_catalogue: no programs in {args.catalogue}"
                 + (f" matching {args.filter!r}" if args.filter else ""))
    args.patterns_dir = os.path.realpath(
        os.path.dirname(os.path.dirname(programs[0]["source"])))
    args.include_dir = os.path.join(args.patterns_dir, "include")

    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            verdicts = list(pool.map(lambda p: judge(p, args, tmp), programs))

    counts = {}
    width = max(len(p["target"]) for p in programs)
    for program, (verdict, detail) in zip(programs, verdicts):
        counts[verdict] = counts.get(verdict, 0) + 1
        rel = os.path.relpath(program["source"], args.patterns_dir)
        print(f"{verdict:11}  {rel:{width - 8}}  {detail}")
    print(", ".join(f"{n} {v.lower()}" for v, n in sorted(counts.items())))
    return 1 if counts.get("FAIL") else 0


if __name__ == "__main__":
    sys.exit(main())
