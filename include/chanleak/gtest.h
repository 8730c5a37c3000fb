//===- gtest.h - chanleak's leak check for GoogleTest -----------*- C++ -*-===//
//
// Fails every test that leaves a thread behind, naming the test:
//
//   int main(int argc, char **argv) {
//     ::testing::InitGoogleTest(&argc, argv);
//     chanleak::testing::InstallLeakCheck({chanleak::IgnoreTopFunction("Pool")});
//     return RUN_ALL_TESTS();
//   }
//
// or link the `chanleak-rt-gtest-main` library instead of gtest_main.
//
// A thread is charged to the test during which it was created, so a test is
// failed only for its own threads, even when an earlier test's thread is
// still alive. Link the runtime (chanleak-rt or chanleak-rt-static).
//
//===----------------------------------------------------------------------===//
#ifndef CHANLEAK_GTEST_H
#define CHANLEAK_GTEST_H

#include "chanleak/runtime.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace chanleak {
namespace testing {

/// Names each test to the runtime when it starts and, when it ends, fails it
/// with the runtime's report if a thread it created is still alive.
class LeakCheckListener : public ::testing::EmptyTestEventListener {
public:
  explicit LeakCheckListener(std::vector<Option> UserOptions)
      : UserOptions(std::move(UserOptions)) {}

  void OnTestStart(const ::testing::TestInfo &Info) override {
    RunningTest = std::string(Info.test_suite_name()) + "." + Info.name();
    SetCurrentTest(RunningTest.c_str());
  }

  // gtest still associates assertion results with the ending test here, and
  // calls OnTestEnd listeners in reverse order of installation, so this
  // failure is charged to the test and printed before the result printer's
  // "[  FAILED  ]" line.
  void OnTestEnd(const ::testing::TestInfo &Info) override {
    SetCurrentTest(nullptr);
    std::vector<Option> Options = UserOptions;
    Options.push_back(OnlyCreatedDuring(RunningTest));
    std::vector<LeakedThread> Leaked = Find(Options);
    // Reported at the test's definition, which is what leaked.
    if (!Leaked.empty())
      ADD_FAILURE_AT(Info.file(), Info.line())
          << "chanleak: " << Leaked.size() << " thread" << (Leaked.size() == 1 ? "" : "s")
          << " created by " << RunningTest << " still alive after it ended\n"
          << FormatReport(Leaked);
    RunningTest.clear();
  }

private:
  std::vector<Option> UserOptions;
  std::string RunningTest;
};

/// Installs the leak check on every test of this binary. Call it once, after
/// InitGoogleTest. Options (IgnoreTopFunction, Retry...) apply to every check.
inline void InstallLeakCheck(std::vector<Option> Options = {}) {
  ::testing::UnitTest::GetInstance()->listeners().Append(new LeakCheckListener(std::move(Options)));
}

} // namespace testing
} // namespace chanleak

#endif // CHANLEAK_GTEST_H
