#!/usr/bin/env python3
"""check_chanleak_tidy: run one clang-tidy check on a lit test file and
FileCheck what it says.

In the spirit of LLVM's check_clang_tidy.py, for chanleak's plugin checks and
with the real system headers (no -nostdinc++: the tests use libstdc++, Boost
and Asio as installed).

  %check_chanleak_tidy [options] INPUT CHECK TEMP [-- CLANG-TIDY-ARGS [-- COMPILER-ARGS]]

  INPUT   the test file (%s); its CHECK-* comments are the expectations
  CHECK   the check (or check glob) to enable: -checks=-*,CHECK
  TEMP    scratch path prefix (%t); the input is copied to TEMP.cpp

What is checked, per suffix S given with -check-suffix(es)=S[,S2...]
(default: the empty suffix):
  CHECK-MESSAGES[-S]:  the warnings and errors clang-tidy prints, with
                       -implicit-check-not='{{warning|error}}:' so an
                       unexpected diagnostic fails the test;
  CHECK-NOTES[-S]:     the same with notes included (not both MESSAGES and
                       NOTES for one suffix);
  CHECK-FIXES[-S]:     the file after clang-tidy -fix, line by line
                       (--match-full-lines);
  none of them:        clang-tidy must print no warning and no error at all.

The contents of every `// CHECK-...:` comment are blanked in the copy (the
`//` stays, so line numbers do not move), so no expectation matches itself.

Options (before INPUT):
  -check-suffix=S[,S2], -check-suffixes=...   FileCheck prefix suffixes
  -config=YAML        passed to clang-tidy as --config=YAML (default: an
                      empty config, so no stray .clang-tidy file applies)
  -std=STD            language standard (default c++20 unless the compiler
                      args give one)
  -allow-compiler-errors
                      the input does not compile, on purpose: clang-tidy may
                      exit non-zero, and clang's own errors
                      ([clang-diagnostic-error]) are left out of what is
                      FileChecked. A crash still fails the test.
  -no-plugin          do not --load the chanleak plugin
  --clang-tidy=PATH, --plugin=PATH, --filecheck=PATH
                      set by the lit substitution; the plugin is loaded when
                      CHECK names a chanleak check.
"""

import os
import re
import subprocess
import sys

USAGE = (
    "usage: check_chanleak_tidy.py [-check-suffix=S[,S2]] [-config=YAML] [-std=STD] "
    "[-allow-compiler-errors] [-no-plugin] INPUT CHECK TEMP [-- CLANG-TIDY-ARGS [-- COMPILER-ARGS]]"
)

CHECK_COMMENT = re.compile(r"// *CHECK-[A-Z0-9\-]*:[^\r\n]*")
DIRECTIVE_TAIL = r"(?:-NEXT|-SAME|-NOT|-DAG|-LABEL|-EMPTY|-COUNT-[0-9]+)?:"
CRASH_MARKERS = ("Stack dump:", "PLEASE submit a bug report", "LLVM ERROR:")
COMPILER_ERROR = re.compile(r"\berror: .*\[clang-diagnostic-error\]\s*$")
SUFFIX_OK = re.compile(r"^[A-Z0-9\-]*$")


def fail(message, output=None):
    if output is not None:
        print(output)
    print("check_chanleak_tidy: error: " + message)
    sys.exit(1)


class Options:
    def __init__(self):
        self.suffixes = [""]
        self.config = None
        self.std = None
        self.allow_compiler_errors = False
        self.no_plugin = False
        self.clang_tidy = os.environ.get("CLANG_TIDY", "clang-tidy")
        self.plugin = os.environ.get("CHANLEAK_TIDY_PLUGIN")
        self.filecheck = os.environ.get("FILECHECK", "FileCheck")
        self.positional = []
        self.tidy_args = []
        self.compiler_args = []


def parse_args(argv):
    opts = Options()
    if "--" in argv:
        i = argv.index("--")
        own, rest = argv[:i], argv[i + 1 :]
        if "--" in rest:
            j = rest.index("--")
            opts.tidy_args, opts.compiler_args = rest[:j], rest[j + 1 :]
        else:
            opts.tidy_args = rest
    else:
        own = argv

    valued = {
        "check-suffix": "suffixes",
        "check-suffixes": "suffixes",
        "config": "config",
        "std": "std",
        "clang-tidy": "clang_tidy",
        "plugin": "plugin",
        "filecheck": "filecheck",
    }
    k = 0
    while k < len(own):
        arg = own[k]
        k += 1
        if not arg.startswith("-") or arg == "-":
            opts.positional.append(arg)
            continue
        name, eq, value = arg.lstrip("-").partition("=")
        if name == "allow-compiler-errors":
            opts.allow_compiler_errors = True
        elif name == "no-plugin":
            opts.no_plugin = True
        elif name in ("h", "help"):
            print(__doc__)
            sys.exit(0)
        elif name in valued:
            if not eq:
                if k >= len(own):
                    fail("option %s needs a value\n%s" % (arg, USAGE))
                value = own[k]
                k += 1
            if valued[name] == "suffixes":
                value = value.split(",")
            setattr(opts, valued[name], value)
        else:
            fail("unknown option %s\n%s" % (arg, USAGE))
    if len(opts.positional) != 3:
        fail("expected INPUT CHECK TEMP, got %r\n%s" % (opts.positional, USAGE))
    for suffix in opts.suffixes:
        if not SUFFIX_OK.match(suffix):
            fail('only A-Z, 0-9 and "-" are allowed in check suffixes, not "%s"' % suffix)
    return opts


