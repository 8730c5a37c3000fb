//===- RuntimeOptionsTest.cpp - each Find() option changes the answer -----===//
//
// Every test checks both sides: the thread the option should hide is found
// without it (so the test fails if the option were ignored) and hidden with
// it, and a thread the option should not hide is still found.
//
//===----------------------------------------------------------------------===//

#include "TestThreads.h"

#include "gtest/gtest.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace chanleak;
using namespace chanleak::testing_support;

namespace {

// The frames the name options look for. noinline and a barrier after the
// call keep each in the stack (no inlining, no tail call).
__attribute__((noinline)) void chanleakTestWaitAtTop(Gate &G) {
  G.wait();
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void chanleakTestWaitBelow(Gate &G) {
  chanleakTestWaitAtTop(G);
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void chanleakTestSpinAtTop(Gate &G, const std::atomic<bool> &Stop) {
  while (!Stop.load(std::memory_order_relaxed))
    asm volatile("" ::: "memory");
}

__attribute__((noinline)) long chanleakTestSpawnHelper(BlockedThreads &Threads) {
  long Tid = Threads.start();
  asm volatile("" ::: "memory");
  return Tid;
}

TEST(RuntimeOptions, IgnoreCurrentHidesThreadsAliveAtTheSnapshot) {
  BlockedThreads Threads;
  const long Before = Threads.start();
  Option Snapshot = IgnoreCurrent();
  const long After = Threads.start();

  std::vector<LeakedThread> All = Find({NoRetry()});
  EXPECT_TRUE(contains(All, Before));
  EXPECT_TRUE(contains(All, After));
  std::vector<LeakedThread> Leaked = Find({Snapshot, NoRetry()});
  EXPECT_FALSE(contains(Leaked, Before));
  EXPECT_TRUE(contains(Leaked, After));
}

TEST(RuntimeOptions, IgnoreTopFunctionLooksAtTheInnermostFrameOnly) {
  Option Baseline = IgnoreCurrent();
  std::atomic<bool> Stop{false};
  BlockedThreads Threads;
  const long Spinning = Threads.start([&](Gate &G) { chanleakTestSpinAtTop(G, Stop); });
  const long Waiting = Threads.start(chanleakTestWaitBelow);

  std::vector<LeakedThread> All = Find({Baseline, NoRetry()});
  EXPECT_TRUE(contains(All, Spinning));
  EXPECT_TRUE(contains(All, Waiting));
  std::vector<LeakedThread> Leaked =
      Find({Baseline, NoRetry(), IgnoreTopFunction("chanleakTestSpinAtTop")});
  EXPECT_FALSE(contains(Leaked, Spinning)) << FormatReport(Leaked);
  EXPECT_TRUE(contains(Leaked, Waiting));
  // chanleakTestWaitBelow is on the waiting thread's stack, not at its top.
  Leaked = Find({Baseline, NoRetry(), IgnoreTopFunction("chanleakTestWaitBelow")});
  EXPECT_TRUE(contains(Leaked, Waiting)) << FormatReport(Leaked);
  // A blocked thread's top is its innermost frame outside libc.
  Leaked = Find({Baseline, NoRetry(), IgnoreTopFunction("chanleakTestWaitAtTop")});
  EXPECT_FALSE(contains(Leaked, Waiting)) << FormatReport(Leaked);
  Stop = true;
}

TEST(RuntimeOptions, IgnoreAnyFunctionLooksAtEveryFrame) {
  Option Baseline = IgnoreCurrent();
  BlockedThreads Threads;
  const long Below = Threads.start(chanleakTestWaitBelow);
  const long Plain = Threads.start();

  EXPECT_TRUE(contains(Find({Baseline, NoRetry()}), Below));
  std::vector<LeakedThread> Leaked =
      Find({Baseline, NoRetry(), IgnoreAnyFunction("chanleakTestWaitBelow")});
  EXPECT_FALSE(contains(Leaked, Below)) << FormatReport(Leaked);
  EXPECT_TRUE(contains(Leaked, Plain));
}

TEST(RuntimeOptions, IgnoreCreatedByLooksAtTheCreationStack) {
  Option Baseline = IgnoreCurrent();
  BlockedThreads Threads;
  const long ByHelper = chanleakTestSpawnHelper(Threads);
  const long Direct = Threads.start();

  EXPECT_TRUE(contains(Find({Baseline, NoRetry()}), ByHelper));
  std::vector<LeakedThread> Leaked =
      Find({Baseline, NoRetry(), IgnoreCreatedBy("chanleakTestSpawnHelper")});
  EXPECT_FALSE(contains(Leaked, ByHelper)) << FormatReport(Leaked);
  EXPECT_TRUE(contains(Leaked, Direct));
}

TEST(RuntimeOptions, OnlyCreatedDuringChargesThreadsToTheRunningTest) {
  BlockedThreads Threads;
  SetCurrentTest("Options.First");
  const long First = Threads.start();
  SetCurrentTest("Options.Second");
  const long Second = Threads.start();
  SetCurrentTest(nullptr);
  const long NoTest = Threads.start();

  std::vector<LeakedThread> Leaked = Find({NoRetry(), OnlyCreatedDuring("Options.First")});
  ASSERT_EQ(Leaked.size(), 1u) << FormatReport(Leaked);
  EXPECT_EQ(Leaked[0].Tid, First);
  EXPECT_EQ(Leaked[0].Test, "Options.First");
  Leaked = Find({NoRetry(), OnlyCreatedDuring("Options.Second")});
  ASSERT_EQ(Leaked.size(), 1u) << FormatReport(Leaked);
  EXPECT_EQ(Leaked[0].Tid, Second);
  EXPECT_TRUE(contains(Find({NoRetry()}), NoTest));
}

// A thread that ends on its own a while after Find starts looking.
long startExitingAfter(BlockedThreads &Threads, std::chrono::milliseconds Delay) {
  return Threads.start([Delay](Gate &) { std::this_thread::sleep_for(Delay); });
}

TEST(RuntimeOptions, NoRetryLooksOnce) {
  Option Baseline = IgnoreCurrent();
  BlockedThreads Threads;
  // The default retries (~430 ms) would see this thread end.
  const long Ending = startExitingAfter(Threads, std::chrono::milliseconds(200));
  EXPECT_TRUE(contains(Find({Baseline, NoRetry()}), Ending));
}

TEST(RuntimeOptions, RetryWaitsForThreadsAboutToExit) {
  Option Baseline = IgnoreCurrent();
  BlockedThreads Threads;
  // Ends well after the default retries (~430 ms) give up.
  startExitingAfter(Threads, std::chrono::milliseconds(1500));
  using std::chrono::microseconds;
  std::vector<LeakedThread> Leaked =
      Find({Baseline, Retry(microseconds(1), microseconds(20000), microseconds(30000000))});
  EXPECT_TRUE(Leaked.empty()) << FormatReport(Leaked);
}

TEST(RuntimeOptions, VerifyNoneReportsToTheGivenStream) {
  Option Baseline = IgnoreCurrent();
  std::FILE *Report = std::tmpfile();
  ASSERT_NE(Report, nullptr);
  EXPECT_TRUE(VerifyNone({Baseline, NoRetry(), ReportTo(Report)}));
  EXPECT_EQ(std::ftell(Report), 0L) << "a report although nothing leaked";

  BlockedThreads Threads;
  const long Blocked = Threads.start();
  EXPECT_FALSE(VerifyNone({Baseline, NoRetry(), ReportTo(Report)}));
  std::string Text(static_cast<size_t>(std::ftell(Report)), '\0');
  std::rewind(Report);
  ASSERT_EQ(std::fread(&Text[0], 1, Text.size(), Report), Text.size());
  std::fclose(Report);
  EXPECT_NE(Text.find(std::to_string(Blocked)), std::string::npos) << Text;
}

// The JSON report is the contract with the `chanleak` tool.
TEST(RuntimeOptions, JsonReportFollowsTheSchema) {
  Option Baseline = IgnoreCurrent();
  BlockedThreads Threads;
  const long Blocked = Threads.start(chanleakTestWaitBelow);
  std::vector<LeakedThread> Leaked = Find({Baseline, NoRetry()});
  ASSERT_EQ(Leaked.size(), 1u);

  nlohmann::json Report = nlohmann::json::parse(FormatJsonReport(Leaked));
  EXPECT_EQ(Report.at("chanleak-report"), 1);
  EXPECT_EQ(Report.at("pid"), static_cast<long>(::getpid()));
  ASSERT_EQ(Report.at("threads").size(), 1u);
  const nlohmann::json &Thread = Report["threads"][0];
  EXPECT_EQ(Thread.at("tid"), Blocked);
  EXPECT_EQ(Thread.at("state").get<std::string>().size(), 1u);
  EXPECT_EQ(Thread.at("creator-tid"), currentTid());
  for (const char *Stack : {"stack", "creation-stack"}) {
    ASSERT_FALSE(Thread.at(Stack).empty()) << Stack;
    for (const nlohmann::json &Frame : Thread[Stack]) {
      EXPECT_EQ(Frame.at("address").get<std::string>().rfind("0x", 0), 0u) << Frame;
      EXPECT_EQ(Frame.at("offset").get<std::string>().rfind("0x", 0), 0u) << Frame;
      EXPECT_FALSE(Frame.at("module").get<std::string>().empty()) << Frame;
    }
  }
}

} // namespace
