// Condition-variable protocols: a waiter is rescued only by a thread that makes
// its predicate true and then notifies; each leaky form has a silent fixed twin.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
// RUN: %check_chanleak_tidy -check-suffix=TAKE %s chanleak-take-first %t -- -- -std=c++20
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

bool bad();

// --- a flag the waiter's predicate reads --------------------------------------
void leaky_flag_skipped_by_early_return() {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::jthread worker([&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return ready; });
  });
  if (bad())
    return;
  {
    std::lock_guard<std::mutex> lk(m);
    ready = true;
  }
  cv.notify_one();
}

void fixed_flag_set_on_every_path() {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::jthread worker([&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return ready; });
  });
  {
    std::lock_guard<std::mutex> lk(m);
    ready = true;
  }
  cv.notify_one();
  if (bad())
    return;
}

// --- the lost wakeup ------------------------------------------------------------
void leaky_flag_written_without_the_mutex() {
  std::mutex m;
  std::condition_variable cv;
  std::atomic<bool> done{false};
  std::thread worker([&] {
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [&] { return done.load(); });
  lk.unlock();
  worker.join();
}

void fixed_flag_written_under_the_mutex() {
  std::mutex m;
  std::condition_variable cv;
  std::atomic<bool> done{false};
  std::thread worker([&] {
    {
      std::lock_guard<std::mutex> g(m);
      done = true;
    }
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [&] { return done.load(); });
  lk.unlock();
  worker.join();
}

// --- notify_one with two waiters ---------------------------------------------
void leaky_notify_one_two_waiters() {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  auto wait_open = [&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return open; });
  };
  std::jthread a(wait_open), b(wait_open);
  {
    std::lock_guard<std::mutex> lk(m);
    open = true;
  }
  cv.notify_one();
}

void fixed_notify_all_two_waiters() {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  auto wait_open = [&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return open; });
  };
  std::jthread a(wait_open), b(wait_open);
  {
    std::lock_guard<std::mutex> lk(m);
    open = true;
  }
  cv.notify_all();
}

// --- a counter the last worker brings to zero -------------------------------
void leaky_count_skipped_by_continue(int n) {
  std::mutex m;
  std::condition_variable cv;
  int pending = 2;
  auto step = [&](int i) {
    if (i == n)
      return; // skips the decrement
    std::lock_guard<std::mutex> lk(m);
    --pending;
    cv.notify_all();
  };
  std::thread t1(step, 0), t2(step, 1);
  {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return pending == 0; });
  }
  t1.join();
  t2.join();
}


// --- a bound the constructor takes from its argument ---------------------------
// `Handoff h{0}` makes `cap` 0: the sender waits until its value is taken.
struct Handoff {
  explicit Handoff(long capacity) : cap(capacity) {}
  std::mutex m;
  std::condition_variable cv;
  long queued = 0;
  long cap;
};

void leaky_handoff_capacity_from_constructor() {
  Handoff h{0};
  std::jthread sender([&h] {
    std::unique_lock<std::mutex> lk(h.m);
    ++h.queued;
    h.cv.notify_all();
    h.cv.wait(lk, [&] { return h.queued <= h.cap; });
  });
  if (bad())
    return;
  std::unique_lock<std::mutex> lk(h.m);
  h.cv.wait(lk, [&] { return h.queued > 0; });
  --h.queued;
  h.cv.notify_all();
}

void fixed_handoff_room_for_the_value() {
  Handoff h{1};
  std::jthread sender([&h] {
    std::unique_lock<std::mutex> lk(h.m);
    ++h.queued;
    h.cv.notify_all();
    h.cv.wait(lk, [&] { return h.queued <= h.cap; });
  });
  if (bad())
    return;
  std::unique_lock<std::mutex> lk(h.m);
  h.cv.wait(lk, [&] { return h.queued > 0; });
  --h.queued;
  h.cv.notify_all();
}


// The findings, by line:
// CHECK-NOTES: :19:5: warning: wait on 'cv' blocks forever: 'leaky_flag_skipped_by_early_return' can leave without notifying 'cv' [chanleak-early-return]
// CHECK-NOTES: :17:16: note: thread spawned here
// CHECK-NOTES: :22:5: note: 'leaky_flag_skipped_by_early_return' returns here without notifying 'cv'
// CHECK-NOTES: :17:16: note: the destructor of 'worker' then waits forever for the stranded thread
// CHECK-NOTES: :57:3: warning: wait on 'cv' blocks forever: its notify can come between the wait's check of the predicate and its sleep, because the predicate's state is written without holding the mutex [chanleak-early-return]
// CHECK-NOTES: :54:5: note: notified here, after a write made without the lock
// notify_one to several waiters is take-first's: N waiters, one wakeup.
// CHECK-NOTES-TAKE: :86:5: warning: wait on 'cv' blocks forever: notify_one wakes only one of the threads waiting for this state [chanleak-take-first]
// CHECK-NOTES-TAKE: :88:30: note: thread spawned here
// CHECK-NOTES-TAKE: :93:3: note: only one waiter is woken here
// CHECK-NOTES: :127:5: warning: wait on 'cv' blocks forever: 'lambda' can leave without notifying 'cv' [chanleak-early-return]
// CHECK-NOTES: :119:7: note: the thread returns here without notifying 'cv'
// CHECK-NOTES: :150:5: warning: wait on 'cv' blocks forever: 'leaky_handoff_capacity_from_constructor' can leave without notifying 'cv' [chanleak-early-return]
// CHECK-NOTES: :146:16: note: thread spawned here
// CHECK-NOTES: :153:5: note: 'leaky_handoff_capacity_from_constructor' returns here without notifying 'cv'
// CHECK-NOTES: :146:16: note: the destructor of 'sender' then waits forever for the stranded thread
