// A hand-made queue written as a class template: the engine reads the
// instantiation the program uses (`Slot<int>`), its predicates, its flag
// writes and its notifies, exactly as it reads a plain class.
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>

template <typename T> struct Slot {
  std::mutex mu;
  std::condition_variable not_full, not_empty;
  bool full = false, closed = false;
  T value{};
  bool push(T v) {
    std::unique_lock<std::mutex> lk(mu);
    not_full.wait(lk, [&] { return closed || !full; });
    if (closed)
      return false;
    value = v;
    full = true;
    not_empty.notify_one();
    return true;
  }
  bool pop_for(T &out, std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lk(mu);
    if (!not_empty.wait_for(lk, d, [&] { return full; }))
      return false;
    out = value;
    full = false;
    not_full.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lk(mu);
    closed = true;
    not_full.notify_all();
  }
};

// The reader gives up after its deadline and leaves; the second push waits
// for room nobody makes.
int FirstWithin(std::chrono::milliseconds d) {
  auto q = std::make_shared<Slot<int>>();
  auto producer = std::async(std::launch::async, [q] {
    q->push(1);
    q->push(2);
  });
  int v = -1;
  q->pop_for(v, d);
  return v;
}
// CHECK-NOTES: :18:5: warning: wait on 'not_full' blocks forever once the waiter gives up: nobody is left notifying 'not_full' after the timeout or cancellation [chanleak-cancel-timeout]
// CHECK-NOTES: :46:19: note: thread spawned here; it waits on 'not_full'
// CHECK-NOTES: :28:10: note: the wait can give up here
// CHECK-NOTES: :52:3: note: 'FirstWithin' returns here without notifying 'not_full'
// CHECK-NOTES: :46:8: note: the destructor of 'producer' then waits forever for the stranded thread

// Fixed: closing the slot sets `closed` and wakes the pending push, whose
// predicate now holds.
int FirstWithinThenClose(std::chrono::milliseconds d) {
  auto q = std::make_shared<Slot<int>>();
  auto producer = std::async(std::launch::async, [q] {
    q->push(1);
    q->push(2);
  });
  int v = -1;
  q->pop_for(v, d);
  q->close();
  return v;
}
