// chanleak.RangeWithoutClose: a receive loop that ends only when its channel
// is closed, on a channel nothing closes (or not on every path). Covers the
// loop forms over Boost.Fiber channels, the annotated user queue, msd and
// Asio channels and a hand-built condition-variable channel, each with a
// fixed twin; a skipped close on a feasible path (reported on that path) and
// on an infeasible one (silent); escapes; suppressions.
//
// Mock headers: Boost.Fiber, std (thread, jthread, shared_ptr), the annotated
// queue and spawner.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.RangeWithoutClose -Xclang -verify -I%S/../tidy/Inputs %s
// The real standard library: msd::channel and condition variables.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.RangeWithoutClose -Xclang -verify -DREAL_STD -I%S/../../patterns/include %s
// Real Asio, without clang's own checkers, which misfire inside its headers.
// RUN: %if asio-channel %{ %analyze_chanleak -Xclang -analyzer-checker=chanleak.RangeWithoutClose -Xclang -analyzer-disable-checker=core,cplusplus,deadcode,unix -Xclang -verify -DREAL_ASIO -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 %s %}

#if !defined(REAL_STD) && !defined(REAL_ASIO)

#include "mock-boost-fiber.h"
#include "user-queue.h"

using Chan = boost::fibers::buffered_channel<int>;
using boost::fibers::channel_op_status;

void handle(int);
bool bad();

