#!/usr/bin/env python3
"""The runtime must at least build for aarch64: configure lib/Runtime on its
own with clang targeting aarch64-linux-gnu (Debian's arm64 cross libc and
libstdc++), build the static archive, and check that its objects are AArch64.
Skipped (77) when the cross headers are not installed.

  check_aarch64_build.py --clang CLANG++ --readobj LLVM-READOBJ --source lib/Runtime --build-dir DIR
"""
import argparse
import os
import shutil
import subprocess
import sys

SKIP = 77
SYSROOT = "/usr/aarch64-linux-gnu"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--readobj", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--build-dir", required=True)
    args = ap.parse_args()

    if not (os.path.exists(os.path.join(SYSROOT, "include", "stdio.h"))
            and os.path.isdir(os.path.join(SYSROOT, "include", "c++"))):
        print(f"SKIPPED: no arm64 cross headers in {SYSROOT} "
              "(libc6-dev-arm64-cross, libstdc++-12-dev-arm64-cross)")
        return SKIP
    shutil.rmtree(args.build_dir, ignore_errors=True)
    steps = [
        ["cmake", "-S", args.source, "-B", args.build_dir,
         f"-DCMAKE_CXX_COMPILER={args.clang}", "-DCMAKE_CXX_COMPILER_TARGET=aarch64-linux-gnu",
         "-DCMAKE_SYSTEM_NAME=Linux", "-DCMAKE_SYSTEM_PROCESSOR=aarch64",
         # No aarch64 linker is needed to compile: the archive is the proof.
         "-DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY"],
        ["cmake", "--build", args.build_dir, "--target", "chanleak-rt-static"],
    ]
    for step in steps:
        proc = subprocess.run(step, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            print(f"FAIL: {' '.join(step)}\n{proc.stdout[-4000:]}")
            return 1
        if "warning:" in proc.stdout:
            print(f"FAIL: warnings building for aarch64:\n{proc.stdout[-4000:]}")
            return 1
    archive = os.path.join(args.build_dir, "lib", "libchanleak-rt.a")
    proc = subprocess.run([args.readobj, "--file-headers", archive], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    machines = [l.split(":", 1)[1].strip() for l in proc.stdout.splitlines()
                if l.strip().startswith("Machine:")]
    if proc.returncode != 0 or not machines or any("AARCH64" not in m for m in machines):
        print(f"FAIL: {archive} does not hold only AArch64 objects: {machines}\n{proc.stdout[-2000:]}")
        return 1
    print(f"PASS: {len(machines)} AArch64 objects in {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
