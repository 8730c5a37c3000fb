//===- RuntimeStressTest.cpp - the runtime under load, exits, malloc, fork ===//
//
// Find() signals every thread it reports and unwinds it in a signal handler.
// These tests make that hard: many threads, threads exiting during the scan,
// threads inside (or stuck holding the lock of) the allocator, fork().
// A hang is a failure too: ctest's timeout catches it.
//
//===----------------------------------------------------------------------===//

#include "TestThreads.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::testing_support;

namespace {

/// Scans Rounds times without retry: each scan finds exactly Expected, each
/// thread once, each with a complete stack. A helper, so that a failure still
/// lets the caller release and join its threads.
void expectEveryScanFinds(const Option &Baseline, const std::set<long> &Expected,
                          int Rounds) {
  const std::multiset<long> ExpectedOnce(Expected.begin(), Expected.end());
  for (int Round = 0; Round < Rounds; ++Round) {
    std::vector<LeakedThread> Leaked = Find({Baseline, NoRetry()});
    ASSERT_EQ(tidsOf(Leaked), ExpectedOnce) << "round " << Round;
    for (const LeakedThread &T : Leaked)
      ASSERT_TRUE(T.StackComplete) << "round " << Round << ", thread " << T.Tid;
  }
}

TEST(RuntimeStress, FindsEachOfAThousandBlockedThreadsOnce) {
  constexpr size_t Count = 1000;
  Option Baseline = IgnoreCurrent();
  const long Creator = currentTid();
  Gate Release;
  TidRegistry Started;
  std::vector<std::thread> Threads;
  Threads.reserve(Count);
  for (size_t I = 0; I < Count; ++I)
    Threads.emplace_back([&] {
      Started.add(currentTid());
      Release.wait();
    });
  const std::set<long> Expected = Started.waitFor(Count);

  std::vector<LeakedThread> Leaked = Find({Baseline, NoRetry()});
  std::multiset<long> Found = tidsOf(Leaked);
  EXPECT_EQ(Found.size(), Count) << "lost or duplicated threads";
  EXPECT_EQ(std::set<long>(Found.begin(), Found.end()), Expected);
  size_t Complete = 0;
  for (const LeakedThread &T : Leaked) {
    EXPECT_EQ(T.CreatorTid, Creator) << "thread " << T.Tid;
    EXPECT_FALSE(T.CreationStack.empty()) << "thread " << T.Tid;
    Complete += T.StackComplete;
  }
  EXPECT_EQ(Complete, Count) << "threads whose stack the scan did not get";

  Release.open();
  for (std::thread &T : Threads)
    T.join();
  EXPECT_TRUE(Find({Baseline}).empty()) << "joined threads still reported";
}

// Two spawners called in turn from one call site, at the same depth: the
// runtime answers a repeated creation chain from its last capture, and must
// see that the chain changed when only a return address in the middle did.
__attribute__((noinline)) long chanleakTestSpawnFromA(BlockedThreads &Threads) {
  long Tid = Threads.start();
  asm volatile("" ::: "memory");
  return Tid;
}

__attribute__((noinline)) long chanleakTestSpawnFromB(BlockedThreads &Threads) {
  long Tid = Threads.start();
  asm volatile("" ::: "memory");
  return Tid;
}

bool createdBy(const LeakedThread &T, const std::string &Function) {
  for (const Frame &F : T.CreationStack)
    if (F.Function.find(Function) != std::string::npos)
      return true;
  return false;
}

TEST(RuntimeStress, EachCreationStackFollowsItsOwnCallChain) {
  Option Baseline = IgnoreCurrent();
  BlockedThreads Threads;
  long (*const Spawners[])(BlockedThreads &) = {chanleakTestSpawnFromA, chanleakTestSpawnFromB};
  const int Order[] = {0, 0, 0, 1, 1, 0, 1, 0, 0, 1};
  std::map<long, std::string> Expected;
  for (int Which : Order)
    Expected[Spawners[Which](Threads)] = Which == 0 ? "chanleakTestSpawnFromA" : "chanleakTestSpawnFromB";

  std::vector<LeakedThread> Leaked = Find({Baseline, NoRetry()});
  ASSERT_EQ(Leaked.size(), Expected.size());
  for (const LeakedThread &T : Leaked) {
    const std::string &Spawner = Expected.at(T.Tid);
    const std::string Other =
        Spawner == "chanleakTestSpawnFromA" ? "chanleakTestSpawnFromB" : "chanleakTestSpawnFromA";
    EXPECT_TRUE(createdBy(T, Spawner)) << "thread " << T.Tid << " lacks " << Spawner;
    EXPECT_FALSE(createdBy(T, Other)) << "thread " << T.Tid << " names " << Other;
    EXPECT_TRUE(createdBy(T, "EachCreationStackFollowsItsOwnCallChain")) << T.Tid;
  }
}

TEST(RuntimeStress, ThreadsExitingDuringTheScan) {
  Option Baseline = IgnoreCurrent();
  std::atomic<bool> Stop{false};
  std::atomic<long> Spawned{0};
  TidRegistry Churners;
  auto Churn = [&] {
    Churners.add(currentTid());
    while (!Stop) {
      // Some joined, some detached: both kinds vanish while Find looks.
      std::thread([] {}).detach();
      std::thread([] {}).join();
      Spawned += 2;
    }
  };
  std::thread A(Churn), B(Churn);
  const std::set<long> ChurnerTids = Churners.waitFor(2);

  for (int Round = 0; Round < 100; ++Round)
    for (const LeakedThread &T : Find({Baseline, NoRetry()}))
      EXPECT_TRUE(ChurnerTids.count(T.Tid) || ChurnerTids.count(T.CreatorTid))
          << "thread " << T.Tid << " created by " << T.CreatorTid
          << " belongs to nobody in this test";
  Stop = true;
  A.join();
  B.join();
  std::printf("[ info ] %ld threads came and went during 100 scans\n", Spawned.load());
  EXPECT_GT(Spawned.load(), 0);
  EXPECT_TRUE(Find({Baseline}).empty()) << "exited threads still reported";
}

TEST(RuntimeStress, RepeatedFindReturnsTheSameThreads) {
  constexpr size_t Count = 8;
  Option Baseline = IgnoreCurrent();
  Gate Release;
  TidRegistry Started;
  std::vector<std::thread> Threads;
  for (size_t I = 0; I < Count; ++I)
    Threads.emplace_back([&] {
      Started.add(currentTid());
      Release.wait();
    });
  expectEveryScanFinds(Baseline, Started.waitFor(Count), 200);
  Release.open();
  for (std::thread &T : Threads)
    T.join();
}

// Threads allocating in a tight loop are often inside malloc, holding their
// arena's lock, when the stack signal arrives: a handler that allocates
// deadlocks on that lock and Find never returns.
TEST(RuntimeStress, ThreadsInsideMallocAnswerTheStackSignal) {
  constexpr size_t Count = 4;
  Option Baseline = IgnoreCurrent();
  std::atomic<bool> Stop{false};
  TidRegistry Started;
  std::vector<std::thread> Threads;
  for (size_t I = 0; I < Count; ++I)
    Threads.emplace_back([&, I] {
      Started.add(currentTid());
      size_t Size = 16 + I;
      while (!Stop) {
        void *P = std::malloc(Size);
        *static_cast<volatile char *>(P) = 1;
        std::free(P);
        Size = Size * 7 % 40000 + 16; // small and large: tcache and arena
      }
    });
  expectEveryScanFinds(Baseline, Started.waitFor(Count), 200);
  Stop = true;
  for (std::thread &T : Threads)
    T.join();
}

// The strongest case we can force without malloc hooks (gone from glibc):
// malloc_stats() prints while it holds the main arena's lock, and its first
// write goes to a stream whose writer blocks. That thread then holds the lock
// until released, and Find(), from a thread with an arena of its own, must
// still get its stack. The holder allocates from the main arena too, so a
// signal handler that allocates deadlocks on the lock its own thread holds.
// Runs in a fresh process (a death test re-executes the binary), where the
// arena each thread gets is known: with at most two arenas, the finder's
// first allocation creates the second and the holder's reuses the main one.
namespace HeldMallocLock {
Gate *WriterRelease;
std::atomic<bool> WriterEntered{false};

ssize_t blockingWrite(void *, const char *, size_t Size) {
  WriterEntered = true;
  WriterRelease->wait();
  return static_cast<ssize_t>(Size);
}

[[noreturn]] void run() {
  mallopt(M_ARENA_MAX, 2);
  Option Baseline = IgnoreCurrent();
  Gate Release, FinderAttached, StartHolding, StartFinding, DoneFinding;
  WriterRelease = &Release;
  TidRegistry Started;
  std::vector<LeakedThread> Leaked;
  std::FILE *RealStderr = stderr;
  std::FILE *DevNull = std::fopen("/dev/null", "w");
  std::setvbuf(DevNull, nullptr, _IONBF, 0); // a buffer would be allocated under the lock
  cookie_io_functions_t Blocking{};
  Blocking.write = blockingWrite;
  std::FILE *BlockingStream = fopencookie(nullptr, "w", Blocking);
  std::setvbuf(BlockingStream, nullptr, _IONBF, 0);

  std::thread Finder([&] {
    void *Probe = std::malloc(5000);            // creates the second arena
    asm volatile("" : : "r"(Probe) : "memory"); // not elided
    std::free(Probe);
    FinderAttached.open();
    StartFinding.wait();
    for (int Round = 0; Round < 20; ++Round)
      Leaked = Find({Baseline, NoRetry()});
    DoneFinding.open(); // its exit frees into the main arena: release first
  });
  FinderAttached.wait();
  std::thread Holder([&] {
    Started.add(currentTid()); // allocates: attaches to the main arena
    StartHolding.wait();       // until pthread_create (and its recording) returned
    stderr = BlockingStream;
    malloc_stats(); // blocks in its first write, main arena locked
  });
  const long HolderTid = *Started.waitFor(1).begin();
  StartHolding.open();
  while (!WriterEntered)
    std::this_thread::yield();
  // From here until Release, this thread must not allocate. Whatever is
  // printed meanwhile (malloc_stats' next lines) goes nowhere.
  stderr = DevNull;
  StartFinding.open();
  DoneFinding.wait();
  Release.open();
  Finder.join();
  Holder.join();
  stderr = RealStderr;

  bool Ok = Leaked.size() == 1 && Leaked[0].Tid == HolderTid && Leaked[0].StackComplete;
  if (!Ok)
    std::fprintf(stderr, "expected the lock holder %ld with its stack, got:\n%s", HolderTid,
                 FormatReport(Leaked).c_str());
  std::fflush(stderr);
  std::_Exit(Ok ? 0 : 1);
}
} // namespace HeldMallocLock

TEST(RuntimeStress, ThreadHoldingTheMallocLockAnswersTheStackSignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(HeldMallocLock::run(), ::testing::ExitedWithCode(0), "");
}

// fork() in a test: the child sees only itself (and what it creates), can
// scan and exit; the parent's view is unchanged.
TEST(RuntimeStress, ForkDuringATest) {
  Option Baseline = IgnoreCurrent();
  Gate Release;
  TidRegistry Started;
  std::thread Blocked([&] {
    Started.add(currentTid());
    Release.wait();
  });
  const long BlockedTid = *Started.waitFor(1).begin();

  pid_t Child = ::fork();
  ASSERT_NE(Child, -1);
  if (Child == 0) {
    // Exit codes: 0 fine, 1 the parent's thread reported, 2 own thread missed.
    if (!Find({NoRetry()}).empty())
      ::_exit(1);
    Gate ChildRelease;
    TidRegistry ChildStarted;
    std::thread Own([&] {
      ChildStarted.add(currentTid());
      ChildRelease.wait();
    });
    const long OwnTid = *ChildStarted.waitFor(1).begin();
    std::vector<LeakedThread> Leaked = Find({NoRetry()});
    const bool FoundOwn = Leaked.size() == 1 && Leaked[0].Tid == OwnTid &&
                          Leaked[0].CreatorTid == static_cast<long>(::getpid());
    ChildRelease.open();
    Own.join();
    ::_exit(FoundOwn ? 0 : 2);
  }
  int Status = 0;
  ASSERT_EQ(::waitpid(Child, &Status, 0), Child);
  ASSERT_TRUE(WIFEXITED(Status)) << "child died of signal " << WTERMSIG(Status);
  EXPECT_EQ(WEXITSTATUS(Status), 0)
      << (WEXITSTATUS(Status) == 1 ? "the child reported the parent's threads"
                                   : "the child missed the thread it created");

  std::vector<LeakedThread> Leaked = Find({Baseline, NoRetry()});
  ASSERT_EQ(Leaked.size(), 1u);
  EXPECT_EQ(Leaked[0].Tid, BlockedTid);
  Release.open();
  Blocked.join();
}

} // namespace
