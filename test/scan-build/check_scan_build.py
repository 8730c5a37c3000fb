#!/usr/bin/env python3
"""Check scan-build's HTML output over the pattern catalogue.

Configures patterns/ with CMake under scan-build, builds it under scan-build
with the chanleak analyzer plugin, and reads what a user reads: the
index.html table and every report-*.html page. The report pages are judged
against the catalogue's markers as check_catalogue.py judges diagnostics:

  - a leaky program passes when each marker `// CHANLEAK: chanleak-<check>`
    is matched by exactly one report of that checker at that line of that
    file and no other chanleak report points into it; a fixed program
    passes with no chanleak report;
  - every chanleak report must be listed in index.html with the file, line,
    bug type, category, function and path length of its page; its path must
    have at least two steps, a "... spawned here" event (but for the
    reports in NO_SPAWN_NOTE), and end (the EndPath event) at the report's
    line, repeating the warning text;
  - a chanleak report in a file that is no catalogue program (the
    catalogue's headers, a system header) is a failure;
  - each chanleak bug type must be reported by exactly one checker. The
    checker of a page is read from the plist that -plist-html writes next
    to it (check_name), so no bug type's English name is hard-coded here.

Reports of clang's own checkers are counted and listed, not judged.
Programs in a --known-misses file are XFAIL; one that passes is an XPASS
failure. A program CMake does not build (a library is missing) is SKIP;
one that fails to compile is FAIL. Exits 77 when scan-build is missing.

  check_scan_build.py --scan-build /usr/lib/llvm-19/bin/scan-build \\
      --clang /usr/lib/llvm-19/bin/clang++ --plugin build/lib/libchanleak-analyzer.so \\
      --patterns patterns --known-misses test/patterns/known-misses.txt [-j N]
      [--work DIR] [--keep] [--filter TEXT]
"""
import argparse
import collections
import glob
import html.parser
import os
import plistlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "patterns"))
import check_catalogue  # noqa: E402  (discover, lint, judge, read_known_misses, ...)

SKIP = 77
SKIPPED_BY_CMAKE = re.compile(r"chanleak patterns: skipping (\S+) \((.*)\)")

# Reports whose blocked thread no spawn in the code started, so they have no
# "... spawned here" event: the analysed function blocks itself, or a
# modelled worker's Start() runs a thread whose body is not code. An entry
# whose report gains such a note, or goes away, fails the test.
NO_SPAWN_NOTE = {
    # A modelled worker: the report is at `health.Start()` ("its worker
    # thread outlives it").
    "orphaned-worker/annotated_leaky.cpp:16",
    # A lost wakeup of the analysed function's own wait; its note is
    # "notified here, after a write made without the lock".
    "early-return/cv_leaky_lost_count.cpp:79",
    # The analysed function's receive when 'replicas' is empty and no sender
    # is spawned ("the only senders are spawned in this loop over 'replicas'").
    "take-first/boost_fiber_leaky_empty.cpp:25",
}


# --- Running scan-build --------------------------------------------------------

def scan_build_command(args, out_dir):
    """scan-build with the plugin and chanleak enabled. clang's default
    checkers stay on (as with check_catalogue.py --clang): they model the
    paths chanleak's reports follow. Their reports are listed, not judged."""
    return [args.scan_build, "-load-plugin", args.plugin, "-enable-checker", "chanleak",
            "-plist-html", "--keep-empty", "-o", out_dir,
            f"--use-analyzer={args.clang}", f"--use-cc={args.clang}",
            f"--use-c++={args.clang}"]


def run_logged(cmd, log_path):
    """Run cmd with its output in log_path; return (exit status, lines)."""
    with open(log_path, "w", encoding="utf-8") as log:
        rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode
    with open(log_path, encoding="utf-8", errors="replace") as log:
        return rc, log.read().splitlines()


def configure(args, work, patterns_dir):
    """Configure the catalogue under scan-build, so that CMake's compiler is
    scan-build's c++-analyzer. Return the exit status and the log."""
    cmd = scan_build_command(args, os.path.join(work, "configure-reports"))
    cmd += ["cmake", "-S", patterns_dir, "-B", os.path.join(work, "build"),
            f"-DPython3_EXECUTABLE={sys.executable}"]
    if shutil.which("ninja"):
        cmd += ["-G", "Ninja"]
    return run_logged(cmd, os.path.join(work, "configure.log"))


