#!/usr/bin/env python3
"""Check chanleak's static findings against the pattern catalogue.

Every catalogue program patterns/<pattern>/<family>_<leaky|fixed>[_variant].cpp
is analysed with clang-tidy and the chanleak plugin (or, with --clang, with
the Static Analyzer and the chanleak checkers, whose chanleak.<Pattern> names
count as the checks chanleak-<pattern>). A leaky program marks
each operation that blocks forever with a trailing comment

    ... // CHANLEAK: chanleak-<check>

The check passes for a leaky program when every marker is matched by a
warning of that check on that line and no other chanleak warning appears
(in the program or in the catalogue's own headers), and for a fixed program
when no chanleak warning appears at all.

  check_catalogue.py --clang-tidy CT --plugin libchanleak-tidy.so -p BUILD --patterns DIR
  check_catalogue.py --clang CLANG++ --plugin libchanleak-analyzer.so -p BUILD --patterns DIR
  check_catalogue.py ... --list          print the findings only
  check_catalogue.py --lint-only --patterns DIR
                                         check the catalogue's own rules
                                         (twins, markers, names); no clang-tidy
"""
import argparse
import concurrent.futures
import json
import os
import re
import shlex
import subprocess
import sys

CHECKS = (
    "chanleak-range-without-close",
    "chanleak-double-send",
    "chanleak-early-return",
    "chanleak-cancel-timeout",
    "chanleak-take-first",
    "chanleak-orphaned-worker",
    "chanleak-looping-timer",
)
FAMILIES = ("std", "boost_fiber", "asio", "msd", "annotated", "cv")
NAME = re.compile(r"^(%s)_(leaky|fixed)((?:_[a-z0-9_]+)?)\.cpp$" % "|".join(FAMILIES))
MARKER = re.compile(r"//\s*CHANLEAK:\s*(.*?)\s*(?://.*)?$")  # another // comment may follow
DIAG = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<sev>warning|error|fatal error|note): (?P<msg>.*?)(?: \[(?P<checks>[^\]]+)\])?$")


class Program:
    def __init__(self, path, pattern, family, kind, variant):
        self.path = os.path.abspath(path)
        self.pattern = pattern
        self.family = family
        self.kind = kind
        self.variant = variant
        self.markers = set()      # {(line, check)}
        self.bad_markers = []     # text of markers that do not parse

    @property
    def rel(self):
        return os.path.join(self.pattern, os.path.basename(self.path))

    def read_markers(self):
        with open(self.path, encoding="utf-8") as f:
            for no, text in enumerate(f, 1):
                m = MARKER.search(text)
                if not m:
                    continue
                for check in (c.strip() for c in m.group(1).split(",")):
                    if check in CHECKS:
                        self.markers.add((no, check))
                    else:
                        self.bad_markers.append(f"line {no}: unknown check {check!r}")


def discover(patterns_dir):
    programs = []
    for pattern in sorted(os.listdir(patterns_dir)):
        pdir = os.path.join(patterns_dir, pattern)
        if not os.path.isdir(pdir) or pattern == "include":
            continue
        for name in sorted(os.listdir(pdir)):
            if not name.endswith(".cpp"):
                continue
            m = NAME.match(name)
            prog = Program(os.path.join(pdir, name), pattern,
                           m.group(1) if m else "?", m.group(2) if m else "?",
                           m.group(3) if m else "")
            prog.read_markers()
            programs.append(prog)
    return programs


