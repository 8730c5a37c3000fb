// A hand-written queue blocks inside its own methods. Each call of such a
// method that blocks forever is a leak of its own, reported at the call,
// with the wait inside the method as the first note.
// RUN: %check_chanleak_tidy %s chanleak-early-return,chanleak-take-first %t
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

// Room for one item.
class Slot {
public:
  void push(int v) {
    std::unique_lock<std::mutex> lk(mu_);
    room_.wait(lk, [&] { return items_.empty(); });
    items_.push_back(v);
    ready_.notify_one();
  }
  int pop() {
    std::unique_lock<std::mutex> lk(mu_);
    ready_.wait(lk, [&] { return !items_.empty(); });
    int v = items_.front();
    items_.pop_front();
    room_.notify_one();
    return v;
  }

private:
  std::mutex mu_;
  std::condition_variable room_, ready_;
  std::deque<int> items_;
};

int Header(int key);
int Body(int key);

int Lookup(int key) {
  auto answers = std::make_shared<Slot>();
  std::thread([answers, key] {
    answers->push(Header(key));
    answers->push(Body(key));
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'room_' blocks forever: 'Lookup' can leave without notifying 'room_' [chanleak-early-return]
    // CHECK-NOTES: :16:5: note: inside 'Slot::push', it waits on 'room_' here
    // CHECK-NOTES: :[[@LINE-5]]:3: note: thread spawned here; it waits on 'room_'
  }).detach();
  if (key < 0)
    return -1;
    // CHECK-NOTES: :[[@LINE-1]]:5: note: 'Lookup' returns here without notifying 'room_'
  return answers->pop() + answers->pop();
}

// Another user of the same queue, leaking the same way: a finding of its own.
int Fetch(int key) {
  auto answers = std::make_shared<Slot>();
  std::thread([answers, key] {
    answers->push(Header(key));
    answers->push(Body(key));
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'room_' blocks forever: 'Fetch' can leave without notifying 'room_' [chanleak-early-return]
    // CHECK-NOTES: :16:5: note: inside 'Slot::push', it waits on 'room_' here
    // CHECK-NOTES: :[[@LINE-5]]:3: note: thread spawned here; it waits on 'room_'
  }).detach();
  if (key == 0)
    return 0;
    // CHECK-NOTES: :[[@LINE-1]]:5: note: 'Fetch' returns here without notifying 'room_'
  return answers->pop() + answers->pop();
}

// Fixed: both items are taken on every path.
int LookupAlways(int key) {
  auto answers = std::make_shared<Slot>();
  std::thread([answers, key] {
    answers->push(Header(key));
    answers->push(Body(key));
  }).detach();
  int sum = answers->pop() + answers->pop();
  if (key < 0)
    return -1;
  return sum;
}