def build(args, work, targets):
    """Build (and so analyse) the targets under scan-build, going on after a
    program that does not compile. Return the exit status, the log and the
    directory of the reports."""
    reports = os.path.join(work, "reports")
    build_dir = os.path.join(work, "build")
    cmd = scan_build_command(args, reports)
    cmd += ["cmake", "--build", build_dir, "-j", str(args.jobs), "--target", *targets, "--"]
    cmd.append("-k0" if os.path.exists(os.path.join(build_dir, "build.ninja")) else "-k")
    rc, log = run_logged(cmd, os.path.join(work, "build.log"))
    runs = sorted(glob.glob(os.path.join(reports, "*", "")))
    return rc, log, runs[-1] if runs else None


def read_catalogue_txt(build_dir):
    """{realpath of source: target} of the programs CMake builds."""
    targets = {}
    with open(os.path.join(build_dir, "patterns", "catalogue.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            targets[os.path.realpath(fields[5])] = fields[4]
    return targets


def build_errors(log, prog, target):
    """The first build-log lines that say why prog was not built."""
    mentions = re.compile(re.escape(prog.path) + "|" + re.escape(target) + r"(?![\w-])")
    lines = [l.strip() for l in log if mentions.search(l)]
    errors = [l for l in lines if "error" in l] or [l for l in lines if "FAILED" in l]
    return errors[:3] or ["not built (see build.log)"]


def analyzer_failures(run_dir):
    """{realpath of source: kind} from scan-build's failures/ directory
    (ccc-analyzer writes the source and the kind of failure first in each
    *.info.txt). An ignored attribute is no failure of the analysis."""
    failures = {}
    for info in glob.glob(os.path.join(run_dir or "", "failures", "*.info.txt")):
        with open(info, encoding="utf-8", errors="replace") as f:
            source, kind = (f.readline().strip(), f.readline().strip())
        if kind != "Attribute Ignored":
            failures[os.path.realpath(source)] = f"analyzer {kind} ({os.path.basename(info)})"
    return failures


# --- Reading scan-build's output -------------------------------------------------

class IndexPage(html.parser.HTMLParser):
    """The rows of index.html's reports_table: category, bug type, file,
    function, line, path length and the report page they link to."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.in_table = False
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "reports_table":
            self.in_table = True
        elif self.in_table and tag == "tr" and (attrs.get("class") or "").startswith("bt_"):
            self.row = {"cells": [], "href": None}
        elif self.row is not None and tag == "td":
            self.cell = []
        elif self.row is not None and tag == "a":
            self.row["href"] = (attrs.get("href") or "").split("#")[0]

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        elif tag == "td" and self.cell is not None:
            self.row["cells"].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            category, bug_type, file, function, line, length = self.row["cells"][:6]
            self.rows.append({"page": self.row["href"], "category": category,
                              "type": bug_type, "file": file, "function": function,
                              "line": line, "length": length})
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


class ReportPage(html.parser.HTMLParser):
    """A report-*.html page: its header comments (BUGTYPE, BUGFILE, ...) and
    its path events (<div class="msg ..."> of an event, a control-flow step
    or a note), each with its text, element id (PathN, NoteN, EndPath),
    file and line. An event follows the source line it belongs to; a path
    through several files has a FileName heading before each file's lines."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.meta_done = False  # past <!-- BUGMETAEND -->
        self.events = []
        self.file = None        # BUGFILE, then the file of the latest heading
        self.line = None
        self.divs = []         # the class of each open <div>
        self.event = None      # the event being read
        self.heading = None    # text of a FileName heading being read

    def handle_comment(self, data):
        self.meta_done = self.meta_done or data.strip() == "BUGMETAEND"
        m = not self.meta_done and re.fullmatch(r"\s*(BUG[A-Z]+|FUNCTIONNAME) (.*?)\s*", data, re.S)
        if m:
            self.meta[m.group(1)] = m.group(2)
            if m.group(1) == "BUGFILE":
                self.file = m.group(2)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "tr" and "codeline" in classes:
            self.line = int(attrs["data-linenumber"])
        elif tag == "h4" and "FileName" in classes:
            self.heading = []
        elif tag == "div":
            self.divs.append(classes)
            if "msg" in classes and self.event is None:
                self.event = {"id": attrs.get("id"), "file": self.file, "line": self.line,
                              "text": [], "depth": len(self.divs)}

    def handle_endtag(self, tag):
        if tag == "h4" and self.heading is not None:
            self.file = "".join(self.heading).strip()
            self.heading = None
        elif tag == "div" and self.divs:
            if self.event and self.event["depth"] == len(self.divs):
                self.event["text"] = "".join(self.event["text"]).strip()
                self.events.append(self.event)
                self.event = None
            self.divs.pop()

    def handle_data(self, data):
        if self.heading is not None:
            self.heading.append(data)
        elif self.event and not any({"PathIndex", "PathNav"} & set(c) for c in self.divs):
            self.event["text"].append(data)


def parse_page(path, parser):
    with open(path, encoding="utf-8", errors="replace") as f:
        parser.feed(f.read())
    parser.close()
    return parser


def plist_checkers(run_dir):
    """{report page: check_name} from the plists -plist-html writes."""
    checkers = {}
    for path in glob.glob(os.path.join(run_dir, "*.plist")):
        with open(path, "rb") as f:
            for diag in plistlib.load(f).get("diagnostics", []):
                for page in diag.get("HTMLDiagnostics_files", []):
                    checkers[page] = diag.get("check_name", "")
    return checkers


def read_reports(run_dir):
    """The reports of a scan-build run, one dict per report page, and the
    problems of the run as a whole (index rows without a page, pages whose
    checker no plist names, a bug type of several checkers)."""
    problems = []
    index_path = os.path.join(run_dir, "index.html")
    rows = parse_page(index_path, IndexPage()).rows if os.path.exists(index_path) else []
    checkers = plist_checkers(run_dir)
    reports = []
    for path in sorted(glob.glob(os.path.join(run_dir, "report-*.html"))):
        page = parse_page(path, ReportPage())
        name = os.path.basename(path)
        listed = [r for r in rows if r["page"] == name]
        reports.append({
            "page": name, "meta": page.meta, "events": page.events,
            "file": os.path.realpath(page.meta.get("BUGFILE", "?")),
            "line": int(page.meta.get("BUGLINE", 0)),
            "checker": checkers.get(name, ""),
            "index_problems": index_problems(page.meta, listed),
        })
    pages = {r["page"] for r in reports}
    problems += [f"index.html lists {r['page']}, which does not exist"
                 for r in rows if r["page"] not in pages]
    problems += [f"{r['page']}: no plist names its checker" for r in reports if not r["checker"]]
    problems += bug_type_problems(reports)
    return reports, problems


def index_problems(meta, rows):
    """What disagrees between a report page and its index.html row."""
    if len(rows) != 1:
        return [f"listed {len(rows)} times in index.html"]
    row = rows[0]
    expected = {"category": meta.get("BUGCATEGORY"), "type": meta.get("BUGTYPE"),
                "function": meta.get("FUNCTIONNAME"), "line": meta.get("BUGLINE"),
                "length": meta.get("BUGPATHLENGTH")}
    problems = [f"index.html says {key} {row[key]!r}, the page {value!r}"
                for key, value in expected.items() if row[key] != value]
    # The index names files relative to the reports' common directory.
    if not ("/" + meta.get("BUGFILE", "")).endswith("/" + row["file"]):
        problems.append(f"index.html says file {row['file']!r}, the page {meta.get('BUGFILE')!r}")
    return problems


def bug_type_problems(reports):
    """Each chanleak bug type belongs to one checker and each checker has one."""
    by_type, by_checker = collections.defaultdict(set), collections.defaultdict(set)
    for r in reports:
        if r["checker"].startswith("chanleak."):
            by_type[r["meta"].get("BUGTYPE")].add(r["checker"])
            by_checker[r["checker"]].add(r["meta"].get("BUGTYPE"))
    return ([f"bug type {t!r} is reported by {', '.join(sorted(c))}"
             for t, c in sorted(by_type.items()) if len(c) > 1]
            + [f"{c} reports bug types {', '.join(map(repr, sorted(t)))}"
               for c, t in sorted(by_checker.items()) if len(t) > 1])


def report_defects(report, rel):
    """What a chanleak report page of the program rel lacks: its index row,
    a two-step path, a spawn note, a last event at the reported line
    repeating the warning."""
    meta, events = report["meta"], report["events"]
    defects = list(report["index_problems"])
    if int(meta.get("BUGPATHLENGTH", 0)) < 2:
        defects.append(f"path length {meta.get('BUGPATHLENGTH')}")
    has_spawn_note = any("spawned here" in e["text"] for e in events)
    if f"{rel}:{report['line']}" in NO_SPAWN_NOTE:
        if has_spawn_note:
            defects.append("has a 'spawned here' event now: remove it from NO_SPAWN_NOTE")
    elif not has_spawn_note:
        defects.append("no 'spawned here' event")
    end = [e for e in events if e["id"] == "EndPath"]
    if len(end) != 1:
        defects.append(f"{len(end)} EndPath events")
    elif os.path.realpath(end[0]["file"]) != report["file"] or end[0]["line"] != report["line"]:
        defects.append(f"last event at {end[0]['file']}:{end[0]['line']}")
    elif end[0]["text"] != meta.get("BUGDESC"):
        defects.append(f"last event says {end[0]['text']!r}, not the warning")
    where = f"{report['page']} (line {report['line']})"
    return [f"{where}: {d}" for d in defects]


# --- Verdicts ---------------------------------------------------------------------

def judge_program(prog, reports):
    """check_catalogue.judge over the program's chanleak reports, then one
    report per marker and the reports' own defects. Return (ok, details)."""
    diags = [(r["file"], r["line"], int(r["meta"].get("BUGCOLUMN", 0)), "warning",
              r["meta"].get("BUGDESC", ""), [check_catalogue.checker_to_check(r["checker"])])
             for r in reports]
    _, _, details = check_catalogue.judge(prog, 0, "", diags)
    counts = collections.Counter((d[1], d[5][0]) for d in diags)
    details += [f"{n} reports of {c} at line {l}" for (l, c), n in sorted(counts.items()) if n > 1]
    for r in reports:
        details += report_defects(r, prog.rel)
    details += [f"NO_SPAWN_NOTE lists line {line}, which has no report"
                for rel, _, line in (entry.rpartition(":") for entry in sorted(NO_SPAWN_NOTE))
                if rel == prog.rel and int(line) not in {r["line"] for r in reports}]
    return not details, details


def known_verdict(ok, details, reason):
    """XFAIL for a known miss that fails, XPASS (a failure) for one that passes."""
    if ok:
        return "XPASS", ["listed in --known-misses but now passes: remove it from the list"]
    return "XFAIL", details + [f"known miss: {reason}"]


class Run:
    """What one scan-build run of the catalogue produced."""

    def __init__(self, work, conf_log, targets, build_rc, build_log, run_dir):
        self.bin_dir = os.path.join(work, "build", "patterns", "bin")
        self.skipped = {m.group(1) + ".cpp": m.group(2)
                        for m in map(SKIPPED_BY_CMAKE.search, conf_log) if m}
        self.targets = targets
        self.build_rc, self.build_log = build_rc, build_log
        self.failures = analyzer_failures(run_dir)
        reports, self.problems = (read_reports(run_dir) if run_dir
                                  else ([], ["scan-build wrote no reports directory"]))
        self.chanleak = [r for r in reports if r["checker"].startswith("chanleak.")]
        self.others = [r for r in reports if not r["checker"].startswith("chanleak.")]

    def verdict(self, prog, lint_problems, known):
        """(verdict, details, number of chanleak reports) of one program."""
        src = os.path.realpath(prog.path)
        mine = [r for r in self.chanleak if r["file"] == src]
        target = self.targets.get(src)
        if target is None:
            return "SKIP", [self.skipped.get(prog.rel, "not in the CMake build")], 0
        if not os.path.exists(os.path.join(self.bin_dir, target)):
            return "FAIL", build_errors(self.build_log, prog, target), len(mine)
        if src in self.failures:
            return "FAIL", [self.failures[src]], len(mine)
        ok, details = judge_program(prog, mine)
        if lint_problems:
            return "FAIL", lint_problems + details, len(mine)
        if prog.rel in known:
            return *known_verdict(ok, details, known[prog.rel]), len(mine)
        return ("PASS" if ok else "FAIL"), details, len(mine)

    def unaccounted(self, everything):
        """Failures no program accounts for: chanleak reports outside the
        catalogue's programs, analyzer failures on other files, problems of
        the whole run."""
        names = {os.path.realpath(p.path) for p in everything}
        problems = [f"unexpected {check_catalogue.checker_to_check(r['checker'])} in "
                    f"{r['file']}:{r['line']} ({r['page']})"
                    for r in self.chanleak if r["file"] not in names]
        problems += [f"{src}: {kind}" for src, kind in self.failures.items() if src not in names]
        return problems + self.problems


def check(args, work, patterns_dir, everything, programs, lint_problems):
    """Configure, build under scan-build, print the verdicts; return the exit status."""
    start = time.monotonic()
    rc, conf_log = configure(args, work, patterns_dir)
    if rc != 0:
        print("FAIL    configuring the catalogue under scan-build:\n  "
              + "\n  ".join(conf_log[-10:]))
        return 1
    targets = read_catalogue_txt(os.path.join(work, "build"))
    built = [p for p in programs if os.path.realpath(p.path) in targets]
    if not built:
        sys.exit("check_scan_build: CMake builds none of the selected programs")
    run = Run(work, conf_log, targets,
              *build(args, work, [targets[os.path.realpath(p.path)] for p in built]))
    print(f"scan-build: {len(run.chanleak) + len(run.others)} report pages "
          f"({time.monotonic() - start:.0f}s)")
    for r in run.others:
        print(f"other   {r['checker'] or '(no checker)'} {r['file']}:{r['line']}: "
              f"{r['meta'].get('BUGDESC')} ({r['page']})")

    known = check_catalogue.read_known_misses(args.known_misses)
    counts = collections.Counter()
    width = max(len(p.rel) for p in programs)
    print(f"{'result':6}  {'program':{width}}  {'expected':>8}  {'found':>5}  details")
    for p in programs:
        lint_here = [pr.split(": ", 1)[1] for pr in lint_problems if pr.startswith(p.rel + ":")]
        verdict, details, found = run.verdict(p, lint_here, known)
        counts[verdict] += 1
        print(f"{verdict:6}  {p.rel:{width}}  {len(p.markers):>8}  {found:>5}  "
              f"{'; '.join(details)}")

    unaccounted = run.unaccounted(everything)
    # Lint problems of pattern folders rather than of one program.
    unaccounted += [pr for pr in lint_problems if not args.filter
                    and not any(pr.startswith(p.rel + ":") for p in everything)]
    if run.build_rc != 0 and counts["FAIL"] == 0:
        unaccounted.append(f"the build under scan-build exited {run.build_rc}: "
                           + " | ".join(run.build_log[-3:]))
    for pr in unaccounted:
        print(f"FAIL    {pr}")

    failed = counts["FAIL"] + counts["XPASS"] + len(unaccounted)
    print(f"{len(run.others)} report(s) of other checkers, not judged")
    print(f"{counts['PASS']} passed, {failed} failed, {counts['XFAIL']} known misses"
          + (f", {counts['SKIP']} skipped" if counts["SKIP"] else "")
          + f"; {len(run.chanleak)} reports ({sum(len(p.markers) for p in built)} expected)")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scan-build", required=True, help="scan-build of the plugin's LLVM")
    ap.add_argument("--clang", required=True,
                    help="clang++ of the same LLVM: the analyzer and the compiler")
    ap.add_argument("--plugin", required=True, help="libchanleak-analyzer.so")
    ap.add_argument("--patterns", required=True, help="the catalogue directory (patterns/)")
    ap.add_argument("--known-misses", action="append", default=[],
                    help="file of programs known to fail today (XFAIL; repeatable)")
    ap.add_argument("--work", help="scratch directory (default: a new temporary one); "
                    "its build/ and reports/ are replaced")
    ap.add_argument("--keep", action="store_true", help="keep the temporary scratch directory")
    ap.add_argument("--filter", default="", help="only programs whose path contains this")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    if not shutil.which(args.scan_build):
        print(f"SKIP: no scan-build {args.scan_build}")
        return SKIP
    if not shutil.which(args.clang):
        sys.exit(f"check_scan_build: no clang {args.clang}")
    args.plugin = os.path.abspath(args.plugin)
    if not os.path.isfile(args.plugin):
        sys.exit(f"check_scan_build: no plugin {args.plugin}")
    patterns_dir = os.path.abspath(args.patterns)
    everything = check_catalogue.discover(patterns_dir)
    problems = check_catalogue.lint(patterns_dir, everything)
    programs = [p for p in everything if args.filter in p.path]
    if not programs:
        sys.exit(f"check_scan_build: no catalogue programs under {patterns_dir} "
                 f"matching {args.filter!r}")

    work = (os.path.abspath(args.work) if args.work
            else tempfile.mkdtemp(prefix="chanleak-scan-build-"))
    for sub in ("build", "reports", "configure-reports"):
        shutil.rmtree(os.path.join(work, sub), ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    try:
        return check(args, work, patterns_dir, everything, programs, problems)
    finally:
        if args.work or args.keep:
            print(f"scratch directory (build, logs, reports): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