def lint(patterns_dir, programs):
    problems = []
    pattern_dirs = [d for d in sorted(os.listdir(patterns_dir))
                    if os.path.isdir(os.path.join(patterns_dir, d)) and d != "include"]
    for d in pattern_dirs:
        if "chanleak-" + d not in CHECKS:
            problems.append(f"{d}/: not a known pattern (checks: {', '.join(CHECKS)})")
        if not os.path.isfile(os.path.join(patterns_dir, d, "README.md")):
            problems.append(f"{d}/: no README.md")
    names = {(p.pattern, os.path.basename(p.path)) for p in programs}
    for p in programs:
        if p.kind == "?":
            problems.append(f"{p.rel}: name is not <family>_<leaky|fixed>[_variant].cpp")
            continue
        twin_kind = "fixed" if p.kind == "leaky" else "leaky"
        twin = f"{p.family}_{twin_kind}{p.variant}.cpp"
        if (p.pattern, twin) not in names:
            problems.append(f"{p.rel}: no twin {twin}")
        problems.extend(f"{p.rel}: {b}" for b in p.bad_markers)
        if p.kind == "leaky":
            if not p.markers:
                problems.append(f"{p.rel}: leaky program without a // CHANLEAK: marker")
            elif ("chanleak-" + p.pattern) not in {c for _, c in p.markers}:
                problems.append(f"{p.rel}: no marker of chanleak-{p.pattern}")
        elif p.markers:
            problems.append(f"{p.rel}: fixed program carries markers")
    return problems


def compile_db_files(build_dir):
    path = os.path.join(build_dir, "compile_commands.json")
    try:
        with open(path, encoding="utf-8") as f:
            entries = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"check_catalogue: cannot read {path}: {e}")
    files = set()
    for e in entries:
        f = e.get("file", "")
        if not os.path.isabs(f):
            f = os.path.join(e.get("directory", ""), f)
        files.add(os.path.realpath(f))
    return files


def checker_to_check(name):
    """chanleak.RangeWithoutClose -> chanleak-range-without-close."""
    if not name.startswith("chanleak."):
        return name
    return "chanleak-" + re.sub(r"(?<!^)([A-Z])", r"-\1", name[len("chanleak."):]).lower()


def db_arguments(build_dir, path):
    """The compile database's arguments for path, without the compiler,
    the output and -c."""
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        for e in json.load(f):
            f_ = e.get("file", "")
            if not os.path.isabs(f_):
                f_ = os.path.join(e.get("directory", ""), f_)
            if os.path.realpath(f_) != os.path.realpath(path):
                continue
            argv = e.get("arguments") or shlex.split(e.get("command", ""))
            out, skip = [], False
            for a in argv[1:]:
                if skip:
                    skip = False
                elif a == "-o":
                    skip = True
                elif a in ("-c", path, f_) or os.path.realpath(a) == os.path.realpath(path):
                    continue
                else:
                    out.append(a)
            return e.get("directory", "."), out
    return None


def run_analyzer(args, prog, in_db, include_dir, repo_include):
    """The Static Analyzer with the chanleak checkers, its diagnostics named
    as the clang-tidy checks are."""
    flags = db_arguments(args.build_dir, prog.path) if in_db else None
    cwd, argv = flags if flags else (None, ["-std=c++20", "-pthread", f"-I{include_dir}",
                                            f"-I{repo_include}", "-DASIO_HAS_CO_AWAIT=1",
                                            "-DASIO_HAS_STD_COROUTINE=1"])
    cmd = [args.clang, "--analyze", "-Xclang", "-load", "-Xclang", args.plugin,
           "-Xclang", "-analyzer-checker=chanleak", "-Xclang", "-analyzer-output=text",
           "-o", os.devnull] + argv + [a for a in args.extra_arg] + [prog.path]
    return run_command(args, cmd, cwd, args.clang)


def run_tidy(args, prog, in_db, include_dir, repo_include):
    cmd = [args.clang_tidy, f"--load={args.plugin}", "--checks=-*,chanleak-*",
           "--quiet", f"--header-filter={re.escape(include_dir)}.*"]
    cmd += [f"--extra-arg={a}" for a in args.extra_arg]
    cmd.append(prog.path)
    if in_db:
        cmd[1:1] = ["-p", args.build_dir]
    else:
        # Not in the compile database (library missing at configure time):
        # analyse with the flags the catalogue's CMakeLists uses.
        cmd += ["--", "-std=c++20", "-pthread", f"-I{include_dir}", f"-I{repo_include}",
                "-DASIO_HAS_CO_AWAIT=1", "-DASIO_HAS_STD_COROUTINE=1"]
    return run_command(args, cmd, None, args.clang_tidy)


