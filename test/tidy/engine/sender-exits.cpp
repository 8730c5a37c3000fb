// How a sender leaves decides whether its receiver is stranded. An exception
// leaving a std::thread (or a fiber) ends the program: it strands nobody. A
// return before the send does. A send with a deadline of its own gives up
// by design, and a receiver that outlives it is not reported.
// RUN: %check_chanleak_tidy %s chanleak-early-return,chanleak-cancel-timeout %t -- -- -I%S/../Inputs
#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
bool bad();

int fixed_sender_throws() {
  IntChan ch;
  std::thread([&ch] {
    if (bad())
      throw 1;
    ch.push(1);
  }).detach();
  int v = 0;
  ch.pop(v);
  return v;
}

int leaky_sender_returns() {
  IntChan ch;
  std::thread([&ch] {
    if (bad())
      return;
    ch.push(1);
  }).detach();
  int v = 0;
  ch.pop(v);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: receive from 'ch' blocks forever: 'lambda' can leave without sending to or closing 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-6]]:7: note: the thread returns here without sending to or closing 'ch'
  return v;
}

int fixed_sender_with_its_own_deadline() {
  IntChan ch;
  boost::fibers::fiber f([&ch] { ch.push_wait_for(1, 1000); });
  int v = 0;
  ch.pop(v);
  f.join();
  return v;
}
