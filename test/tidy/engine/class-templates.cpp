// A hand-made queue written as a class template: the engine reads the
// instantiation the program uses (`Slot<int>`), its predicates, its flag
// writes and its notifies, exactly as it reads a plain class.
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t
#include <chrono>
#include <deque>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

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
// CHECK-NOTES: :50:5: warning: wait on 'not_full' blocks forever once the waiter gives up: nobody is left notifying 'not_full' after the timeout or cancellation [chanleak-cancel-timeout]
// CHECK-NOTES: :20:5: note: inside 'Slot<int>::push', it waits on 'not_full' here
// CHECK-NOTES: :48:19: note: thread spawned here; it waits on 'not_full'
// CHECK-NOTES: :30:10: note: the wait can give up here
// CHECK-NOTES: :54:3: note: 'FirstWithin' returns here without notifying 'not_full'
// CHECK-NOTES: :48:8: note: the destructor of 'producer' then waits forever for the stranded thread

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

// A member of a class template that the program never calls is never
// instantiated: it touches no member, so the members stay the class's own.
template <typename T> class Mailbox {
public:
  explicit Mailbox(std::size_t capacity) : capacity_(capacity) {}
  void put(T v) {
    std::unique_lock<std::mutex> lk(mu_);
    not_full_.wait(lk, [&] { return box_.size() < capacity_; });
    box_.push_back(v);
    not_empty_.notify_one();
  }
  bool offer(T v) {
    std::lock_guard<std::mutex> lk(mu_);
    if (box_.size() >= capacity_)
      return false;
    box_.push_back(v);
    not_empty_.notify_one();
    return true;
  }
  T take() {
    std::unique_lock<std::mutex> lk(mu_);
    not_empty_.wait(lk, [&] { return !box_.empty(); });
    T v = box_.front();
    box_.pop_front();
    not_full_.notify_one();
    return v;
  }

private:
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> box_;
};

// Three putters, one slot, one take: two putters wait for room forever.
int FirstAnswer() {
  auto answers = std::make_shared<Mailbox<int>>(1);
  for (int i = 0; i < 3; ++i)
    std::thread([answers, i] { answers->put(i); }).detach();
  return answers->take();
}
// CHECK-NOTES: :[[@LINE-3]]:32: warning: wait on 'not_full_' blocks forever: {{.*}} [chanleak-early-return]
// CHECK-NOTES: :84:5: note: inside 'Mailbox<int>::put', it waits on 'not_full_' here
// CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, 3 times in a loop; it waits on 'not_full_'
// CHECK-NOTES: :[[@LINE-5]]:3: note: 'FirstAnswer' returns here without notifying 'not_full_'

// Fixed: every answer is taken.
int AllAnswers() {
  auto answers = std::make_shared<Mailbox<int>>(1);
  for (int i = 0; i < 3; ++i)
    std::thread([answers, i] { answers->put(i); }).detach();
  int sum = 0;
  for (int i = 0; i < 3; ++i)
    sum += answers->take();
  return sum;
}