def run_command(args, cmd, cwd, tool):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=args.timeout, cwd=cwd)
        out, rc = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired:
        out, rc = f"{os.path.basename(tool)} timed out after {args.timeout}s", -1
    except OSError as e:
        out, rc = f"cannot run {tool}: {e}", -1
    diags = []  # (file, line, col, sev, msg, [checks])
    for text in out.splitlines():
        m = DIAG.match(text)
        if m:
            checks = [checker_to_check(c.strip())
                      for c in (m.group("checks") or "").split(",") if c.strip()]
            diags.append((os.path.realpath(m.group("file")), int(m.group("line")),
                          int(m.group("col")), m.group("sev"), m.group("msg"), checks))
    return rc, out, diags


def judge(prog, rc, out, diags):
    """Return (passed, found, details)."""
    details = []
    me = os.path.realpath(prog.path)
    errors = [d for d in diags if d[3] in ("error", "fatal error")]
    findings = [d for d in diags if d[3] == "warning" and any(c.startswith("chanleak-") for c in d[5])]
    if errors:
        details += [f"compile error {os.path.basename(d[0])}:{d[1]}: {d[4]}" for d in errors[:3]]
    elif rc != 0 and not findings:
        last = out.strip().splitlines()[-1:] or ["(no output)"]
        details.append(f"exit {rc}: {last[0]}")
    found = set()
    for f, line, _col, _sev, _msg, checks in findings:
        for c in checks:
            if not c.startswith("chanleak-"):
                continue
            if f == me:
                found.add((line, c))
            else:
                details.append(f"unexpected {c} in {f}:{line}")
    missing = prog.markers - found
    extra = found - prog.markers
    details += [f"missing {c} at line {l}" for l, c in sorted(missing)]
    details += [f"unexpected {c} at line {l}" for l, c in sorted(extra)]
    return not details, found, details


