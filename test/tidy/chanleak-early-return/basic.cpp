// chanleak-early-return on Boost.Fiber channels (mock header) and std
// spawners: leaky forms, their fixed twins, capacity, aliases, helpers.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
using Buffered = boost::fibers::buffered_channel<int>;

bool bad();
int compute();
void may_throw();

// --- return before the receive -------------------------------------------
void leaky_return() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  // CHECK-NOTES: :[[@LINE-1]]:25: warning: send on 'ch' blocks forever: 'leaky_return' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:15: note: thread spawned here; it sends on 'ch'
  t.detach();
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_return' returns here without receiving from 'ch'
  int v;
  ch.pop(v);
}

void fixed_return() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  int v;
  ch.pop(v);
  if (bad())
    return;
}

// --- throw before the receive --------------------------------------------
void leaky_throw() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  // CHECK-NOTES: :[[@LINE-1]]:25: warning: send on 'ch' blocks forever: 'leaky_throw' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:15: note: thread spawned here; it sends on 'ch'
  t.detach();
  if (bad())
    throw std::runtime_error("bad");
  // CHECK-NOTES: :[[@LINE-1]]:5: note: exception thrown here leaves 'leaky_throw' without receiving from 'ch'
  int v;
  ch.pop(v);
}

void fixed_throw() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  int v;
  ch.pop(v);
  if (bad())
    throw std::runtime_error("bad");
}

// --- a call that may throw, when this function catches it -----------------
int leaky_caught() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  // CHECK-NOTES: :[[@LINE-1]]:25: warning: send on 'ch' blocks forever: 'leaky_caught' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:15: note: thread spawned here; it sends on 'ch'
  t.detach();
  try {
    may_throw();
    int v;
    ch.pop(v);
    return v;
  } catch (...) {
    return -1;
    // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_caught' returns here without receiving from 'ch'
  }
}

// No handler here: an exception from may_throw() leaves every caller's
// frame too, which is not a path this function chooses.
int fixed_uncaught() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  may_throw();
  int v;
  ch.pop(v);
  return v;
}

// --- closing a Boost.Fiber channel wakes the sender ------------------------
void fixed_close() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  if (bad()) {
    ch.close();
    return;
  }
  int v;
  ch.pop(v);
}

// --- capacity --------------------------------------------------------------
// buffered_channel(2) holds only one value: see capacity-boost-buffered.cpp.
// buffered_channel(4) holds three: both pushes fit.
void fixed_capacity_four() {
  Buffered ch{4};
  std::thread t([&ch] {
    ch.push(1);
    ch.push(2);
  });
  t.detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
  ch.pop(v);
}

// try_push never blocks.
void fixed_try_push() {
  Buffered ch{2};
  std::thread t([&ch] { ch.try_push(1); });
  t.detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// --- the channel through a shared_ptr, an alias, a helper ------------------
void leaky_shared_ptr() {
  auto p = std::make_shared<IntChan>();
  std::thread([p] { p->push(compute()); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:21: warning: send on 'p' blocks forever: 'leaky_shared_ptr' can leave without receiving from 'p' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'p'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_shared_ptr' returns here without receiving from 'p'
  int v = p->value_pop();
  (void)v;
}

void fixed_shared_ptr() {
  auto p = std::make_shared<IntChan>();
  auto q = p;
  std::thread([q] { q->push(compute()); }).detach();
  int v = p->value_pop();
  if (bad())
    return;
  (void)v;
}

void leaky_alias() {
  IntChan ch;
  IntChan &alias = ch;
  std::thread([&alias] { alias.push(1); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:26: warning: send on 'ch' blocks forever: 'leaky_alias' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'ch'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_alias' returns here without receiving from 'ch'
  int v;
  ch.pop(v);
}

void fixed_alias() {
  IntChan ch;
  IntChan *alias = &ch;
  std::thread([alias] { alias->push(1); }).detach();
  int v;
  ch.pop(v);
  if (bad())
    return;
}

// A helper of this translation unit, taking the channel by reference.
void produce(IntChan &out) { out.push(compute()); }
// CHECK-NOTES: :[[@LINE-1]]:30: warning: send on 'ch' blocks forever: 'leaky_helper_thread_arg' can leave without receiving from 'ch' [chanleak-early-return]

void leaky_helper_thread_arg() {
  IntChan ch;
  std::thread t(produce, std::ref(ch));
  // CHECK-NOTES: :[[@LINE-1]]:15: note: thread spawned here; it sends on 'ch'
  t.detach();
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_helper_thread_arg' returns here without receiving from 'ch'
  int v;
  ch.pop(v);
}

// A helper called from the spawned lambda. (Each function gets its own
// helper: a finding is reported once per location.)
void produce_too(IntChan &out) { out.push(compute()); }
void fixed_helper_in_lambda() {
  IntChan ch;
  std::thread([&ch] { produce_too(ch); }).detach();
  int v;
  ch.pop(v);
}

// The receive happens in a helper of the parent.
int consume(IntChan &in) {
  int v;
  in.pop(v);
  return v;
}
void fixed_helper_receives() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  int v = consume(ch);
  if (v < 0)
    return;
}

// --- other spawners ----------------------------------------------------------
void leaky_jthread() {
  IntChan ch;
  std::jthread worker([&ch] { ch.push(1); });
  // CHECK-NOTES: :[[@LINE-1]]:31: warning: send on 'ch' blocks forever: 'leaky_jthread' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:16: note: thread spawned here; it sends on 'ch'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_jthread' returns here without receiving from 'ch'
  // CHECK-NOTES: :[[@LINE-6]]:16: note: the destructor of 'worker' then waits forever for the stranded thread
  int v;
  ch.pop(v);
}

void leaky_fiber() {
  IntChan ch;
  boost::fibers::fiber f([&ch] { ch.push(1); });
  // CHECK-NOTES: :[[@LINE-1]]:34: warning: send on 'ch' blocks forever: 'leaky_fiber' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:24: note: thread spawned here; it sends on 'ch'
  f.detach();
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_fiber' returns here without receiving from 'ch'
  int v;
  ch.pop(v);
}

void leaky_async() {
  IntChan ch;
  auto fut = std::async(std::launch::async, [&ch] { ch.push(1); return 0; });
  // CHECK-NOTES: :[[@LINE-1]]:53: warning: send on 'ch' blocks forever: 'leaky_async' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:14: note: thread spawned here; it sends on 'ch'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_async' returns here without receiving from 'ch'
  // CHECK-NOTES: :[[@LINE-6]]:8: note: the destructor of 'fut' then waits forever for the stranded thread
  int v;
  ch.pop(v);
}

// launch::deferred runs the task on the caller's thread, at get(): no thread.
void fixed_async_deferred() {
  IntChan ch;
  auto fut = std::async(std::launch::deferred, [&ch] { ch.push(1); return 0; });
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// A member function spawned on this object, handed the channel.
struct Service {
  void Produce(IntChan &out) { out.push(2); }
  // CHECK-NOTES: :[[@LINE-1]]:32: warning: send on 'ch' blocks forever: 'Service::Run' can leave without receiving from 'ch' [chanleak-early-return]
  void Run() {
    IntChan ch;
    std::thread(&Service::Produce, this, std::ref(ch)).detach();
    // CHECK-NOTES: :[[@LINE-1]]:5: note: thread spawned here; it sends on 'ch'
    if (bad())
      return;
    // CHECK-NOTES: :[[@LINE-1]]:7: note: 'Service::Run' returns here without receiving from 'ch'
    int v;
    ch.pop(v);
  }
};
