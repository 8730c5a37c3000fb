// A loop that only sleeps until shared state changes is a poll: while its
// condition holds, its thread waits for another thread's write, and it
// cannot hold the others back by going round. Where the engine cannot read
// the condition, when the poll ends is a choice of timing, not a count of
// rounds. A condition of two tests (`a && b`) is one loop, not a loop
// entered again at each round.
// RUN: %check_chanleak_tidy %s chanleak-early-return,chanleak-take-first %t -- -- -std=c++20
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
};

std::atomic<bool> waiter_checked{false};
std::atomic<bool> published{false};
std::atomic<bool> unseen_flag{false};
void set_unseen_flag() { unseen_flag = true; } // nobody here calls it

void log_checked() { waiter_checked = true; }

// The waiter found the slot empty and logs before it sleeps; the parent
// polls until it has, then publishes without the mutex: its notify lands
// between the waiter's check and its sleep.
void leaky_publish_after_polling() {
  Slot s;
  std::jthread waiter([&] {
    std::unique_lock<std::mutex> lk(s.mu);
    while (!s.full) {
      log_checked();
      s.cv.wait(lk);
    }
  });
  while (!waiter_checked.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.full = true;
  s.cv.notify_one();
}
// CHECK-NOTES: :[[@LINE-8]]:7: warning: wait on 'cv' blocks forever: its notify can come between the wait's check of the predicate and its sleep, because the predicate's state is written without holding the mutex [chanleak-early-return]
// CHECK-NOTES: :[[@LINE-13]]:16: note: thread spawned here; it waits on 'cv'
// CHECK-NOTES: :[[@LINE-4]]:3: note: notified here, after a write made without the lock

void fixed_publish_under_the_mutex() {
  Slot s;
  std::jthread waiter([&] {
    std::unique_lock<std::mutex> lk(s.mu);
    while (!s.full) {
      log_checked();
      s.cv.wait(lk);
    }
  });
  while (!waiter_checked.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::lock_guard<std::mutex> g(s.mu);
    s.full = true;
  }
  s.cv.notify_one();
}

// The waiter also polls, between its check and its sleep, on a condition
// of two tests that the engine cannot fully read: it may leave the poll
// whenever it likes, and the lost notify is still lost.
void waiter_polls() {
  while (!published.load() && !unseen_flag.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void leaky_waiter_polls_before_sleeping() {
  Slot s;
  std::jthread waiter([&] {
    std::unique_lock<std::mutex> lk(s.mu);
    while (!s.full) {
      waiter_polls();
      s.cv.wait(lk);
    }
  });
  s.full = true;
  s.cv.notify_one();
  published = true;
}
// CHECK-NOTES: :[[@LINE-7]]:7: warning: wait on 'cv' blocks forever: its notify can come between the wait's check of the predicate and its sleep, because the predicate's state is written without holding the mutex [chanleak-early-return]
// CHECK-NOTES: :[[@LINE-12]]:16: note: thread spawned here; it waits on 'cv'
// CHECK-NOTES: :[[@LINE-5]]:3: note: notified here, after a write made without the lock

void fixed_waiter_polls_notify_under_the_mutex() {
  Slot s;
  std::jthread waiter([&] {
    std::unique_lock<std::mutex> lk(s.mu);
    while (!s.full) {
      waiter_polls();
      s.cv.wait(lk);
    }
  });
  {
    std::lock_guard<std::mutex> g(s.mu);
    s.full = true;
    s.cv.notify_one();
  }
  published = true;
}

// A worker polls a flag the engine cannot read, then hands a value over.
// Its poll may end late, after the parent has waited: nothing is stranded
// by a poll that runs as long as it needs.
void fixed_worker_polls_then_hands_over() {
  Slot s;
  std::jthread worker([&] {
    while (!unseen_flag.load() && !published.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::lock_guard<std::mutex> g(s.mu);
    s.full = true;
    s.cv.notify_all();
  });
  published = true;
  std::unique_lock<std::mutex> lk(s.mu);
  s.cv.wait(lk, [&] { return s.full; });
}
