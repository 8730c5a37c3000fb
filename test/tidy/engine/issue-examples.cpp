// Three answers the engine must get right, each with its fixed twin: a
// handle reassigned before the spawn names its last target, a loop's count
// follows its step, and a receive moved into a helper that may return early
// is judged as if it were written inline.
// RUN: %check_chanleak_tidy %s chanleak-early-return,chanleak-take-first %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

// --- objects, not declarations -----------------------------------------------
// p names b when the thread starts: the receive from b rescues it.
void fixed_reassigned_pointer() {
  IntChan a, b;
  IntChan *p = &a;
  p = &b;
  std::thread([p] { p->push(1); }).detach();
  int v;
  b.pop(v);
}

// p still names a when the thread starts; reassigning it later changes
// nothing for the thread: the receive through p takes b's value, and nobody
// receives from a.
void leaky_pointer_reassigned_after_spawn() {
  IntChan a, b;
  IntChan *p = &a;
  std::thread([p] { p->push(1); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:21: warning: send on 'a' blocks forever: 'leaky_pointer_reassigned_after_spawn' can leave without receiving from 'a' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'a'
  std::thread([&b] { b.push(2); }).detach();
  p = &b;
  int v;
  p->pop(v);
  // CHECK-NOTES: :[[@LINE+1]]:1: note: 'leaky_pointer_reassigned_after_spawn' ends here without receiving from 'a'
}

// --- trip counts from the step ------------------------------------------------
// i = 0, 2: two senders, one receive.
void leaky_step_two() {
  IntChan ch;
  for (int i = 0; i < 4; i += 2)
    std::thread([&ch] { ch.push(1); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:25: warning: send on 'ch' blocks forever: 2 sends on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-2]]:5: note: thread spawned here, 2 times in a loop; it sends on 'ch'
  int v;
  ch.pop(v);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: the only receive from 'ch'
}

void fixed_step_two() {
  IntChan ch;
  for (int i = 0; i < 4; i += 2)
    std::thread([&ch] { ch.push(1); }).detach();
  int v;
  ch.pop(v);
  ch.pop(v);
}

// --- a helper's early return ---------------------------------------------------
bool maybe_recv(IntChan &ch, bool f);

void leaky_helper_may_skip(bool f) {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:23: warning: send on 'ch' blocks forever: 'leaky_helper_may_skip' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'ch'
  maybe_recv(ch, f);
}

bool maybe_recv(IntChan &ch, bool f) {
  if (f)
    return false;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_helper_may_skip' returns here without receiving from 'ch'
  int v;
  ch.pop(v);
  return true;
}

bool always_recv(IntChan &ch, bool f) {
  int v;
  ch.pop(v);
  return !f;
}

void fixed_helper_always_receives(bool f) {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  always_recv(ch, f);
}