def has_directive(text, prefix):
    return re.search(r"(?<![A-Za-z0-9_\-])" + re.escape(prefix) + DIRECTIVE_TAIL, text) is not None


def run(args, what):
    print("RUN: " + " ".join(args))
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.returncode, proc.stdout.decode(errors="replace")


def filecheck(opts, input_file, check_file, prefixes, extra):
    args = [
        opts.filecheck,
        "--input-file=" + input_file,
        check_file,
        "--check-prefixes=" + ",".join(prefixes),
    ] + extra
    rc, out = run(args, "FileCheck")
    if rc != 0:
        fail("FileCheck %s failed" % ",".join(prefixes), out)


def main(argv):
    opts = parse_args(argv)
    input_file, check, temp = opts.positional
    with open(input_file, encoding="utf-8") as f:
        text = f.read()

    messages, notes, fixes = [], [], []
    expect_nothing = False
    for suffix in opts.suffixes:
        tail = "-" + suffix if suffix else ""
        m = has_directive(text, "CHECK-MESSAGES" + tail)
        n = has_directive(text, "CHECK-NOTES" + tail)
        x = has_directive(text, "CHECK-FIXES" + tail)
        if m and n:
            fail("use CHECK-MESSAGES%s or CHECK-NOTES%s, not both" % (tail, tail))
        if m:
            messages.append("CHECK-MESSAGES" + tail)
        if n:
            notes.append("CHECK-NOTES" + tail)
        if x:
            fixes.append("CHECK-FIXES" + tail)
        if not (m or n or x):
            expect_nothing = True
    if expect_nothing and (messages or notes or fixes):
        fail(
            "some of the suffixes %s have CHECK-MESSAGES/NOTES/FIXES lines and some "
            "have none; run those separately" % ",".join(repr(s) for s in opts.suffixes)
        )

    ext = os.path.splitext(input_file)[1]
    if ext not in (".c", ".cpp", ".cc", ".cxx", ".hpp", ".h"):
        ext = ".cpp"
    temp_file = temp + ext
    orig_file = temp_file + ".orig"
    if os.path.abspath(temp_file) == os.path.abspath(input_file):
        fail("TEMP %s would overwrite the input; pass %%t, not the input's own name" % temp)
    d = os.path.dirname(os.path.abspath(temp_file))
    os.makedirs(d, exist_ok=True)
    cleaned = CHECK_COMMENT.sub("//", text)
    for path in (temp_file, orig_file):
        with open(path, "w", encoding="utf-8") as f:
            f.write(cleaned)

    tidy_args = list(opts.tidy_args)
    if opts.config is not None:
        tidy_args.append("--config=" + opts.config)
    elif not any(re.match(r"^--?config(-file)?=", a) for a in tidy_args):
        tidy_args.append("--config={}")
    if not opts.no_plugin and opts.plugin and "chanleak" in check:
        tidy_args.insert(0, "--load=" + opts.plugin)

    compiler_args = list(opts.compiler_args)
    if not any(a.startswith("-std=") or a.startswith("--std=") for a in compiler_args):
        compiler_args.append("-std=" + (opts.std or "c++20"))
    elif opts.std:
        compiler_args.append("-std=" + opts.std)
    # The copy lives in the build tree: keep `#include "x.h"` next to the
    # test working.
    compiler_args.append("-iquote" + os.path.dirname(os.path.abspath(input_file)))

    args = [opts.clang_tidy, temp_file, "--checks=-*," + check]
    if fixes:
        args.append("-fix")
    args += tidy_args + ["--"] + compiler_args
    rc, output = run(args, "clang-tidy")
    print("------------------------ clang-tidy output -----------------------")
    print(output)
    print("------------------------------------------------------------------")
    if rc < 0 or any(marker in output for marker in CRASH_MARKERS):
        fail("clang-tidy crashed (exit %d)" % rc)

    compiler_errors = [l for l in output.splitlines() if COMPILER_ERROR.search(l)]
    if not opts.allow_compiler_errors:
        if compiler_errors:
            fail(
                "the input does not compile (pass -allow-compiler-errors if that is the point):\n"
                + "\n".join(compiler_errors)
            )
        if rc != 0:
            fail("clang-tidy exited with %d" % rc)
    lines = output.splitlines()
    if opts.allow_compiler_errors:
        lines = [l for l in lines if not COMPILER_ERROR.search(l)]

    if fixes:
        _, diff = run(["diff", "-u", orig_file, temp_file], "diff")
        print("------------------------------ Fixes -----------------------------")
        print(diff)
        print("------------------------------------------------------------------")

    if expect_nothing:
        diags = [l for l in lines if re.search(r"\b(warning|error):", l)]
        if diags:
            fail("no diagnostics were expected, but clang-tidy printed:\n" + "\n".join(diags))
        print("check_chanleak_tidy: no diagnostics, as expected")
        return

    if fixes:
        filecheck(opts, temp_file, input_file, fixes, ["--match-full-lines"])
    if messages:
        msg_file = temp_file + ".msg"
        with open(msg_file, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        filecheck(opts, msg_file, input_file, messages, ["--implicit-check-not={{warning|error}}:"])
    if notes:
        notes_file = temp_file + ".notes"
        with open(notes_file, "w", encoding="utf-8") as f:
            f.write("\n".join(l for l in lines if "note: FIX-IT applied" not in l) + "\n")
        filecheck(opts, notes_file, input_file, notes, ["--implicit-check-not={{note|warning|error}}:"])
    print("check_chanleak_tidy: passed")


if __name__ == "__main__":
    main(sys.argv[1:])
