// chanleak-orphaned-worker: a worker started and not stopped on every path;
// a thread whose loop has no exit; a jthread loop that ignores its token.
// RUN: %check_chanleak_tidy %s chanleak-orphaned-worker %t -- -- -I%S/../Inputs -I%chanleak_include

#include "mock-boost-fiber.h"
#include "user-queue.h"

bool bad();
void poll_once();
void wait_for_event(); // blocks; not a modelled op

// --- Start() without Stop() ------------------------------------------------------
void leaky_not_stopped() {
  mylib::Poller p;
  p.Start(); // #s1
  poll_once();
  // CHECK-NOTES: :[[@LINE-2]]:3: warning: 'p' is started but not stopped on every path: its worker thread outlives it [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE+1]]:1: note: 'leaky_not_stopped' ends here without stopping 'p'
}

void leaky_early_return() {
  mylib::Poller p;
  p.Start(); // #s2
  if (bad())
    return; // #r2
  p.Stop();
  // CHECK-NOTES: :[[@LINE-4]]:3: warning: 'p' is started but not stopped on every path: its worker thread outlives it [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-3]]:5: note: 'leaky_early_return' returns here without stopping 'p'
}

void fixed_stopped() {
  mylib::Poller p;
  p.Start();
  if (bad()) {
    p.Stop();
    return;
  }
  p.Stop();
}

// CHANLEAK_STOPS_ON_DESTROY: scope exit stops it (RAII).
void fixed_raii() {
  mylib::ScopedPoller p;
  p.Start();
  if (bad())
    return;
}

// A worker handed in by the caller is the caller's to stop.
void fixed_parameter(mylib::Poller &p) { p.Start(); }

// --- threads that never end -----------------------------------------------------
void leaky_detached_endless() {
  std::thread([] { // #s3
    for (;;)
      poll_once();
  }).detach();
  // CHECK-NOTES: :[[@LINE-4]]:18: warning: thread never ends: its loop has no exit and nothing can stop it [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-5]]:3: note: thread spawned here
}

void fixed_loop_with_exit() {
  std::thread([] {
    while (!bad())
      poll_once();
  }).detach();
}

void leaky_jthread_ignores_token() {
  std::jthread worker([](std::stop_token) { // #s4
    while (true)
      poll_once();
  });
  // CHECK-NOTES: :[[@LINE-4]]:43: warning: thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-5]]:16: note: thread spawned here
}

void fixed_jthread_checks_token() {
  std::jthread worker([](std::stop_token st) {
    while (!st.stop_requested())
      poll_once();
  });
}

// A callable that takes no token cannot see a stop request either.
void leaky_jthread_no_token() {
  std::jthread worker([] { // #s5
    for (;;)
      poll_once();
  });
  // CHECK-NOTES: :[[@LINE-4]]:26: warning: thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-5]]:16: note: thread spawned here
}

// A blocking receive in the endless loop: the primary location is the op.
void leaky_endless_receive(std::shared_ptr<boost::fibers::unbuffered_channel<int>> events) {
  std::thread([events] { // #s6
    int v;
    for (;;)
      events->value_pop(); // #o6
  }).detach();
  // CHECK-NOTES: :[[@LINE-2]]:7: warning: thread never ends: its loop has no exit and nothing can stop it [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here
}

// The same endless thread started by main() lives as long as the program.
int main() {
  std::thread([] {
    for (;;)
      poll_once();
  }).detach();
}

// --- suppressions -------------------------------------------------------------------
void suppressed() {
  mylib::Poller a, b;
  a.Start(); // NOLINT(chanleak-orphaned-worker)
  [[clang::suppress]] b.Start();
  // NOLINTNEXTLINE(chanleak-orphaned-worker)
  std::thread([] { for (;;) poll_once(); }).detach();
}
