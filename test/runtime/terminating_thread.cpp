//===- terminating_thread.cpp - a program that ends in std::terminate -----===//
//
// Run with CHANLEAK_VERIFY_AT_EXIT=1, linked with the runtime. By default a
// worker throws an exception nobody catches while another thread waits on a
// future forever: the report must name the throwing thread, its exception and
// the function that threw, and the waiting thread too. With
// CHANLEAK_JOINABLE_DESTROYED a running std::thread is destroyed instead
// (std::terminate without an exception). With CHANLEAK_FIXED the worker
// catches its exception and the program exits 0 with no report. Either way
// the program's own terminate handler still runs afterwards (exit 3).
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <exception>
#include <future>
#include <stdexcept>
#include <thread>
#include <unistd.h>

static std::promise<int> *Never; // never set, never destroyed

[[noreturn]] __attribute__((noinline)) void ThrowBadConfig() {
  throw std::runtime_error("bad config");
}

__attribute__((noinline)) void DropWorker() {
  std::thread Worker([] { std::this_thread::sleep_for(std::chrono::seconds(5)); });
  // Worker is destroyed while joinable: std::terminate.
}

int main() {
  std::set_terminate([] {
    std::printf("program's terminate handler ran\n");
    std::fflush(stdout);
    _exit(3);
  });
  Never = new std::promise<int>;
  std::thread([Result = Never->get_future()]() mutable { Result.get(); }).detach();
#if defined(CHANLEAK_JOINABLE_DESTROYED)
  DropWorker();
#else
  std::thread([] {
#if defined(CHANLEAK_FIXED)
    try {
      ThrowBadConfig();
    } catch (const std::exception &) {
    }
#else
    ThrowBadConfig();
#endif
  }).join();
  Never->set_value(1); // the waiter ends: nothing leaked
#endif
  return 0;
}
