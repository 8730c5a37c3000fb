// A member made by its default initializer (`Slot slot_{0};`) starts with
// what that constructor gives its fields: a slot of capacity 0 makes a
// sender wait until its value is taken, one of capacity 1 does not.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

struct Slot {
  explicit Slot(std::size_t capacity) : cap(capacity) {}
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
  std::size_t cap;
};

int compute();

// The sender reports an error and then sends its result anyway.
class Unbuffered {
public:
  int Run() {
    threads_.emplace_back([this] {
      int v = compute();
      if (v < 0) {
        std::unique_lock<std::mutex> lk(slot_.mu);
        slot_.cv.wait(lk, [&] { return !slot_.full; });
        slot_.value = -1;
        slot_.full = true;
        slot_.cv.notify_all();
        slot_.cv.wait(lk, [&] { return !slot_.full || slot_.cap > 0; });
      }
      std::unique_lock<std::mutex> lk(slot_.mu);
      slot_.cv.wait(lk, [&] { return !slot_.full; });
      slot_.value = v;
      slot_.full = true;
      slot_.cv.notify_all();
      slot_.cv.wait(lk, [&] { return !slot_.full || slot_.cap > 0; });
    });
    int got = 0;
    {
      std::unique_lock<std::mutex> lk(slot_.mu);
      slot_.cv.wait(lk, [&] { return slot_.full; });
      got = slot_.value;
      slot_.full = false;
      slot_.cv.notify_all();
    }
    return got;
    // CHECK-NOTES: :41:7: warning: wait on 'cv' blocks forever: 'Unbuffered::Run' can leave without notifying 'cv' [chanleak-early-return]
    // CHECK-NOTES: :26:5: note: thread spawned here
    // CHECK-NOTES: :51:5: note: 'Unbuffered::Run' returns here without notifying 'cv'
  }

private:
  Slot slot_{0};
  std::vector<std::jthread> threads_;
};

int leaky_second_put_waits() {
  Unbuffered u;
  return u.Run();
}

class Buffered {
public:
  int Run() {
    threads_.emplace_back([this] {
      int v = compute();
      if (v < 0) {
        std::unique_lock<std::mutex> lk(slot_.mu);
        slot_.cv.wait(lk, [&] { return !slot_.full; });
        slot_.value = -1;
        slot_.full = true;
        slot_.cv.notify_all();
        slot_.cv.wait(lk, [&] { return !slot_.full || slot_.cap > 0; });
      }
      std::unique_lock<std::mutex> lk(slot_.mu);
      slot_.cv.wait(lk, [&] { return !slot_.full; });
      slot_.value = v;
      slot_.full = true;
      slot_.cv.notify_all();
      slot_.cv.wait(lk, [&] { return !slot_.full || slot_.cap > 0; });
    });
    int got = 0;
    {
      std::unique_lock<std::mutex> lk(slot_.mu);
      slot_.cv.wait(lk, [&] { return slot_.full; });
      got = slot_.value;
      slot_.full = false;
      slot_.cv.notify_all();
    }
    return got;
  }

private:
  Slot slot_{1};
  std::vector<std::jthread> threads_;
};

int fixed_second_put_fits() {
  Buffered b;
  return b.Run();
}
