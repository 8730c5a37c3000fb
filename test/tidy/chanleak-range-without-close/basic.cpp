// chanleak-range-without-close: workers receive until the channel is closed,
// and nobody closes it (or not on every path).
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using Chan = boost::fibers::buffered_channel<int>;
using boost::fibers::channel_op_status;

void handle(int);
bool bad();

// --- range-for over the channel --------------------------------------------
void leaky_range_for() {
  Chan jobs{8}; // #d1
  std::thread worker([&jobs] { // #s1
    for (int j : jobs) // #w1
      handle(j);
  });
  for (int i = 0; i < 3; ++i)
    jobs.push(i);
  worker.join();
  // CHECK-NOTES: :[[@LINE-6]]:18: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-10]]:8: note: 'jobs' is declared here and never closed
}

void fixed_range_for() {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  for (int i = 0; i < 3; ++i)
    jobs.push(i);
  jobs.close();
  worker.join();
}

// --- while (pop(v) == success) ----------------------------------------------
void leaky_status_loop() {
  Chan jobs{8}; // #d2
  std::thread worker([&jobs] { // #s2
    int j;
    while (jobs.pop(j) == channel_op_status::success) // #w2
      handle(j);
  });
  jobs.push(1);
  worker.join();
  // CHECK-NOTES: :[[@LINE-5]]:12: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-10]]:8: note: 'jobs' is declared here and never closed
}

void fixed_status_loop() {
  Chan jobs{8};
  std::thread worker([&jobs] {
    int j;
    while (jobs.pop(j) == channel_op_status::success)
      handle(j);
  });
  jobs.push(1);
  jobs.close();
  worker.join();
}

// An endless loop whose only way out is the receive failing.
void leaky_endless_loop() {
  Chan jobs{8}; // #d3
  std::thread worker([&jobs] { // #s3
    for (;;) {
      int j;
      if (jobs.pop(j) != channel_op_status::success) // #w3
        break;
      handle(j);
    }
  });
  jobs.push(1);
  worker.join();
  // CHECK-NOTES: :[[@LINE-7]]:11: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-11]]:15: note: thread spawned here; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-13]]:8: note: 'jobs' is declared here and never closed
}

// --- closed on some paths only ----------------------------------------------
void leaky_not_closed_on_every_path() {
  Chan jobs{8};
  std::thread worker([&jobs] { // #s4
    for (int j : jobs) // #w4
      handle(j);
  });
  worker.detach();
  if (bad())
    return; // #r4
  jobs.push(1);
  jobs.close();
  // CHECK-NOTES: :[[@LINE-8]]:18: warning: receive loop over 'jobs' never ends: 'jobs' is not closed on every path [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-10]]:15: note: thread spawned here; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-5]]:5: note: 'leaky_not_closed_on_every_path' returns here without closing 'jobs'
}

// A throw leaves the detached worker looping over a channel nobody can
// close any more, like an early return does.
void leaky_throw_path() {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  // CHECK-NOTES: :[[@LINE-3]]:18: warning: receive loop over 'jobs' never ends: 'jobs' is not closed on every path [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-5]]:15: note: thread spawned here; it receives from 'jobs'
  worker.detach();
  if (bad())
    throw std::runtime_error("bad");
  // CHECK-NOTES: :[[@LINE-1]]:5: note: exception thrown here leaves 'leaky_throw_path' without closing 'jobs'
  jobs.push(1);
  jobs.close();
}

// The same worker with the close on every way out.
void fixed_throw_path() {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  worker.detach();
  if (bad()) {
    jobs.close();
    throw std::runtime_error("bad");
  }
  jobs.push(1);
  jobs.close();
}

// --- the producer is a spawned thread; the parent loops ---------------------
void leaky_parent_loops() {
  Chan results{8}; // #d5
  std::thread producer([&results] { results.push(1); });
  producer.detach();
  for (int r : results) // #w5
    handle(r);
  // CHECK-NOTES: :[[@LINE-2]]:16: warning: receive loop over 'results' never ends: nothing closes 'results' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-6]]:8: note: 'results' is declared here and never closed
}

void fixed_producer_closes() {
  Chan results{8};
  std::thread producer([&results] {
    results.push(1);
    results.close();
  });
  producer.detach();
  for (int r : results)
    handle(r);
}

// --- aliases, shared_ptr, helpers --------------------------------------------
void drain(Chan &in) {
  for (int v : in) // #w6
    handle(v);
}
void leaky_helper() {
  auto jobs = std::make_shared<Chan>(8); // #d6
  std::thread worker([jobs] { drain(*jobs); }); // #s6
  jobs->push(1);
  worker.join();
  // CHECK-NOTES: :[[@LINE-8]]:16: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-4]]:15: note: thread spawned here; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-6]]:8: note: 'jobs' is declared here and never closed
}

void drain_too(Chan &in) {
  for (int v : in)
    handle(v);
}
void fixed_helper_alias_close() {
  auto jobs = std::make_shared<Chan>(8);
  std::thread worker([jobs] { drain_too(*jobs); });
  auto &alias = *jobs;
  alias.push(1);
  alias.close();
  worker.join();
}

// --- escapes -------------------------------------------------------------------
void hand_over(Chan &ch); // not visible: may close it
void escapes_to_opaque() {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  hand_over(jobs);
  worker.join();
}

void from_caller(Chan &jobs) {
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  worker.join();
}

// --- suppressions ----------------------------------------------------------------
void suppressed() {
  Chan a{8}, b{8}, c{8}, d{8};
  std::thread([&a] { for (int j : a) handle(j); }).detach(); // NOLINT(chanleak-range-without-close)
  // NOLINTNEXTLINE(chanleak-range-without-close)
  std::thread([&b] { for (int j : b) handle(j); }).detach();
  // NOLINTBEGIN(chanleak-*)
  std::thread([&c] { for (int j : c) handle(j); }).detach();
  // NOLINTEND(chanleak-*)
  std::thread([&d] {
    [[clang::suppress("chanleak-range-without-close")]] for (int j : d) handle(j);
  }).detach();
}
