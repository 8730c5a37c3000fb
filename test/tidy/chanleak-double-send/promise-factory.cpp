// A function that makes a promise, hands its future back and starts the
// thread that sets it: every call makes a promise of its own, so two calls
// whose threads each set their own promise once set nothing twice. A thread
// that sets its promise twice, or two threads of one call that both set it,
// still do.
// RUN: %check_chanleak_tidy %s chanleak-double-send %t
#include <future>
#include <memory>
#include <thread>

std::future<int> submit(int job) {
  auto done = std::make_shared<std::promise<int>>();
  auto fut = done->get_future();
  std::thread([done, job] { done->set_value(job * 2); }).detach();
  return fut;
}

int submit_two() {
  auto a = submit(1);
  auto b = submit(2);
  return a.get() + b.get();
}

std::future<int> lookup(int key) {
  auto done = std::make_shared<std::promise<int>>();
  auto fut = done->get_future();
  std::thread([done, key] {
    for (int i = 0; i < 3; ++i) {
      if (i == key) {
        done->set_value(-1);
        break;
      }
    }
    done->set_value(key);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second set_value on 'done' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-6]]:9: note: first set_value on 'done' here; this branch goes on without returning
    // CHECK-NOTES: :[[@LINE-10]]:3: note: thread spawned here
  }).detach();
  return fut;
}

int lookup_two() {
  auto a = lookup(1);
  auto b = lookup(2);
  return a.get() + b.get();
}

std::future<int> race(int x) {
  auto done = std::make_shared<std::promise<int>>();
  auto fut = done->get_future();
  for (int i = 0; i < 2; ++i)
    std::thread([done, x] { done->set_value(x); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:29: warning: second set_value on 'done' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-2]]:29: note: first set_value on 'done' here, by another thread of the same spawn
  // CHECK-NOTES: :[[@LINE-3]]:5: note: thread spawned here, once per loop iteration
  return fut;
}

int race_two() {
  auto a = race(1);
  auto b = race(2);
  return a.get() + b.get();
}
