// chanleak.OrphanedWorker: a worker started and not stopped on every path
// (reported on the path that skips the stop); a thread whose loop has no
// exit; a std::jthread or std::async loop whose handle's destructor then waits
// forever. Covers annotated workers, a worker declared in a model file,
// objects whose Start() spawns a receive loop on a member channel (Boost.Fiber)
// or a condition-variable wait, std::thread, std::jthread and std::stop_token,
// std::async and msd::channel, each with fixed twins; a skipped stop on an
// infeasible path (silent); escapes; suppressions.
//
// Mock headers: Boost.Fiber, std (thread, jthread, async), the annotated
// worker; vendor::Agent is a worker by the model file.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.OrphanedWorker -Xclang -analyzer-config -Xclang chanleak.OrphanedWorker:ModelFile=%S/../tidy/Inputs/model-worker.yaml -Xclang -verify -I%S/../tidy/Inputs %s
// The real standard library: condition variables, std::async, msd::channel.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.OrphanedWorker -Xclang -verify -DREAL_STD -I%S/../../patterns/include %s

#ifndef REAL_STD

#include "mock-boost-fiber.h"
#include "user-queue.h"

bool bad();
void poll_once();

// --- an annotated worker: Start() without Stop() ----------------------------------
void leaky_not_stopped() {
  mylib::Poller p;
  p.Start();
  // expected-warning@-1 {{'p' is started but not stopped on every path: its worker thread outlives it}}
  // expected-note@-2 {{'p' is started but not stopped on every path: its worker thread outlives it}}
  poll_once();
} // expected-note {{'leaky_not_stopped' ends here without stopping 'p'}}

void leaky_early_return(bool failed) {
  mylib::Poller p;
  p.Start();
  // expected-warning@-1 {{'p' is started but not stopped on every path: its worker thread outlives it}}
  // expected-note@-2 {{'p' is started but not stopped on every path: its worker thread outlives it}}
  if (failed) // expected-note {{Assuming 'failed' is true}} expected-note {{Taking true branch}}
    return; // expected-note {{'leaky_early_return' returns here without stopping 'p'}}
  p.Stop();
}

void fixed_stopped(bool failed) {
  mylib::Poller p;
  p.Start();
  if (failed) {
    p.Stop();
    return;
  }
  p.Stop();
}

// The early return cannot be taken: the clang-tidy check, which does not
// follow paths, reports it; the analyzer must not.
void infeasible_early_return(int n) {
  mylib::Poller p;
  p.Start();
  if (n < 0)
    n = 0;
  if (n < 0)
    return;
  p.Stop();
}

// CHANLEAK_STOPS_ON_DESTROY: leaving the scope stops it.
void fixed_raii() {
  mylib::ScopedPoller p;
  p.Start();
  if (bad())
    return;
}

// A worker handed in by the caller is the caller's to stop.
void fixed_parameter(mylib::Poller &p) { p.Start(); }

// --- a worker declared in the model file (Run starts, Halt stops) -----------------
namespace vendor {
class Agent {
public:
  void Run();
  void Halt();
};
} // namespace vendor

void leaky_agent(bool fast) {
  vendor::Agent a;
  a.Run();
  // expected-warning@-1 {{'a' is started but not stopped on every path: its worker thread outlives it}}
  // expected-note@-2 {{'a' is started but not stopped on every path: its worker thread outlives it}}
  if (fast) // expected-note {{Assuming 'fast' is true}} expected-note {{Taking true branch}}
    return; // expected-note {{'leaky_agent' returns here without stopping 'a'}}
  a.Halt();
}

void fixed_agent(bool fast) {
  vendor::Agent a;
  a.Run();
  if (fast) {
    a.Halt();
    return;
  }
  a.Halt();
}

// --- an object whose Start() spawns a receive loop on its member channel -----------
using Inbox = boost::fibers::buffered_channel<int>;
void deliver(int);

class Dispatcher {
public:
  void Start() { std::thread(&Dispatcher::Loop, this).detach(); } // expected-note {{thread spawned here}}
  void Stop() { inbox_.close(); }
  void Notify(int msg) { inbox_.push(msg); }

private:
  void Loop() {
    int msg;
    while (inbox_.pop(msg) == boost::fibers::channel_op_status::success)
      // expected-warning@-1 {{worker of 'd' waits here forever: 'd' is started but not stopped on every path, so nothing closes 'inbox_'}}
      // expected-note@-2 {{worker of 'd' waits here forever: 'd' is started but not stopped on every path, so nothing closes 'inbox_'}}
      deliver(msg);
  }
  Inbox inbox_{16};
};

