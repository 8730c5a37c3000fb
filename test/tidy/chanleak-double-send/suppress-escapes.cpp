// chanleak-double-send: suppressions, and channels that escape.
// RUN: %check_chanleak_tidy %s chanleak-double-send %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool failed();
void watch(IntChan &ch); // not visible: may receive the second value

int nolint() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(1); // NOLINT(chanleak-double-send)
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

int nolintnextline() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    // NOLINTNEXTLINE(chanleak-*)
    ch.push(1);
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

// NOLINTBEGIN(chanleak-double-send)
int nolint_block() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(1);
  }).detach();
  int v;
  ch.pop(v);
  return v;
}
// NOLINTEND(chanleak-double-send)

int suppressed() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    [[clang::suppress("chanleak-double-send")]] ch.push(1);
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

void suppressed_promise(std::promise<int> &p) {
  if (failed()) {
    p.set_value(-1);
  }
  [[clang::suppress]] p.set_value(1);
}
void run_suppressed_promise() {
  std::promise<int> p;
  std::thread t(suppressed_promise, std::ref(p));
  t.join();
}

// Someone we cannot see may receive the second value.
int escapes_to_opaque() {
  IntChan ch;
  watch(ch);
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(1);
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

// Another spawned thread receives too: the parent is not the only receiver.
int two_receivers() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(1);
  }).detach();
  std::thread([&ch] {
    int drained;
    ch.pop(drained);
  }).detach();
  int v;
  ch.pop(v);
  return v;
}