// --- range-for over the channel ---------------------------------------------
void leaky_range_for() {
  Chan jobs{8}; // expected-note {{'jobs' is declared here and never closed}}
  std::thread worker([&jobs] { // expected-note {{thread spawned here}}
    for (int j : jobs)
      // expected-warning@-1 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
      // expected-note@-2 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
      handle(j);
  });
  for (int i = 0; i < 3; ++i)
    jobs.push(i);
  worker.join();
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

// --- while (pop(v) == success) ------------------------------------------------
void leaky_status_loop() {
  Chan jobs{8}; // expected-note {{'jobs' is declared here and never closed}}
  std::thread worker([&jobs] { // expected-note {{thread spawned here}}
    int j;
    while (jobs.pop(j) == channel_op_status::success)
      // expected-warning@-1 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
      // expected-note@-2 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
      handle(j);
  });
  jobs.push(1);
  worker.join();
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

// --- an endless loop whose only way out is the receive failing ---------------
void leaky_endless_loop() {
  boost::fibers::unbuffered_channel<int> jobs; // expected-note {{'jobs' is declared here and never closed}}
  std::thread worker([&jobs] { // expected-note {{thread spawned here}}
    for (;;) {
      int j;
      if (jobs.pop(j) != channel_op_status::success)
        // expected-warning@-1 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
        // expected-note@-2 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
        break;
      handle(j);
    }
  });
  jobs.push(1);
  worker.join();
}

void fixed_endless_loop() {
  boost::fibers::unbuffered_channel<int> jobs;
  std::thread worker([&jobs] {
    for (;;) {
      int j;
      if (jobs.pop(j) != channel_op_status::success)
        break;
      handle(j);
    }
  });
  jobs.push(1);
  jobs.close();
  worker.join();
}

// --- closed on some paths only: reported on the path that skips the close ----
void leaky_not_closed_on_every_path(bool failed) {
  Chan jobs{8};
  std::thread worker([&jobs] { // expected-note {{thread spawned here}}
    for (int j : jobs)
      // expected-warning@-1 {{receive loop over 'jobs' never ends: 'jobs' is not closed on every path}}
      // expected-note@-2 {{receive loop over 'jobs' never ends: 'jobs' is not closed on every path}}
      handle(j);
  });
  worker.detach();
  if (failed) // expected-note {{Assuming 'failed' is true}} expected-note {{Taking true branch}}
    return; // expected-note {{'leaky_not_closed_on_every_path' returns here without closing 'jobs'}}
  jobs.push(1);
  jobs.close();
}

void fixed_closed_on_every_path(bool failed) {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  worker.detach();
  if (failed) {
    jobs.close();
    return;
  }
  jobs.push(1);
  jobs.close();
}

// The early return cannot be taken: the clang-tidy check, which does not
// follow paths, reports it; the analyzer must not.
void infeasible_early_return(int n) {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  worker.detach();
  if (n < 0)
    n = 0;
  if (n < 0)
    return;
  jobs.push(n);
  jobs.close();
}

// A throw skips the close too; ExprEngine does not follow it, so this one
// is reported without a path.
void leaky_throw_path() {
  Chan jobs{8};
  std::thread worker([&jobs] { // expected-note {{thread spawned here}}
    for (int j : jobs)
      // expected-warning@-1 {{receive loop over 'jobs' never ends: 'jobs' is not closed on every path}}
      // expected-note@-2 {{receive loop over 'jobs' never ends: 'jobs' is not closed on every path}}
      handle(j);
  });
  worker.detach();
  if (bad())
    throw std::runtime_error("bad"); // expected-note {{exception thrown here leaves 'leaky_throw_path' without closing 'jobs'}}
  jobs.push(1);
  jobs.close();
}

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

// --- the producer is the spawned thread; the parent loops ---------------------
void leaky_parent_loops() {
  Chan results{8}; // expected-note {{'results' is declared here and never closed}}
  std::thread producer([&results] { results.push(1); });
  producer.detach();
  for (int r : results)
    // expected-warning@-1 {{receive loop over 'results' never ends: nothing closes 'results'}}
    // expected-note@-2 {{receive loop over 'results' never ends: nothing closes 'results'}}
    handle(r);
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

// --- a helper loops; the channel is shared through a shared_ptr ---------------
void drain(Chan &in) {
  for (int v : in)
    // expected-warning@-1 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
    // expected-note@-2 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
    handle(v);
}
void leaky_helper_shared() {
  auto jobs = std::make_shared<Chan>(8); // expected-note {{'jobs' is declared here and never closed}}
  std::thread worker([jobs] { drain(*jobs); }); // expected-note {{thread spawned here}}
  jobs->push(1);
  worker.join();
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

// --- the annotated user queue, and its annotated spawner ----------------------
void leaky_annotated() {
  mylib::Queue<int> q{4}; // expected-note {{'q' is declared here and never closed}}
  std::thread consumer([&q] { // expected-note {{thread spawned here}}
    int v;
    while (q.Pop(v))
      // expected-warning@-1 {{receive loop over 'q' never ends: nothing closes 'q'}}
      // expected-note@-2 {{receive loop over 'q' never ends: nothing closes 'q'}}
      handle(v);
  });
  q.Push(1);
  consumer.join();
}

void fixed_annotated() {
  mylib::Queue<int> q{4};
  std::thread consumer([&q] {
    int v;
    while (q.Pop(v))
      handle(v);
  });
  q.Push(1);
  q.Close();
  consumer.join();
}

void leaky_annotated_spawner() {
  mylib::Handoff<int> h; // expected-note {{'h' is declared here and never closed}}
  mylib::RunAsync([&h] { // expected-note {{thread spawned here}}
    int v;
    while (h.Pop(v))
      // expected-warning@-1 {{receive loop over 'h' never ends: nothing closes 'h'}}
      // expected-note@-2 {{receive loop over 'h' never ends: nothing closes 'h'}}
      handle(v);
  });
  h.Push(1);
}

void fixed_annotated_spawner() {
  mylib::Handoff<int> h;
  mylib::RunAsync([&h] {
    int v;
    while (h.Pop(v))
      handle(v);
  });
  h.Push(1);
  h.Close();
}

// --- not this checker's: on a std::jthread the loop is orphaned-worker's -------
void jthread_loop() {
  Chan jobs{8};
  std::jthread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  jobs.push(1);
}

// --- escapes: code the analysis cannot see may close the channel -------------
void hand_over(Chan &ch); // no body
void escapes_to_opaque() {
  Chan jobs{8};
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  hand_over(jobs);
  worker.join();
}

std::shared_ptr<Chan> g_jobs;
void escapes_to_global() {
  auto jobs = std::make_shared<Chan>(8);
  g_jobs = jobs;
  std::thread worker([jobs] {
    for (int j : *jobs)
      handle(j);
  });
  jobs->push(1);
  worker.join();
}

// The caller owns the channel.
void from_caller(Chan &jobs) {
  std::thread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  worker.join();
}

// --- suppressions, on the line of the loop's receive -----------------------------
void suppressed() {
  Chan a{8}, b{8}, c{8}, d{8};
  std::thread([&a] { for (int j : a) handle(j); }).detach(); // NOLINT(chanleak-range-without-close)
  std::thread([&b] {
    [[clang::suppress]] for (int j : b) handle(j);
  }).detach();
  // The checker's own name works too.
  std::thread([&c] {
    [[clang::suppress("chanleak.RangeWithoutClose")]] for (int j : c) handle(j);
  }).detach();
  // On the statement that spawns the lambda.
  [[clang::suppress]] std::thread([&d] { for (int j : d) handle(j); }).detach();
}

// A leak reported on a path is silenced the same way.
void suppressed_on_path_nolint(bool failed) {
  Chan a{8};
  std::thread([&a] {
    for (int j : a) // NOLINT(chanleak-range-without-close)
      handle(j);
  }).detach();
  if (failed)
    return;
  a.close();
}

void suppressed_on_path_attribute(bool failed) {
  Chan b{8};
  std::thread([&b] {
    [[clang::suppress]] for (int j : b)
      handle(j);
  }).detach();
  if (failed)
    return;
  b.close();
}

// Naming another check silences nothing.
void suppressed_wrong_check() {
  Chan a{8}, b{8}; // expected-note {{'a' is declared here and never closed}} expected-note {{'b' is declared here and never closed}}
  std::thread([&a] { for (int j : a) handle(j); }).detach(); // NOLINT(chanleak-double-send)
  // expected-warning@-1 {{receive loop over 'a' never ends: nothing closes 'a'}}
  // expected-note@-2 {{receive loop over 'a' never ends: nothing closes 'a'}}
  // expected-note@-3 {{thread spawned here}}
  std::thread([&b] { // expected-note {{thread spawned here}}
    [[clang::suppress("chanleak-early-return")]] for (int j : b) handle(j);
    // expected-warning@-1 {{receive loop over 'b' never ends: nothing closes 'b'}}
    // expected-note@-2 {{receive loop over 'b' never ends: nothing closes 'b'}}
  }).detach();
}

#elif defined(REAL_STD)

#include <condition_variable>
#include <functional>
#include <msd/channel.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

void Index(const std::string &doc);
void handle(int);

// --- msd::channel: range-for and read() loops -------------------------------
void msd_leaky_range(const std::vector<std::string> &docs) {
  msd::channel<std::string> queue; // expected-note {{'queue' is declared here and never closed}}
  std::thread indexer([&queue] { // expected-note {{thread spawned here}}
    for (auto doc : queue)
      // expected-warning@-1 {{receive loop over 'queue' never ends: nothing closes 'queue'}}
      // expected-note@-2 {{receive loop over 'queue' never ends: nothing closes 'queue'}}
      Index(doc);
  });
  for (const auto &d : docs)
    queue << d;
  indexer.join();
}

void msd_fixed_range(const std::vector<std::string> &docs) {
  msd::channel<std::string> queue;
  std::thread indexer([&queue] {
    for (auto doc : queue)
      Index(doc);
  });
  for (const auto &d : docs)
    queue << d;
  queue.close();
  indexer.join();
}

void msd_leaky_read(bool failed) {
  msd::channel<int> queue{4};
  std::thread worker([&queue] { // expected-note {{thread spawned here}}
    int v;
    while (queue.read(v))
      // expected-warning@-1 {{receive loop over 'queue' never ends: 'queue' is not closed on every path}}
      // expected-note@-2 {{receive loop over 'queue' never ends: 'queue' is not closed on every path}}
      handle(v);
  });
  worker.detach();
  if (failed) // expected-note {{Assuming 'failed' is true}} expected-note {{Taking true branch}}
    return; // expected-note {{'msd_leaky_read' returns here without closing 'queue'}}
  queue.write(1);
  queue.close();
}

void msd_fixed_read(bool failed) {
  msd::channel<int> queue{4};
  std::thread worker([&queue] {
    int v;
    while (queue.read(v))
      handle(v);
  });
  worker.detach();
  if (!failed)
    queue.write(1);
  queue.close();
}

// --- a pool of workers started with emplace_back --------------------------------
void drain(msd::channel<int> &jobs) {
  for (int job : jobs)
    // expected-warning@-1 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
    // expected-note@-2 {{receive loop over 'jobs' never ends: nothing closes 'jobs'}}
    handle(job);
}

void leaky_pool() {
  msd::channel<int> jobs{8}; // expected-note {{'jobs' is declared here and never closed}}
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back(drain, std::ref(jobs)); // expected-note {{thread spawned here, 4 times in a loop}}
  for (int j = 0; j < 3; ++j)
    jobs << j;
  for (auto &w : workers)
    w.join();
}

void fixed_pool() {
  msd::channel<int> jobs{8};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&jobs] {
      for (int job : jobs)
        handle(job);
    });
  for (int j = 0; j < 3; ++j)
    jobs << j;
  jobs.close();
  for (auto &w : workers)
    w.join();
}

// --- a channel built from a mutex, a condition variable and a `closed` flag ---
struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
  bool closed = false; // expected-note {{'closed' is declared here and never set}}
};

void slot_worker(Slot &s) {
  for (;;) {
    int v = 0;
    {
      std::unique_lock<std::mutex> lk(s.mu);
      s.cv.wait(lk, [&] { return s.closed || s.full; });
      // expected-warning@-1 {{wait loop on 'cv' never ends: nothing sets 'closed', the state that would end it}}
      // expected-note@-2 {{wait loop on 'cv' never ends: nothing sets 'closed', the state that would end it}}
      if (!s.full)
        break; // closed and drained
      v = s.value;
      s.full = false;
      s.cv.notify_all();
    }
    handle(v);
  }
}

void put(Slot &s, int v) {
  std::unique_lock<std::mutex> lk(s.mu);
  s.cv.wait(lk, [&] { return !s.full; });
  s.value = v;
  s.full = true;
  s.cv.notify_all();
}

void cv_leaky_never_closed() {
  Slot s;
  std::thread([&s] { slot_worker(s); }).detach(); // expected-note {{thread spawned here}}
  for (int v : {1, 2, 3})
    put(s, v);
}

struct ClosableSlot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
  bool closed = false;
};