bool leaky_object(int to) {
  auto d = std::make_shared<Dispatcher>();
  d->Start(); // expected-note {{'d' is started here}}
  if (to < 0) // expected-note {{Assuming 'to' is < 0}} expected-note {{Taking true branch}}
    return false; // expected-note {{'leaky_object' returns here without stopping 'd'}}
  d->Notify(to);
  d->Stop();
  return true;
}

bool fixed_object(int to) {
  auto d = std::make_shared<Dispatcher>();
  d->Start();
  if (to >= 0)
    d->Notify(to);
  d->Stop();
  return true;
}

// --- threads that never end -----------------------------------------------------------
void leaky_detached_endless() {
  std::thread([] { // expected-note {{thread spawned here}}
    // expected-warning@-1 {{thread never ends: its loop has no exit and nothing can stop it}}
    // expected-note@-2 {{thread never ends: its loop has no exit and nothing can stop it}}
    for (;;)
      poll_once();
  }).detach();
}

void fixed_loop_with_exit() {
  std::thread([] {
    while (!bad())
      poll_once();
  }).detach();
}

// A blocking receive in the endless loop: the report is on it.
void leaky_endless_receive(std::shared_ptr<boost::fibers::unbuffered_channel<int>> events) {
  std::thread([events] { // expected-note {{thread spawned here}}
    for (;;)
      events->value_pop();
    // expected-warning@-1 {{thread never ends: its loop has no exit and nothing can stop it}}
    // expected-note@-2 {{thread never ends: its loop has no exit and nothing can stop it}}
  }).detach();
}

// The same endless thread started by main() lives as long as the program.
int main() {
  std::thread([] {
    for (;;)
      poll_once();
  }).detach();
}

// --- std::jthread: the destructor requests stop, then joins --------------------------
void leaky_jthread_ignores_token() {
  std::jthread worker([](std::stop_token) {
    // expected-warning@-1 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
    // expected-note@-2 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
    // expected-note@-3 {{thread spawned here}}
    while (true)
      poll_once();
  });
}

void fixed_jthread_checks_token() {
  std::jthread worker([](std::stop_token st) {
    while (!st.stop_requested())
      poll_once();
  });
}

// A callable that takes no token cannot see a stop request either.
void leaky_jthread_no_token() {
  std::jthread worker([] {
    // expected-warning@-1 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
    // expected-note@-2 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
    // expected-note@-3 {{thread spawned here}}
    for (;;)
      poll_once();
  });
}

// A receive loop over a channel nobody closes, on a std::jthread: this
// checker's, not RangeWithoutClose's.
void leaky_jthread_receive_loop() {
  boost::fibers::buffered_channel<int> jobs{8};
  std::jthread worker([&jobs] { // expected-note {{thread spawned here}}
    for (int j : jobs)
      // expected-warning@-1 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
      // expected-note@-2 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
      poll_once();
  });
  jobs.push(1);
}

void fixed_jthread_receive_loop() {
  boost::fibers::buffered_channel<int> jobs{8};
  std::jthread worker([&jobs] {
    for (int j : jobs)
      poll_once();
  });
  jobs.push(1);
  jobs.close();
}

// --- std::async: the future's destructor waits ----------------------------------------
int leaky_async() {
  auto fut = std::async(std::launch::async, [] {
    // expected-warning@-1 {{thread never ends: its loop has no exit, so the destructor of 'fut' waits forever}}
    // expected-note@-2 {{thread never ends: its loop has no exit, so the destructor of 'fut' waits forever}}
    // expected-note@-3 {{thread spawned here}}
    for (;;)
      poll_once();
    return 0;
  });
  return 1;
}

int fixed_async() {
  auto fut = std::async(std::launch::async, [] {
    while (!bad())
      poll_once();
    return 0;
  });
  return 1;
}

// --- escapes: code the analysis cannot see may stop it --------------------------------
void hand_over(mylib::Poller &p); // no body
void escapes_to_opaque() {
  mylib::Poller p;
  p.Start();
  hand_over(p);
}

std::shared_ptr<mylib::Poller> g_poller;
void escapes_to_global() {
  auto p = std::make_shared<mylib::Poller>();
  g_poller = p;
  p->Start();
}

// --- suppressions, on the line of the report ---------------------------------------------
void suppressed_start() {
  mylib::Poller a;
  a.Start(); // NOLINT(chanleak-orphaned-worker)
}

