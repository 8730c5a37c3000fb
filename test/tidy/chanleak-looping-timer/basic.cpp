// chanleak-looping-timer: a thread that sleeps in a loop forever, started by a
// function any caller can call again.
// RUN: %check_chanleak_tidy %s chanleak-looping-timer %t -- -- -I%S/../Inputs -I%chanleak_include

#include "mock-boost-fiber.h"
#include "user-queue.h"

void report_state();
bool done();

void leaky_reporter() {
  std::thread([] { // #s1
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1)); // #z1
      report_state();
    }
  }).detach();
  // CHECK-NOTES: :[[@LINE-4]]:7: warning: thread sleeps in a loop forever with no stop condition: every call of 'leaky_reporter' leaks another thread [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here
}

void fixed_stop_condition() {
  std::thread([] {
    while (!done()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report_state();
    }
  }).detach();
}

// A jthread's destructor asks the loop to stop and joins it: the loop never
// looks, so the caller hangs instead of leaking.
void leaky_jthread_ignores_stop() {
  std::jthread reporter([] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report_state();
    }
  });
  // CHECK-NOTES: :[[@LINE-4]]:7: warning: thread sleeps in a loop forever with no stop condition: the destructor of 'reporter' waits forever [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-7]]:16: note: thread spawned here
}

void fixed_stop_token() {
  std::jthread reporter([](std::stop_token st) {
    while (!st.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report_state();
    }
  });
}

void fixed_break() {
  std::thread([] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (done())
        break;
    }
  }).detach();
}

// A Boost fiber sleeping with this_fiber::sleep_for.
void leaky_fiber() {
  boost::fibers::fiber([] { // #s2
    while (true) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(100)); // #z2
      report_state();
    }
  }).detach();
  // CHECK-NOTES: :[[@LINE-4]]:7: warning: thread sleeps in a loop forever with no stop condition: every call of 'leaky_fiber' leaks another thread [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here
}

// An annotated sleep (CHANLEAK_SLEEP) and an annotated stop check.
void tick() {
  for (;;) {
    mylib::SleepMs(50); // #z3
    report_state();
  }
}
void leaky_annotated() {
  mylib::RunAsync(tick); // #s3
  // CHECK-NOTES: :[[@LINE-6]]:5: warning: thread sleeps in a loop forever with no stop condition: every call of 'leaky_annotated' leaks another thread [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here
}

void tick_until(const mylib::StopFlag *stop) {
  while (!stop->Requested())
    mylib::SleepMs(50);
}
void fixed_annotated(const mylib::StopFlag *stop) { mylib::RunAsync(tick_until, stop); }

// Started once from main(): it lives as long as the program, as intended.
int main() {
  std::thread([] {
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1));
  }).detach();
}

void suppressed() {
  std::thread([] {
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1)); // NOLINT(chanleak-looping-timer)
  }).detach();
  std::thread([] {
    for (;;)
      [[clang::suppress]] std::this_thread::sleep_for(std::chrono::seconds(1));
  }).detach();
}