def read_known_misses(paths):
    """{"pattern/file.cpp": reason} from known-misses files."""
    known = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for raw in f:
                entry = raw.split("#", 1)[0].strip()
                if entry:
                    name, _, reason = entry.partition(" ")
                    known[name] = reason.strip()
    return known


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patterns", required=True, help="the catalogue directory (patterns/)")
    engine = ap.add_mutually_exclusive_group()
    engine.add_argument("--clang-tidy", dest="clang_tidy")
    engine.add_argument("--clang", help="clang++ to run --analyze with the analyzer plugin")
    ap.add_argument("--plugin", help="libchanleak-tidy.so (or, with --clang, "
                    "libchanleak-analyzer.so) to load")
    ap.add_argument("-p", dest="build_dir", help="build directory with compile_commands.json")
    ap.add_argument("--list", action="store_true", help="print the findings, judge nothing")
    ap.add_argument("--lint-only", action="store_true",
                    help="check the catalogue's structure and markers only")
    ap.add_argument("--filter", default="", help="only programs whose path contains this")
    ap.add_argument("--extra-arg", action="append", default=[],
                    help="passed to clang-tidy as --extra-arg (repeatable)")
    ap.add_argument("--known-misses", action="append", default=[],
                    help="file of programs the checks are known to get "
                    "wrong today (`pattern/file.cpp  reason` per line): they count as XFAIL; "
                    "one that passes is an XPASS failure, so the list only shrinks "
                    "(repeatable: the misses of both engines, then those of one)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per program")
    args = ap.parse_args()

    patterns_dir = os.path.abspath(args.patterns)
    everything = discover(patterns_dir)
    # Lint the whole catalogue (twins may be filtered out), report on the selection.
    problems = lint(patterns_dir, everything)
    programs = [p for p in everything if args.filter in p.path]
    if not programs:
        sys.exit(f"check_catalogue: no catalogue programs under {patterns_dir}"
                 + (f" matching {args.filter!r}" if args.filter else ""))
    if args.lint_only:
        for pr in problems:
            print(f"FAIL {pr}")
        leaky = sum(p.kind == "leaky" for p in programs)
        print(f"{len(programs)} programs ({leaky} leaky, {len(programs) - leaky} fixed), "
              f"{len(problems)} problems")
        return 1 if problems else 0

    if not args.clang_tidy and not args.clang:
        ap.error("--clang-tidy or --clang is required unless --lint-only")
    for name in ("plugin", "build_dir"):
        if not getattr(args, name):
            ap.error(f"--{name.replace('_', '-')} is required unless --lint-only")
    run = run_analyzer if args.clang else run_tidy
    args.plugin = os.path.abspath(args.plugin)  # the analyzer runs in the database's directory
    if args.build_dir == "-p":
        ap.error("-p needs a build directory")
    db = compile_db_files(args.build_dir)
    include_dir = os.path.join(patterns_dir, "include")
    repo_include = os.path.join(os.path.dirname(patterns_dir), "include")

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {p: pool.submit(run, args, p, os.path.realpath(p.path) in db,
                               include_dir, repo_include) for p in programs}
        results = {p: f.result() for p, f in futs.items()}

    if args.list:
        total = 0
        broken = 0
        for p in programs:
            rc, out, diags = results[p]
            shown = [d for d in diags
                     if (d[3] == "warning" and any(c.startswith("chanleak-") for c in d[5]))
                     or d[3] in ("error", "fatal error")]
            print(f"== {p.rel} ({p.kind}): {sum(d[3] == 'warning' for d in shown)} finding(s)")
            keep_notes = False
            for f, line, col, sev, msg, checks in diags:
                if (f, line, col, sev, msg, checks) in shown:
                    tag = f" [{','.join(checks)}]" if checks else ""
                    print(f"  {os.path.relpath(f, patterns_dir)}:{line}:{col}: {sev}: {msg}{tag}")
                    keep_notes = True
                    total += sev == "warning"
                    broken += sev != "warning"
                elif sev == "note" and keep_notes:
                    print(f"      {os.path.relpath(f, patterns_dir)}:{line}:{col}: note: {msg}")
                else:
                    keep_notes = False
        print(f"{total} finding(s) in {len(programs)} programs"
              + (f", {broken} compile error(s)" if broken else ""))
        return 1 if broken else 0

    known = read_known_misses(args.known_misses)
    passed = failed = xfailed = 0
    width = max(len(p.rel) for p in programs)
    print(f"{'result':6}  {'program':{width}}  {'expected':>8}  {'found':>5}  details")
    for p in programs:
        rc, out, diags = results[p]
        ok, found, details = judge(p, *results[p])
        lint_here = [pr for pr in problems if pr.startswith(p.rel + ":")]
        details = [pr.split(": ", 1)[1] for pr in lint_here] + details
        ok = ok and not lint_here
        if p.rel in known and not lint_here:
            verdict = "XPASS" if ok else "XFAIL"
            details = details + [f"known miss: {known[p.rel]}"] if not ok else \
                ["listed in --known-misses but now passes: remove it from the list"]
            xfailed += not ok
            failed += ok
        else:
            verdict = "PASS" if ok else "FAIL"
            passed += ok
            failed += not ok
        print(f"{verdict:6}  {p.rel:{width}}  {len(p.markers):>8}  "
              f"{len(found):>5}  {'; '.join(details)}")
    for pr in problems:
        # Problems of folders or of programs outside the selection.
        if not any(pr.startswith(p.rel + ":") for p in everything) and not args.filter:
            print(f"FAIL    {pr}")
            failed += 1
    print(f"{passed} passed, {failed} failed" + (f", {xfailed} known misses" if known else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
