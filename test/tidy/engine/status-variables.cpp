// A timed or try op's status kept in a variable (`got = cv.wait_for(...)`),
// or read inside a larger condition (`!ready && !st.stop_requested()`), is
// what every later branch on it reads: a waiter that gave up takes the
// give-up branches, however many there are.
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout %t -- -- -std=c++20
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  bool taken = false;
  bool closed = false;
};

int leaky_status_tested_twice() {
  auto s = std::make_shared<Slot>();
  std::thread([s] {
    std::unique_lock<std::mutex> lk(s->mu);
    s->full = true;
    s->cv.notify_all();
    s->cv.wait(lk, [&] { return s->taken || s->closed; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'cv' blocks forever once the waiter gives up: nobody is left notifying 'cv' after the timeout or cancellation [chanleak-cancel-timeout]
  }).detach();
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it waits on 'cv'
  bool got = false;
  {
    std::unique_lock<std::mutex> lk(s->mu);
    got = s->cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return s->full; });
    // CHECK-NOTES: :[[@LINE-1]]:11: note: the wait can give up here
    if (got) {
      s->taken = true;
      s->cv.notify_all();
    }
  }
  if (!got)
    return -1;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_status_tested_twice' returns here without notifying 'cv'
  return 0;
}

// The give-up branch closes the slot: the sender leaves either way.
int fixed_give_up_closes() {
  auto s = std::make_shared<Slot>();
  std::thread([s] {
    std::unique_lock<std::mutex> lk(s->mu);
    s->full = true;
    s->cv.notify_all();
    s->cv.wait(lk, [&] { return s->taken || s->closed; });
  }).detach();
  bool got = false;
  {
    std::unique_lock<std::mutex> lk(s->mu);
    got = s->cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return s->full; });
    if (got) {
      s->taken = true;
      s->cv.notify_all();
    }
  }
  if (!got) {
    std::lock_guard<std::mutex> lk(s->mu);
    s->closed = true;
    s->cv.notify_all();
    return -1;
  }
  return 0;
}

// The same status, declared with its value and tested through a comparison.
int leaky_status_declared() {
  auto s = std::make_shared<Slot>();
  std::thread([s] {
    std::unique_lock<std::mutex> lk(s->mu);
    s->full = true;
    s->cv.notify_all();
    s->cv.wait(lk, [&] { return s->taken; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'cv' blocks forever once the waiter gives up: nobody is left notifying 'cv' after the timeout or cancellation [chanleak-cancel-timeout]
  }).detach();
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it waits on 'cv'
  std::unique_lock<std::mutex> lk(s->mu);
  const bool got = s->cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return s->full; });
  // CHECK-NOTES: :[[@LINE-1]]:20: note: the wait can give up here
  const bool late = got == false;
  if (late)
    return -1;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_status_declared' returns here without notifying 'cv'
  s->taken = true;
  s->cv.notify_all();
  return 0;
}

// The sender is told to stop (its jthread's destructor) and then still
// waits for a taker: its polling loop ends on the stop request.
std::atomic<bool> backend_ready{false};
void make_ready() { backend_ready = true; }

int leaky_stop_ends_the_poll() {
  auto s = std::make_shared<Slot>();
  std::jthread sender([s](std::stop_token st) {
    while (!backend_ready.load() && !st.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::unique_lock<std::mutex> lk(s->mu);
    s->full = true;
    s->cv.notify_all();
    s->cv.wait(lk, [&] { return s->taken; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'cv' blocks forever once the waiter gives up: nobody is left notifying 'cv' after the timeout or cancellation [chanleak-cancel-timeout]
  });
  // CHECK-NOTES: :[[@LINE-9]]:16: note: thread spawned here; it waits on 'cv'
  std::unique_lock<std::mutex> lk(s->mu);
  if (!s->cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return s->full; }))
    // CHECK-NOTES: :[[@LINE-1]]:8: note: the wait can give up here
    return -1;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_stop_ends_the_poll' returns here without notifying 'cv'
  // CHECK-NOTES: :[[@LINE-15]]:16: note: the destructor of 'sender' then waits forever for the stranded thread
  s->taken = true;
  s->cv.notify_all();
  return 0;
}

// The sender checks the stop request again before it waits.
int fixed_stop_checked_before_the_wait() {
  auto s = std::make_shared<Slot>();
  std::jthread sender([s](std::stop_token st) {
    while (!backend_ready.load() && !st.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (st.stop_requested())
      return;
    std::unique_lock<std::mutex> lk(s->mu);
    s->full = true;
    s->cv.notify_all();
    s->cv.wait(lk, [&] { return s->taken; });
  });
  std::unique_lock<std::mutex> lk(s->mu);
  if (!s->cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return s->full; }))
    return -1;
  s->taken = true;
  s->cv.notify_all();
  return 0;
}