void closable_worker(ClosableSlot &s) {
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
    handle(v);
  }
}

void cv_fixed_closed() {
  ClosableSlot s;
  std::thread t([&s] { closable_worker(s); });
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

#else // REAL_ASIO

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>
#include <string>
#include <vector>

using LineChannel = asio::experimental::channel<void(asio::error_code, std::string)>;
using asio::experimental::as_tuple;

// A coroutine receives until the channel reports an error (closed).
asio::awaitable<void> ship(LineChannel &lines, std::vector<std::string> &out) {
  for (;;) {
    auto [ec, line] = co_await lines.async_receive(as_tuple(asio::use_awaitable));
    // expected-warning@-1 {{receive loop over 'lines' never ends: nothing closes 'lines'}}
    // expected-note@-2 {{receive loop over 'lines' never ends: nothing closes 'lines'}}
    if (ec)
      break;
    out.push_back(line);
  }
}

asio::awaitable<void> feed(LineChannel &lines) {
  co_await lines.async_send(asio::error_code{}, "GET /", asio::use_awaitable);
}

void asio_leaky() {
  asio::io_context io;
  LineChannel lines(io, 4); // expected-note {{'lines' is declared here and never closed}}
  std::vector<std::string> shipped;
  asio::co_spawn(io, ship(lines, shipped), asio::detached); // expected-note {{thread spawned here}}
  asio::co_spawn(io, feed(lines), asio::detached);
  io.run();
}

asio::awaitable<void> ship_too(LineChannel &lines, std::vector<std::string> &out) {
  for (;;) {
    auto [ec, line] = co_await lines.async_receive(as_tuple(asio::use_awaitable));
    if (ec)
      break;
    out.push_back(line);
  }
}

asio::awaitable<void> feed_and_close(LineChannel &lines) {
  co_await lines.async_send(asio::error_code{}, "GET /", asio::use_awaitable);
  lines.close(); // completes the waiting receive with an error
}

void asio_fixed() {
  asio::io_context io;
  LineChannel lines(io, 4);
  std::vector<std::string> shipped;
  asio::co_spawn(io, ship_too(lines, shipped), asio::detached);
  asio::co_spawn(io, feed_and_close(lines), asio::detached);
  io.run();
}

#endif
