// A loop spawns senders that each decide for themselves whether to send
// (the probe of an unhealthy replica does not), and the parent takes the
// first value. With no room for the others, the extra senders wait forever:
// take-first, at their send. With room for all of them, nothing leaks: that
// every probe may fail is the data's doing, and waiting for the first one
// is the design, so no check reports the parent's receive.
// RUN: %check_chanleak_tidy %s 'chanleak-*' %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

bool healthy(int replica);
int query(int replica);

int leaky_senders_that_may_skip(int n) {
  boost::fibers::unbuffered_channel<int> ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch, i] {
      if (!healthy(i))
        return;
      ch.push(query(i));
    }).detach();
  int first;
  ch.pop(first);
  return first;
  // CHECK-NOTES: :[[@LINE-5]]:7: warning: send on 'ch' blocks forever: one send per loop iteration on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-9]]:5: note: thread spawned here, once per loop iteration; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'ch'; if the loop spawns no thread, it waits forever
}

int fixed_senders_that_may_skip_fit() {
  boost::fibers::buffered_channel<int> ch(16);
  for (int i = 0; i < 8; ++i)
    std::thread([&ch, i] {
      if (!healthy(i))
        return;
      ch.push(query(i));
    }).detach();
  int first;
  ch.pop(first);
  return first;
}

// Waiting for every sender: one that skips strands the last receive.
int leaky_all_results_one_skips() {
  boost::fibers::buffered_channel<int> ch(16);
  for (int i = 0; i < 8; ++i)
    std::thread([&ch, i] {
      if (!healthy(i))
        return;
      ch.push(query(i));
    }).detach();
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    int v;
    ch.pop(v);
    sum += v;
  }
  return sum;
  // CHECK-NOTES: :[[@LINE-4]]:5: warning: receive from 'ch' blocks forever: 'lambda' can leave without sending to or closing 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-11]]:9: note: the thread returns here without sending to or closing 'ch'
}
