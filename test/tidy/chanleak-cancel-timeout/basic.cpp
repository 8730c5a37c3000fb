// chanleak-cancel-timeout: the parent waits with a deadline (or checks for
// cancellation), gives up and leaves; the child's later send blocks forever.
// Run together with chanleak-early-return: each path is reported by one
// check only.
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
using boost::fibers::channel_op_status;

int slow_lookup();
void use(int);

// --- pop_wait_for -----------------------------------------------------------
int leaky_pop_wait_for() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach(); // #s1
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout) // #g1
    return -1; // #r1
  return v;
  // CHECK-NOTES: :[[@LINE-5]]:23: warning: send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-5]]:7: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-5]]:5: note: 'leaky_pop_wait_for' returns here without receiving from 'ch'
}

// buffered_channel(2) holds the one value: the late send completes.
int fixed_buffered() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
    return -1;
  return v;
}

// A jthread's destructor then joins the stranded sender: the function hangs.
int leaky_pop_wait_for_jthread() {
  IntChan ch;
  std::jthread sender([&ch] { ch.push(slow_lookup()); });
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
    return -1;
  return v;
  // CHECK-NOTES: :[[@LINE-5]]:31: warning: send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-6]]:16: note: thread spawned here; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-5]]:7: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-5]]:5: note: 'leaky_pop_wait_for_jthread' returns here without receiving from 'ch'
  // CHECK-NOTES: :[[@LINE-9]]:16: note: the destructor of 'sender' then waits forever for the stranded thread
}

int fixed_pop_wait_for_jthread() {
  boost::fibers::buffered_channel<int> ch{2};
  std::jthread sender([&ch] { ch.push(slow_lookup()); });
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
    return -1;
  return v;
}

// Closing on the timeout path, or receiving anyway: see timed-recv-succeeds.cpp.

// --- try_pop: a poll that gives up at once ----------------------------------
int leaky_try_pop() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] { ch.push(1); ch.push(2); }).detach(); // #s2
  int v;
  if (ch.try_pop(v) != channel_op_status::success) // #g2
    return -1; // #r2
  use(v);
  ch.pop(v);
  return v;
  // The first push fits in the one-value buffer; the second blocks.
  // CHECK-NOTES: :[[@LINE-8]]:35: warning: send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-9]]:3: note: thread spawned here; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-8]]:7: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-8]]:5: note: 'leaky_try_pop' returns here without receiving from 'ch'
}

// --- a stop_token checked by the parent --------------------------------------
int leaky_stop_requested(std::stop_token stop) {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach(); // #s3
  if (stop.stop_requested()) // #g3
    return -1; // #r3
  int v;
  ch.pop(v);
  return v;
  // CHECK-NOTES: :[[@LINE-6]]:23: warning: send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-7]]:7: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-7]]:5: note: 'leaky_stop_requested' returns here without receiving from 'ch'
}

int fixed_stop_checked_before_spawn(std::stop_token stop) {
  if (stop.stop_requested())
    return -1;
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  ch.pop(v);
  return v;
}

// --- helper, shared_ptr, escapes, suppressions ----------------------------------
void answer(std::shared_ptr<IntChan> out) { out->push(slow_lookup()); } // #s4
int leaky_helper_shared() {
  auto ch = std::make_shared<IntChan>();
  std::thread(answer, ch).detach(); // #t4
  int v;
  if (ch->pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success) // #g4
    return -1; // #r4
  return v;
  // CHECK-NOTES: :[[@LINE-8]]:45: warning: send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-5]]:7: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-5]]:5: note: 'leaky_helper_shared' returns here without receiving from 'ch'
}

void keep(std::shared_ptr<IntChan> ch); // not visible: may receive later
int escapes_to_opaque() {
  auto ch = std::make_shared<IntChan>();
  std::thread([ch] { ch->push(slow_lookup()); }).detach();
  int v;
  if (ch->pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success) {
    keep(ch);
    return -1;
  }
  return v;
}

int suppressed() {
  IntChan a, b;
  std::thread([&a] { a.push(slow_lookup()); }).detach(); // NOLINT(chanleak-cancel-timeout)
  std::thread([&b] {
    [[clang::suppress("chanleak-cancel-timeout")]] b.push(slow_lookup());
  }).detach();
  int v;
  if (a.pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success)
    return -1;
  if (b.pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success)
    return -1;
  return v;
}
