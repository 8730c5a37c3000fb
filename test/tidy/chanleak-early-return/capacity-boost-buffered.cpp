// Boost.Fiber's buffered_channel(N) holds only N - 1 values: with N = 2 the
// first push is buffered and the second one blocks. The finding belongs on
// the send that blocks, not on the first one, which completes.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

bool bad();

void leaky_capacity_two() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread t([&ch] {
    ch.push(1);
    ch.push(2);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: send on 'ch' blocks forever: 'leaky_capacity_two' can leave without receiving from 'ch' [chanleak-early-return]
  });
  // CHECK-NOTES: :[[@LINE-5]]:15: note: thread spawned here; it sends on 'ch'
  t.detach();
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_capacity_two' returns here without receiving from 'ch'
  int v;
  ch.pop(v);
  ch.pop(v);
}
