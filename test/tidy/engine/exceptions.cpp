// An exception runs the destructors of the objects alive where it leaves a
// function, and goes on through its callers' destructors: a guard declared
// before the throw (here, or in a caller of the function that throws) closes
// the channel; one declared after it does not.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t
// RUN: %check_chanleak_tidy -check-suffix=EARLY %s chanleak-early-return %t

#include <boost/fiber/unbuffered_channel.hpp>
#include <iostream>
#include <stdexcept>
#include <thread>

using Chan = boost::fibers::unbuffered_channel<int>;
using boost::fibers::channel_op_status;
bool bad();

struct Closer {
  Chan &ch;
  ~Closer() { ch.close(); }
};

void push_checked(Chan &ch, int v) {
  if (v < 0)
    throw std::invalid_argument("negative");
  ch.push(v);
}

void leaky_throw_before_the_guard() {
  Chan ch;
  std::thread([&ch] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
      // CHECK-NOTES: :[[@LINE-1]]:12: warning: receive loop over 'ch' never ends: 'ch' is not closed on every path [chanleak-range-without-close]
    }
  }).detach();
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it receives from 'ch'
  if (bad())
    throw std::runtime_error("bad");
  // CHECK-NOTES: :[[@LINE-1]]:5: note: exception thrown here leaves 'leaky_throw_before_the_guard' without closing 'ch'
  Closer closer{ch};
  ch.push(1);
}

void fixed_guard_runs_on_throw() {
  Chan ch;
  std::thread([&ch] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
    }
  }).detach();
  Closer closer{ch};
  if (bad())
    throw std::runtime_error("bad");
  ch.push(1);
}

void leaky_callee_throws_before_the_guard(int n) {
  Chan ch;
  std::thread([&ch] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
      // CHECK-NOTES: :[[@LINE-1]]:12: warning: receive loop over 'ch' never ends: 'ch' is not closed on every path [chanleak-range-without-close]
    }
  }).detach();
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it receives from 'ch'
  push_checked(ch, n);
  // The exception leaves from push_checked's throw, line 25.
  // CHECK-NOTES: :25:5: note: exception thrown here in 'push_checked' propagates without closing 'ch'
  Closer closer{ch};
}

void fixed_guard_runs_when_a_callee_throws(int n) {
  Chan ch;
  std::thread([&ch] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
    }
  }).detach();
  Closer closer{ch};
  push_checked(ch, n);
}

void fixed_callee_throw_caught_here(int n) {
  Chan ch;
  std::thread([&ch] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
    }
  }).detach();
  try {
    push_checked(ch, n);
  } catch (const std::exception &) {
  }
  ch.close();
}

// A consumer that stops at the first exception. Its own code may throw (the
// adversary's choice); the standard library's output is not an error path.
void Process(int v);

void leaky_consumer_stops_on_its_own_error() {
  Chan ch;
  std::thread([&ch] {
    for (int i = 0; i < 3; ++i)
      ch.push(i);
    // CHECK-NOTES-EARLY: :[[@LINE-1]]:7: warning: send on 'ch' blocks forever: 'leaky_consumer_stops_on_its_own_error' can leave without receiving from 'ch' [chanleak-early-return]
    ch.close();
  }).detach();
  // CHECK-NOTES-EARLY: :[[@LINE-6]]:3: note: thread spawned here
  try {
    int v;
    while (ch.pop(v) == channel_op_status::success)
      Process(v);
  } catch (const std::exception &) {
  }
}
// CHECK-NOTES-EARLY: :[[@LINE-1]]:1: note: 'leaky_consumer_stops_on_its_own_error' ends here without receiving from 'ch'

void fixed_consumer_only_prints() {
  Chan ch;
  std::thread([&ch] {
    for (int i = 0; i < 3; ++i)
      ch.push(i);
    ch.close();
  }).detach();
  try {
    int v;
    while (ch.pop(v) == channel_op_status::success)
      std::cout << v << std::endl;
  } catch (const std::exception &) {
  }
}

// The parent waits for a value its worker skips when its own code throws.
void leaky_worker_skips_its_send() {
  Chan ch;
  std::thread([&ch] {
    try {
      Process(1);
      ch.push(1);
    } catch (const std::exception &) {
    }
  }).detach();
  int v;
  ch.pop(v);
  // CHECK-NOTES-EARLY: :[[@LINE-1]]:3: warning: receive from 'ch' blocks forever: 'lambda' can leave without sending to or closing 'ch' [chanleak-early-return]
  // CHECK-NOTES-EARLY: :[[@LINE-4]]:3: note: the thread ends here without sending to or closing 'ch'
}

void fixed_worker_sends_either_way() {
  Chan ch;
  std::thread([&ch] {
    try {
      Process(1);
      ch.push(1);
    } catch (const std::exception &) {
      ch.push(-1);
    }
  }).detach();
  int v;
  ch.pop(v);
}

// A helper that only validates, and throws, is a way out of its caller too.
void validate(int n) {
  if (n < 0)
    throw std::invalid_argument("negative"); // #validate-throw
}

int leaky_validate_after_the_spawn(int n) {
  Chan ch;
  std::thread([&ch, n] { ch.push(n * 2); }).detach();
  // CHECK-NOTES-EARLY: :[[@LINE-1]]:26: warning: send on 'ch' blocks forever: 'leaky_validate_after_the_spawn' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-NOTES-EARLY: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'ch'
  // CHECK-NOTES-EARLY: :[[@LINE-8]]:5: note: exception thrown here in 'validate' propagates without receiving from 'ch'
  validate(n);
  int v = 0;
  ch.pop(v);
  return v;
}

int fixed_validate_before_the_spawn(int n) {
  validate(n);
  Chan ch;
  std::thread([&ch, n] { ch.push(n * 2); }).detach();
  int v = 0;
  ch.pop(v);
  return v;
}
