// A future made from a promise (`auto fut = p.get_future()`) names the
// promise's one value: a thread that may leave without setting it strands
// the wait, and one that always sets it rescues the wait.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
#include <future>
#include <thread>

bool bad();
int compute();

int leaky_sender_may_leave() {
  std::promise<int> p;
  auto fut = p.get_future();
  std::thread t([&p] {
    if (bad())
      return;
    p.set_value(compute());
  });
  int v = fut.get();
  // CHECK-NOTES: :[[@LINE-1]]:11: warning: receive from 'p' blocks forever: 'lambda' can leave without sending to or closing 'p' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-5]]:7: note: the thread returns here without sending to or closing 'p'
  t.join();
  return v;
}

int fixed_sender_always_sets() {
  std::promise<int> p;
  auto fut = p.get_future();
  std::thread t([&p] {
    if (bad()) {
      p.set_value(-1);
      return;
    }
    p.set_value(compute());
  });
  int v = fut.get();
  t.join();
  return v;
}
