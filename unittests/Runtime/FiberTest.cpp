//===- FiberTest.cpp - Boost.Fiber fibers parked forever are found --------===//
//
// The fibers run on the test's own thread (or one it starts), so only the
// runtime's fiber records can make them show up as fibers. Every test
// releases its fibers before it ends (the leak-checking gtest main would fail
// it otherwise). Built twice: against the shared runtime and with the static
// archive linked into the test.
//
//===----------------------------------------------------------------------===//

#include "TestThreads.h"

#include "gtest/gtest.h"

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using namespace chanleak;
using chanleak::testing_support::currentTid;

namespace {

std::vector<LeakedThread> fibersIn(const std::vector<LeakedThread> &Leaked) {
  std::vector<LeakedThread> Fibers;
  for (const LeakedThread &T : Leaked)
    if (T.Kind == LeakKind::Fiber)
      Fibers.push_back(T);
  return Fibers;
}

std::vector<LeakedThread> parkedFibers(std::vector<Option> Opts) {
  Opts.push_back(NoRetry());
  return fibersIn(Find(Opts));
}

bool hasLineOfThisFile(const std::vector<Frame> &Stack, unsigned Line) {
  const std::string Name = "/FiberTest.cpp";
  for (const Frame &F : Stack)
    if (F.Line == Line && F.File.size() >= Name.size() &&
        F.File.compare(F.File.size() - Name.size(), Name.size(), Name) == 0)
      return true;
  return false;
}

/// Lets the other fibers of this thread run until each has parked or waits.
void runOtherFibers() {
  for (int I = 0; I < 8; ++I)
    boost::this_fiber::yield();
}

// Frames the name options look for; noinline and a barrier keep them.
__attribute__((noinline)) void chanleakTestFiberSend(boost::fibers::unbuffered_channel<int> &Chan) {
  Chan.push(1);
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) boost::fibers::fiber
chanleakTestFiberSpawner(boost::fibers::unbuffered_channel<int> &Chan) {
  boost::fibers::fiber Sender([&Chan] { chanleakTestFiberSend(Chan); });
  asm volatile("" ::: "memory");
  return Sender;
}

TEST(Fibers, SenderParkedOnAnUnbufferedChannelIsFound) {
  Option Baseline = IgnoreCurrent();
  boost::fibers::unbuffered_channel<int> Chan;
  unsigned PushLine = 0;
  // clang-format off
  const unsigned CreateLine = __LINE__; boost::fibers::fiber Sender([&] { PushLine = __LINE__; Chan.push(1); });
  // clang-format on
  runOtherFibers();

  std::vector<LeakedThread> Fibers = parkedFibers({Baseline});
  std::string Report = FormatReport(Fibers);
  ASSERT_EQ(Fibers.size(), 1u) << Report;
  const LeakedThread &F = Fibers.front();
  EXPECT_EQ(F.ApiState, "chan send") << Report;
  EXPECT_EQ(F.ApiFunction, "boost::fibers::unbuffered_channel::push") << Report;
  EXPECT_EQ(F.Tid, currentTid()) << "the calling thread hosts it, and it is still reported";
  EXPECT_EQ(F.CreatorTid, currentTid());
  EXPECT_TRUE(F.StackComplete);
  EXPECT_TRUE(hasLineOfThisFile(F.Stack, PushLine)) << "line " << PushLine << "\n" << Report;
  EXPECT_TRUE(hasLineOfThisFile(F.CreationStack, CreateLine))
      << "line " << CreateLine << "\n" << Report;

  EXPECT_EQ(Chan.value_pop(), 1);
  Sender.join();
}

// The fixed twin: someone receives, so the sender's park ends.
TEST(Fibers, ReceivedSendLeavesNothingParked) {
  Option Baseline = IgnoreCurrent();
  boost::fibers::unbuffered_channel<int> Chan;
  boost::fibers::fiber Sender([&] { Chan.push(1); });
  runOtherFibers();
  ASSERT_EQ(parkedFibers({Baseline}).size(), 1u);

  int Received = 0;
  boost::fibers::fiber Receiver([&] { Received = Chan.value_pop(); });
  runOtherFibers();
  EXPECT_EQ(Received, 1);
  std::vector<LeakedThread> Fibers = parkedFibers({Baseline});
  EXPECT_TRUE(Fibers.empty()) << FormatReport(Fibers);
  Sender.join();
  Receiver.join();
}

TEST(Fibers, IgnoreCurrentTakenAfterAFiberParkedIgnoresIt) {
  Option Baseline = IgnoreCurrent();
  boost::fibers::unbuffered_channel<int> Chan;
  boost::fibers::fiber Before([&] { Chan.push(1); });
  runOtherFibers();
  Option Snapshot = IgnoreCurrent();
  boost::fibers::fiber After([&] { Chan.push(2); });
  runOtherFibers();

  EXPECT_EQ(parkedFibers({Baseline}).size(), 2u);
  std::vector<LeakedThread> Fibers = parkedFibers({Snapshot});
  ASSERT_EQ(Fibers.size(), 1u) << FormatReport(Fibers);
  EXPECT_GT(Fibers.front().AgeSeconds, 0);

  EXPECT_EQ(Chan.value_pop() + Chan.value_pop(), 3);
  Before.join();
  After.join();
}

// A fiber that yields, sleeps or waits with a deadline is not parked forever.
TEST(Fibers, YieldingSleepingAndTimedWaitsAreNotParked) {
  Option Baseline = IgnoreCurrent();
  std::atomic<bool> Stop{false};
  boost::fibers::fiber Yielder([&] {
    while (!Stop)
      boost::this_fiber::yield();
  });
  boost::fibers::fiber Sleeper([&] {
    while (!Stop)
      boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
  });
  boost::fibers::unbuffered_channel<int> Chan;
  boost::fibers::fiber TimedReceiver([&] {
    int Value;
    while (!Stop)
      Chan.pop_wait_for(Value, std::chrono::milliseconds(1));
  });
  runOtherFibers();
  std::vector<LeakedThread> Fibers = parkedFibers({Baseline});
  EXPECT_TRUE(Fibers.empty()) << FormatReport(Fibers);

  // What the three would look like parked: an untimed receive is found.
  boost::fibers::fiber Receiver([&] {
    int Value;
    Chan.pop(Value);
  });
  runOtherFibers();
  Fibers = parkedFibers({Baseline});
  ASSERT_EQ(Fibers.size(), 1u) << FormatReport(Fibers);
  EXPECT_EQ(Fibers.front().ApiState, "chan receive");

  Stop = true;
  Chan.close(); // wakes both receivers
  for (boost::fibers::fiber *F : {&Yielder, &Sleeper, &TimedReceiver, &Receiver})
    F->join();
}

// A thread's main fiber is parked by the thread's own code: reported as a
// fiber on that thread, with the thread's creation. Goes through
// wait_queue::suspend_and_wait inside libboost_fiber (its own PLT).
TEST(Fibers, MainFiberOfAThreadParkedInAReceiveIsFound) {
  Option Baseline = IgnoreCurrent();
  boost::fibers::buffered_channel<int> Chan(2);
  std::atomic<long> ReceiverTid{0};
  unsigned PopLine = 0;
  auto Receive = [&] {
    ReceiverTid = currentTid();
    int Value;
    // clang-format off
    PopLine = __LINE__; Chan.pop(Value);
    // clang-format on
  };
  // clang-format off
  const unsigned CreateLine = __LINE__; std::thread Receiver(Receive);
  // clang-format on
  std::vector<LeakedThread> Fibers;
  for (int Attempt = 0; Attempt < 5000 && Fibers.empty(); ++Attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    Fibers = parkedFibers({Baseline});
  }
  std::string Report = FormatReport(Fibers);
  ASSERT_EQ(Fibers.size(), 1u) << Report;
  const LeakedThread &F = Fibers.front();
  EXPECT_EQ(F.Tid, ReceiverTid.load()) << Report;
  EXPECT_EQ(F.ApiState, "chan receive") << Report;
  EXPECT_TRUE(hasLineOfThisFile(F.Stack, PopLine)) << "line " << PopLine << "\n" << Report;
  EXPECT_TRUE(hasLineOfThisFile(F.CreationStack, CreateLine))
      << "line " << CreateLine << "\n" << Report;
  EXPECT_TRUE(parkedFibers({IgnoreCurrent()}).empty()) << "ignored with its thread";

  Chan.close();
  Receiver.join();
}

TEST(Fibers, NameOptionsLookAtTheFibersStacks) {
  Option Baseline = IgnoreCurrent();
  boost::fibers::unbuffered_channel<int> Chan;
  boost::fibers::fiber Sender = chanleakTestFiberSpawner(Chan);
  runOtherFibers();

  EXPECT_EQ(parkedFibers({Baseline}).size(), 1u);
  EXPECT_EQ(parkedFibers({Baseline, IgnoreAnyFunction("chanleakTestFiberSend")}).size(), 0u);
  EXPECT_EQ(parkedFibers({Baseline, IgnoreCreatedBy("chanleakTestFiberSpawner")}).size(), 0u);
  EXPECT_EQ(parkedFibers({Baseline, IgnoreCreatedBy("chanleakTestFiberSend")}).size(), 1u);
  const ::testing::TestInfo *Info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string ThisTest = std::string(Info->test_suite_name()) + "." + Info->name();
  EXPECT_EQ(parkedFibers({Baseline, OnlyCreatedDuring(ThisTest)}).size(), 1u);
  EXPECT_EQ(parkedFibers({Baseline, OnlyCreatedDuring("Other.Test")}).size(), 0u);

  EXPECT_EQ(Chan.value_pop(), 1);
  Sender.join();
}

// A fiber parks from one function many times, then from another at the same
// depth: the runtime takes a repeated park's stack from its last one, and
// must see that the chain changed.
__attribute__((noinline)) int chanleakTestPopFromA(boost::fibers::unbuffered_channel<int> &Chan) {
  int Value = Chan.value_pop();
  asm volatile("" ::: "memory");
  return Value;
}

__attribute__((noinline)) int chanleakTestPopFromB(boost::fibers::unbuffered_channel<int> &Chan) {
  int Value = Chan.value_pop();
  asm volatile("" ::: "memory");
  return Value;
}

bool names(const std::vector<Frame> &Stack, const std::string &Function) {
  for (const Frame &F : Stack)
    if (F.Function.find(Function) != std::string::npos)
      return true;
  return false;
}

TEST(Fibers, ARepeatedParkFromAnotherFunctionShowsThatFunction) {
  Option Baseline = IgnoreCurrent();
  boost::fibers::unbuffered_channel<int> Chan;
  int (*const Poppers[])(boost::fibers::unbuffered_channel<int> &) = {chanleakTestPopFromA,
                                                                     chanleakTestPopFromB};
  std::atomic<int> Round{0};
  boost::fibers::fiber Receiver([&] {
    for (;; ++Round)
      if (Poppers[Round < 5 ? 0 : 1](Chan) < 0)
        return;
  });
  for (int I = 0; I < 5; ++I) {
    Chan.push(I); // each round parks the receiver in A first
    runOtherFibers();
  }
  std::vector<LeakedThread> Fibers = parkedFibers({Baseline});
  ASSERT_EQ(Fibers.size(), 1u);
  EXPECT_TRUE(names(Fibers[0].Stack, "chanleakTestPopFromB"));
  EXPECT_FALSE(names(Fibers[0].Stack, "chanleakTestPopFromA"));

  Chan.push(-1);
  Receiver.join();
}

} // namespace
