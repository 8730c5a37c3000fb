# -*- Python -*-
# lit configuration for chanleak's FileCheck tests (test/tidy/**, the
# clang-tidy checks, and test/analyzer/**, the Static Analyzer checkers).
#
# Run through ctest (test `chanleak-lit`) or directly:
#   python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/test
#   python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/test/tidy/runner
# Every tool comes from the LLVM that chanleak was configured against.
import os

import lit.formats

config.name = "chanleak"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
# test/install/ is a ctest test, test/patterns/ the catalogue driver,
# test/runtime/ and test/verify/ are ctest suites of their own; Inputs/
# folders hold helpers of the tests next to them.
config.excludes = ["Inputs", "install", "patterns", "runtime", "verify", "CMakeLists.txt", "README.md"]

if not hasattr(config, "chanleak_obj_root"):
    lit_config.fatal(
        "run lit on the build tree (<build>/test), not the source tree: "
        "lit.site.cfg.py there says where clang-tidy and the plugin are"
    )

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.chanleak_obj_root, "test")

# FileCheck, not, count, split-file and clang-tidy of the same LLVM come first.
path = os.pathsep.join([config.llvm_bin_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path
for var in ("HOME", "TMPDIR", "LANG", "LC_ALL"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

python = config.python_executable or "python3"
runner = os.path.join(config.chanleak_src_root, "test", "check_chanleak_tidy.py")
filecheck = os.path.join(config.llvm_bin_dir, "FileCheck")

# Longest first: lit substitutes in order and %clang_tidy is a prefix of none
# of the others, but keep the habit.
config.substitutions.append(
    (
        "%check_chanleak_tidy",
        "%s %s --clang-tidy=%s --plugin=%s --filecheck=%s"
        % (python, runner, config.clang_tidy, config.chanleak_tidy_plugin, filecheck),
    )
)
# The analyzer with the chanleak checkers loaded; a test adds the checkers
# it enables, -verify, and its flags.
config.substitutions.append(
    (
        "%analyze_chanleak",
        "%s --analyze -o /dev/null -std=c++20 -pthread -I%s -Xclang -load -Xclang %s "
        "-Xclang -analyzer-output=text"
        % (config.clang, os.path.join(config.chanleak_src_root, "include"),
           config.chanleak_analyzer_plugin),
    )
)
config.substitutions.append(("%chanleak_analyzer_plugin", config.chanleak_analyzer_plugin))
config.substitutions.append(("%clangxx", config.clang))
config.substitutions.append(("%chanleak_tidy_plugin", config.chanleak_tidy_plugin))
config.substitutions.append(("%chanleak_tidy_impl", config.chanleak_tidy_impl))
config.substitutions.append(("%loader_dummy_impl", config.loader_dummy_impl))
config.substitutions.append(("%other_clang_tidy", config.other_clang_tidy or "false"))
# After %other_clang_tidy, which it is a prefix of.
config.substitutions.append(("%other_clang", config.other_clang or "false"))
config.substitutions.append(("%other_llvm_major", config.other_llvm_version_major or "0"))
config.substitutions.append(("%llvm_major", config.llvm_version_major))
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%chanleak_include", os.path.join(config.chanleak_src_root, "include")))
config.substitutions.append(("%chanleak_src", config.chanleak_src_root))
config.substitutions.append(("%chanleak_obj", config.chanleak_obj_root))
config.substitutions.append(("%python", python))

# Features for REQUIRES/UNSUPPORTED.
config.available_features.add("llvm" + config.llvm_version_major)
if config.other_clang_tidy and os.path.exists(config.other_clang_tidy):
    config.available_features.add("other-clang-tidy")
if config.other_clang and os.path.exists(config.other_clang):
    config.available_features.add("other-clang")
if config.chanleak_have_tidy_impl:
    config.available_features.add("chanleak-tidy-impl")


def have_header(rel):
    return any(os.path.exists(os.path.join(d, rel)) for d in ("/usr/include", "/usr/local/include"))


for feature, header in (
    ("boost-fiber", "boost/fiber/all.hpp"),
    ("boost-asio", "boost/asio.hpp"),
    ("boost-asio-channel", "boost/asio/experimental/channel.hpp"),
    ("asio", "asio.hpp"),
    ("asio-channel", "asio/experimental/channel.hpp"),
    ("gtest", "gtest/gtest.h"),
):
    if have_header(header):
        config.available_features.add(feature)
