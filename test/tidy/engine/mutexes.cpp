// A mutex is held by one thread at a time: a sender that found the slot
// empty writes it before any other sender can look, and a condition
// variable's wait gives the mutex back while it sleeps. Three senders share
// one slot; the parent takes what they put there.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
#include <condition_variable>
#include <mutex>
#include <thread>

struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
};

void put(Slot &s, int v) {
  std::unique_lock<std::mutex> lk(s.mu);
  s.cv.wait(lk, [&] { return !s.full; });
  s.value = v;
  s.full = true;
  s.cv.notify_all();
}

int take(Slot &s) {
  std::unique_lock<std::mutex> lk(s.mu);
  s.cv.wait(lk, [&] { return s.full; });
  s.full = false;
  s.cv.notify_all();
  return s.value;
}

bool bad();

// Every value put is taken: whatever the order the senders take the mutex
// in, none of them sees the slot empty while another fills it.
int fixed_every_value_taken() {
  Slot s;
  for (int id = 0; id < 3; ++id)
    std::thread([&s, id] { put(s, id); }).detach();
  int sum = 0;
  for (int j = 0; j < 3; ++j)
    sum += take(s);
  return sum;
}

// The parent leaves after two values: the third sender waits for an empty
// slot forever.
int leaky_one_value_left() {
  Slot s;
  for (int id = 0; id < 3; ++id)
    std::thread([&s, id] { put(s, id); }).detach();
  int sum = take(s);
  if (bad())
    return sum;
  for (int j = 0; j < 2; ++j)
    sum += take(s);
  return sum;
}
// CHECK-NOTES: :19:3: warning: wait on 'cv' blocks forever: 'leaky_one_value_left' can leave without notifying 'cv' [chanleak-early-return]
// CHECK-NOTES: :[[@LINE-9]]:5: note: thread spawned here, 3 times in a loop; it waits on 'cv'
// CHECK-NOTES: :[[@LINE-7]]:5: note: 'leaky_one_value_left' returns here without notifying 'cv'
