// A thread started by a factory that returns its handle
// (`std::jthread w = make_sender(slot)`) is the thread the caller's handle
// joins: the handle's destructor requests stop and joins it, so a sender that
// checks its token after giving up is not stranded.
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout %t -- -- -std=c++20
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  bool taken = false;
};

int compute();

// The sender hands its value over and waits until it is taken.
void hand_over(Slot &s) {
  std::unique_lock<std::mutex> lk(s.mu);
  s.full = true;
  s.cv.notify_all();
  s.cv.wait(lk, [&] { return s.taken; });
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: wait on 'cv' blocks forever once the waiter gives up: nobody is left notifying 'cv' after the timeout or cancellation [chanleak-cancel-timeout]
}

std::atomic<bool> backend_ready{false};
void make_ready() { backend_ready = true; } // called by code not shown here

// It waits for the backend or for its caller to give up, and looks again
// before it hands over.
std::jthread make_checking_sender(Slot &s) {
  return std::jthread([&s](std::stop_token st) {
    while (!backend_ready.load() && !st.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (st.stop_requested())
      return; // the caller gave up
    hand_over(s);
  });
}

std::jthread make_sender(Slot &s) {
  return std::jthread([&s](std::stop_token) {
    // CHECK-NOTES: :[[@LINE-1]]:10: note: thread spawned here; it waits on 'cv'
    compute();
    hand_over(s);
  });
}

int wait_briefly(Slot &s) {
  std::unique_lock<std::mutex> lk(s.mu);
  if (!s.cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return s.full; }))
    // CHECK-NOTES: :[[@LINE-1]]:8: note: the wait can give up here
    return -1;
  s.taken = true;
  s.cv.notify_all();
  return 0;
}

int fixed_sender_checks_its_token() {
  Slot s;
  std::jthread sender = make_checking_sender(s);
  return wait_briefly(s);
}

int leaky_sender_ignores_its_token() {
  Slot s;
  std::jthread sender = make_sender(s);
  return wait_briefly(s);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'leaky_sender_ignores_its_token' returns here without notifying 'cv'
}
