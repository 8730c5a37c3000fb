#!/usr/bin/env python3
"""Run one program and check its exit status and output.

  run_program.py --status 3 --expect TEXT... [--forbid TEXT...]
                 [--skip-if TEXT...] [--hide-proc] -- PROGRAM [ARGS...]

--skip-if: when the output contains TEXT the environment cannot run the test
(a sanitizer that cannot map its shadow memory): exit 77, which ctest reports
as skipped (SKIP_RETURN_CODE 77), never as a pass.
--hide-proc: run PROGRAM in a user and mount namespace with an empty tmpfs
over /proc (unshare --user --map-root-user --mount); skipped (77) when the
environment forbids namespaces.
"""
import argparse
import subprocess
import sys

SKIP = 77


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--status", type=int, required=True, help="the exit status expected")
    ap.add_argument("--expect", action="append", default=[], help="text the output must contain")
    ap.add_argument("--forbid", action="append", default=[], help="text it must not contain")
    ap.add_argument("--skip-if", action="append", default=[],
                    help="text meaning the environment cannot run this test")
    ap.add_argument("--hide-proc", action="store_true")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()

    command = args.command
    if args.hide_proc:
        # Exit 77 from the shell when mounting is refused; unshare itself says
        # "unshare: ..." when namespaces are.
        command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                   'mount -t tmpfs none /proc || exit 77; exec "$@"', "sh"] + command
    try:
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=args.timeout)
    except FileNotFoundError as e:
        print(f"SKIPPED: {e}")
        return SKIP
    except subprocess.TimeoutExpired:
        print(f"FAIL: {' '.join(command)} did not exit within {args.timeout}s")
        return 1
    out = proc.stdout
    if args.hide_proc and (proc.returncode == SKIP or out.startswith("unshare:")):
        print("SKIPPED: this environment forbids hiding /proc in a namespace:\n" + out)
        return SKIP
    for text in args.skip_if:
        if text in out:
            print(f"SKIPPED: the environment cannot run this ({text!r}):\n{out[-2000:]}")
            return SKIP

    problems = []
    if proc.returncode < 0:
        problems.append(f"killed by signal {-proc.returncode}")
    elif proc.returncode != args.status:
        problems.append(f"exit status {proc.returncode}, expected {args.status}")
    problems += [f"output lacks {t!r}" for t in args.expect if t not in out]
    problems += [f"output contains {t!r}" for t in args.forbid if t in out]
    for p in problems:
        print(f"FAIL: {p}")
    print(f"---- output of {' '.join(command)}\n{out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