void suppressed_start_attribute() {
  mylib::Poller b;
  [[clang::suppress]] b.Start();
}

void suppressed_endless() {
  std::thread([] { for (;;) poll_once(); }).detach(); // NOLINT(chanleak-orphaned-worker)
}

void suppressed_endless_attribute() {
  [[clang::suppress("chanleak.OrphanedWorker")]] std::thread([] {
    for (;;)
      poll_once();
  }).detach();
}

// Naming another check silences nothing.
void suppressed_wrong_check() {
  mylib::Poller c;
  c.Start(); // NOLINT(chanleak-looping-timer)
  // expected-warning@-1 {{'c' is started but not stopped on every path: its worker thread outlives it}}
  // expected-note@-2 {{'c' is started but not stopped on every path: its worker thread outlives it}}
} // expected-note {{'suppressed_wrong_check' ends here without stopping 'c'}}

#else // REAL_STD

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <msd/channel.hpp>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

void index_doc(const std::string &doc);
void handle(int);
void flush();

// --- workers that wait on a member condition variable that Stop() notifies -------------
class Indexer {
public:
  void Start(int n) {
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this] { Run(); }); // expected-note {{thread spawned here, once per loop iteration}}
  }
  void Submit(std::string doc) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      docs_.push_back(std::move(doc));
    }
    cv_.notify_one();
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto &t : threads_)
      t.join();
    threads_.clear();
  }

private:
  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [this] { return stopping_ || !docs_.empty(); });
      // expected-warning@-1 {{worker of 'idx' waits here forever: 'idx' is started but not stopped on every path, so nothing notifies 'cv_'}}
      // expected-note@-2 {{worker of 'idx' waits here forever: 'idx' is started but not stopped on every path, so nothing notifies 'cv_'}}
      if (docs_.empty())
        return;
      std::string doc = std::move(docs_.front());
      docs_.pop_front();
      lk.unlock();
      index_doc(doc);
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> docs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

bool leaky_indexer(const std::vector<std::string> &docs) {
  Indexer idx;
  idx.Start(2); // expected-note {{'idx' is started here}}
  if (docs.empty()) // expected-note {{Assuming the condition is true}} expected-note {{Taking true branch}}
    return false; // expected-note {{'leaky_indexer' returns here without stopping 'idx'}}
  for (const auto &d : docs)
    idx.Submit(d);
  idx.Stop();
  return true;
}

bool fixed_indexer(const std::vector<std::string> &docs) {
  Indexer idx;
  idx.Start(2);
  if (docs.empty()) {
    idx.Stop();
    return false;
  }
  for (const auto &d : docs)
    idx.Submit(d);
  idx.Stop();
  return true;
}

// --- a member std::jthread draining a member msd::channel ------------------------------
class LeakyMember {
public:
  void Post(int v) { events_ << v; }

private:
  void Drain() {
    for (int v : events_)
      // expected-warning@-1 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
      // expected-note@-2 {{thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever}}
      handle(v);
  }
  msd::channel<int> events_{8};
  std::jthread worker_{[this] { Drain(); }}; // expected-note {{thread spawned here}}
};

void use_leaky_member() {
  LeakyMember m;
  m.Post(1);
}

// A stop_callback closes the channel when the jthread's destructor asks.
class FixedMember {
public:
  void Post(int v) { events_ << v; }

private:
  void Drain(std::stop_token stop) {
    std::stop_callback close_on_stop(stop, [this] { events_.close(); });
    for (int v : events_)
      handle(v);
  }
  msd::channel<int> events_{8};
  std::jthread worker_{[this](std::stop_token stop) { Drain(stop); }};
};

void use_fixed_member() {
  FixedMember m;
  m.Post(1);
}

// --- std::async ------------------------------------------------------------------------
int leaky_async() {
  auto fut = std::async(std::launch::async, [] {
    // expected-warning@-1 {{thread never ends: its loop has no exit, so the destructor of 'fut' waits forever}}
    // expected-note@-2 {{thread never ends: its loop has no exit, so the destructor of 'fut' waits forever}}
    // expected-note@-3 {{thread spawned here}}
    for (;;)
      flush();
    return 0;
  });
  return 1;
}

std::atomic<bool> g_quit{false};
int fixed_async() {
  auto fut = std::async(std::launch::async, [] {
    while (!g_quit)
      flush();
    return 0;
  });
  return 1;
}

#endif
