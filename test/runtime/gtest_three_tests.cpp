//===- gtest_three_tests.cpp - only the middle test leaks a thread ---------===//
//
// Linked with chanleak-rt-gtest-main. The middle test leaves a thread blocked
// on a promise that never gets a value; it is still alive while the last test
// runs, and only the middle test must fail. Built again with
// CHANLEAK_FIX_MIDDLE, where the promise is kept and every test passes.
// check_gtest_integration.py runs both and checks gtest's verdicts.
//
//===----------------------------------------------------------------------===//

#include "chanleak/runtime.h"

#include "gtest/gtest.h"

#include <future>
#include <thread>

namespace {

TEST(ThreeTests, First) {
  std::thread([] {}).join();
}

TEST(ThreeTests, Middle) {
  // Never deleted: destroying it would wake the thread with broken_promise.
  auto *Answer = new std::promise<int>;
  std::thread Waiter([Result = Answer->get_future()]() mutable { Result.get(); }); // CHANLEAK-SPAWN
#ifdef CHANLEAK_FIX_MIDDLE
  Answer->set_value(42);
  Waiter.join();
  delete Answer;
#else
  Waiter.detach();
#endif
}

TEST(ThreeTests, Last) {
  std::thread([] {}).join();
#ifndef CHANLEAK_FIX_MIDDLE
  // The middle test's thread is still alive: it must not be charged here.
  EXPECT_FALSE(
      chanleak::Find({chanleak::NoRetry(), chanleak::OnlyCreatedDuring("ThreeTests.Middle")})
          .empty());
#endif
}

} // namespace
