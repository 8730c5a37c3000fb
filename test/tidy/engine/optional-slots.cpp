// A hand-off slot kept in a std::optional: assigning it a value fills it,
// reset() and nullopt empty it, and a predicate reads it through its bool
// conversion or has_value(). So a put() that waits until its value is taken
// is stranded when the taker leaves first.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

struct Mailbox {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<int> value;
  void put(int v) {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return !value; });
    value = v;
    cv.notify_all();
    cv.wait(lk, [&] { return !value; });
  }
  int take() {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return value.has_value(); });
    int v = *value;
    value = std::nullopt;
    cv.notify_all();
    return v;
  }
};

int Fetch(int n) {
  auto box = std::make_shared<Mailbox>();
  std::thread([box, n] { box->put(n * 2); }).detach();
  if (n < 0)
    return -1;
  return box->take();
}
// CHECK-NOTES: :35:26: warning: wait on 'cv' blocks forever: 'Fetch' can leave without notifying 'cv' [chanleak-early-return]
// CHECK-NOTES: :21:5: note: inside 'Mailbox::put', it waits on 'cv' here
// CHECK-NOTES: :35:3: note: thread spawned here; it waits on 'cv'
// CHECK-NOTES: :37:5: note: 'Fetch' returns here without notifying 'cv'

// Fixed: the value is taken on every path.
int FetchAlways(int n) {
  auto box = std::make_shared<Mailbox>();
  std::thread([box, n] { box->put(n * 2); }).detach();
  int v = box->take();
  return n < 0 ? -1 : v;
}
