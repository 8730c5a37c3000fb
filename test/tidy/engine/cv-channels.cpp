// A channel built by hand from a mutex, a condition variable and a `closed`
// flag: a worker's loop of waits ends only when the flag is set, as a range
// over a channel ends only when it is closed.
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
  bool closed = false;
};

void Consume(int v);

void Worker(Slot &s) {
  for (;;) {
    int v = 0;
    {
      std::unique_lock<std::mutex> lk(s.mu);
      s.cv.wait(lk, [&] { return s.closed || s.full; });
      if (!s.full)
        break; // closed and drained
      v = s.value;
      s.full = false;
      s.cv.notify_all();
    }
    Consume(v);
  }
}

void Put(Slot &s, int v) {
  std::unique_lock<std::mutex> lk(s.mu);
  s.cv.wait(lk, [&] { return !s.full; });
  s.value = v;
  s.full = true;
  s.cv.notify_all();
}

// Nobody ever sets `closed`: the worker waits for a fourth value forever.
void FeedAndForget() {
  Slot s;
  std::thread([&s] { Worker(s); }).detach();
  for (int v : {1, 2, 3})
    Put(s, v);
}
// CHECK-NOTES: :25:7: warning: wait loop on 'cv' never ends: nothing sets 'closed', the state that would end it [chanleak-range-without-close]
// CHECK-NOTES: :47:3: note: thread spawned here
// CHECK-NOTES: :15:8: note: 'closed' is declared here and never set

struct ClosableSlot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
  bool closed = false;
};

void ClosableWorker(ClosableSlot &s) {
  for (;;) {
    int v = 0;
    {
      std::unique_lock<std::mutex> lk(s.mu);
      s.cv.wait(lk, [&] { return s.closed || s.full; });
      if (!s.full)
        break;
      v = s.value;
      s.full = false;
      s.cv.notify_all();
    }
    Consume(v);
  }
}

// Fixed: the producer closes the slot once the values are taken, and joins.
void FeedAndClose() {
  ClosableSlot s;
  std::thread t([&s] { ClosableWorker(s); });
  for (int v : {1, 2, 3}) {
    std::unique_lock<std::mutex> lk(s.mu);
    s.cv.wait(lk, [&] { return !s.full; });
    s.value = v;
    s.full = true;
    s.cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lk(s.mu);
    s.closed = true;
  }
  s.cv.notify_all();
  t.join();
}
