//===- leaky_waiter.cpp - one thread left waiting on a future forever ------===//
//
// Built plain, with -fsanitize=address and with -fsanitize=thread, and linked
// with the runtime. Exits 3 when the runtime finds the thread (it must), 0
// when it does not.
//
//===----------------------------------------------------------------------===//

#include "chanleak/runtime.h"

#include <future>
#include <thread>

// Never deleted (destroying it would wake the thread with broken_promise),
// and global, so that LeakSanitizer sees it reachable.
static std::promise<int> *Answer;

int main() {
  Answer = new std::promise<int>;
  std::thread([Result = Answer->get_future()]() mutable { Result.get(); }).detach();
  // A short retry lets the thread reach its wait before the stack is taken.
  using std::chrono::microseconds;
  const bool Clean = chanleak::VerifyNone(
      {chanleak::Retry(microseconds(1000), microseconds(1000), microseconds(5000))});
  return Clean ? 0 : 3;
}
