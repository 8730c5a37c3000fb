// Each leak is reported with its own path, however many become certain at the
// same point, and a thread that never ends leaks at its spawn, however its
// spawner leaves (a throw or a noreturn call, which no path follows to the
// spawner's end).
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn,chanleak.OrphanedWorker,chanleak.LoopingTimer -Xclang -verify -I%S/../tidy/Inputs %s

#include "mock-boost-fiber.h"
#include "mock-std.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
bool bad();
void poll_once();
[[noreturn]] void fail(const char *why);

// Two threads stranded by one return.
int two_stranded() {
  IntChan a, b;
  std::thread([&a] { a.push(1); }).detach(); // expected-note {{thread spawned here}}
  // expected-warning@-1 {{send on 'a' blocks forever: 'two_stranded' can leave without receiving from 'a'}}
  // expected-note@-2 {{send on 'a' blocks forever: 'two_stranded' can leave without receiving from 'a'}}
  std::thread([&b] { b.push(2); }).detach(); // expected-note {{thread spawned here}}
  // expected-warning@-1 {{send on 'b' blocks forever: 'two_stranded' can leave without receiving from 'b'}}
  // expected-note@-2 {{send on 'b' blocks forever: 'two_stranded' can leave without receiving from 'b'}}
  if (bad()) // expected-note 2 {{Assuming the condition is true}} expected-note 2 {{Taking true branch}}
    return -1; // expected-note {{'two_stranded' returns here without receiving from 'a'}} expected-note {{'two_stranded' returns here without receiving from 'b'}}
  int x, y;
  a.pop(x);
  b.pop(y);
  return x + y;
}

int two_received() {
  IntChan a, b;
  std::thread([&a] { a.push(1); }).detach();
  std::thread([&b] { b.push(2); }).detach();
  int x, y;
  a.pop(x);
  b.pop(y);
  if (bad())
    return -1;
  return x + y;
}

// Two endless threads started by one function.
void two_endless() {
  std::thread([] { // expected-note {{thread spawned here}}
    // expected-warning@-1 {{thread never ends: its loop has no exit and nothing can stop it}}
    // expected-note@-2 {{thread never ends: its loop has no exit and nothing can stop it}}
    for (;;)
      poll_once();
  }).detach();
  std::thread([] { // expected-note {{thread spawned here}}
    // expected-warning@-1 {{thread never ends: its loop has no exit and nothing can stop it}}
    // expected-note@-2 {{thread never ends: its loop has no exit and nothing can stop it}}
    for (;;)
      poll_once();
  }).detach();
}

void two_ending(const bool &stop) {
  std::thread([&stop] {
    while (!stop)
      poll_once();
  }).detach();
}

// Spawners that never return normally.
void start_then_fail() {
  std::thread([] { // expected-note {{thread spawned here}}
    // expected-warning@-1 {{thread never ends}} expected-note@-1 {{thread never ends}}
    for (;;)
      poll_once();
  }).detach();
  fail("config missing");
}

void start_then_throw() {
  std::thread([] { // expected-note {{thread spawned here}}
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1)); // expected-warning {{thread sleeps in a loop forever with no stop condition}} expected-note {{thread sleeps in a loop forever with no stop condition}}
  }).detach();
  throw std::runtime_error("bad");
}

// Failing before the spawn starts nothing.
void fail_then_start(bool ready) {
  if (!ready)
    fail("not ready");
  std::thread([] {
    for (int i = 0; i < 3; ++i)
      poll_once();
  }).detach();
}
