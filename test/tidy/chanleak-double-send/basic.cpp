// chanleak-double-send: an error branch sends and forgets to return, then
// the normal path sends again. On a channel whose receiver takes one value
// the second send blocks; on a std::promise it throws.
// RUN: %check_chanleak_tidy %s chanleak-double-send %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool failed();
int compute();

// --- channels --------------------------------------------------------------
int leaky_channel() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second send on 'ch' blocks forever: the receiver takes only 1 value [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first send here; this branch goes on without returning
  }).detach();
  // CHECK-NOTES: :[[@LINE-8]]:3: note: thread spawned here; it sends on 'ch'
  int v;
  ch.pop(v);
  return v;
}
// CHECK-FIXES:      ch.push(-1); return;

int fixed_channel_return() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
      return;
    }
    ch.push(compute());
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

int fixed_channel_else() {
  IntChan ch;
  std::thread([&ch] {
    if (failed())
      ch.push(-1);
    else
      ch.push(compute());
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

// The receiver takes both values.
int fixed_two_receives() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
  }).detach();
  int a, b;
  ch.pop(a);
  ch.pop(b);
  return a + b;
}

// buffered_channel(4) holds three values: the extra send fits.
int fixed_buffered() {
  boost::fibers::buffered_channel<int> ch{4};
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

// The receiver loops until close: it takes every value.
void fixed_receive_loop() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
    ch.close();
  }).detach();
  int v;
  while (ch.pop(v) == boost::fibers::channel_op_status::success) {
  }
}

// An unbraced branch: adding `return;` needs braces, so no fix-it.
int leaky_unbraced() {
  IntChan ch;
  std::thread([&ch] {
    if (failed())
      ch.push(-2);
    ch.push(compute());
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second send on 'ch' blocks forever: the receiver takes only 1 value [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-3]]:7: note: first send here; this branch goes on without returning
  }).detach();
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it sends on 'ch'
  int v;
  ch.pop(v);
  return v;
}
// CHECK-FIXES:      ch.push(-2);

// --- std::promise --------------------------------------------------------------
std::future<int> leaky_promise() {
  std::promise<int> done;
  auto result = done.get_future();
  std::thread([done = std::move(done)]() mutable {
    if (failed()) {
      done.set_value(-1);
    }
    done.set_value(compute());
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second set_value on 'done' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first set_value on 'done' here; this branch goes on without returning
  }).detach();
  // CHECK-NOTES: :[[@LINE-8]]:3: note: thread spawned here
  return result;
}
// CHECK-FIXES:      done.set_value(-1); return;

std::future<int> fixed_promise() {
  std::promise<int> done;
  auto result = done.get_future();
  std::thread([done = std::move(done)]() mutable {
    if (failed()) {
      done.set_value(-1);
      return;
    }
    done.set_value(compute());
  }).detach();
  return result;
}

// A spawned function that returns a value: `return;` would not compile, so
// there is a finding but no fix-it.
int send_twice_value(std::promise<int> &p) {
  if (failed()) {
    p.set_value(-3);
  }
  p.set_value(1);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: second set_value on 'p' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-4]]:5: note: first set_value on 'p' here; this branch goes on without returning
  return 0;
}
// CHECK-FIXES:    p.set_value(-3);
int leaky_promise_nonvoid() {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread t(send_twice_value, std::ref(p));
  // CHECK-NOTES: :[[@LINE-1]]:15: note: thread spawned here
  t.join();
  return f.get();
}

// buffered_channel(2) holds one value and the receiver takes one: the third
// send is the one that blocks, and is called so.
int leaky_third_send() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] {
    ch.push(1);
    ch.push(2);
    ch.push(3);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: third send on 'ch' blocks forever: the receiver takes only 1 value [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:5: note: first send here; this branch goes on without returning
  }).detach();
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it sends on 'ch'
  int v;
  ch.pop(v);
  return v;
}

int fixed_third_send_received() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] {
    ch.push(1);
    ch.push(2);
    ch.push(3);
  }).detach();
  int v, w;
  ch.pop(v);
  ch.pop(w);
  return v + w;
}
