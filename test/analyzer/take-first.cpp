// chanleak.TakeFirst: a loop spawns N senders on a channel too small for them
// and the parent receives once, so the others block forever; with zero
// iterations the parent's receive itself waits forever; N waiters on a
// condition variable woken by one notify_one. Covers Boost.Fiber channels,
// the annotated channel and spawner, msd::channel and condition variables,
// with constant, unknown, array and helper loops, each with fixed twins;
// escapes; suppressions.
//
// Mock headers: Boost.Fiber, std (thread, shared_ptr), the annotated channel.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.TakeFirst -Xclang -verify -I%S/../tidy/Inputs %s
// The real standard library: msd::channel, std::vector, condition variables.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.TakeFirst -Xclang -verify -DREAL_STD -I%S/../../patterns/include %s

#ifndef REAL_STD

#include "mock-boost-fiber.h"
#include "user-queue.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
using Buffered = boost::fibers::buffered_channel<int>;

int query(int replica);

// --- N senders, one receive ------------------------------------------------------
int leaky_constant_loop() {
  IntChan ch;
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received}}
  // expected-note@-2 {{send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 3 times in a loop}}
  int first;
  ch.pop(first); // expected-note {{the only receive from 'ch'}}
  return first;
}

int leaky_unknown_loop(int n) {
  IntChan ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever: one send per loop iteration on 'ch' but only 1 value is received}}
  // expected-note@-2 {{send on 'ch' blocks forever: one send per loop iteration on 'ch' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, once per loop iteration}}
  int first;
  ch.pop(first); // expected-note {{the only receive from 'ch'; if the loop spawns no thread, it waits forever}}
  return first;
}

// buffered_channel(4) holds three values: every sender finishes.
int fixed_buffered() {
  Buffered ch{4};
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  int first;
  ch.pop(first);
  return first;
}

// buffered_channel(2) holds one: two of the three senders block.
int leaky_buffered_too_small() {
  Buffered ch{2};
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received}}
  // expected-note@-2 {{send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 3 times in a loop}}
  int first;
  ch.pop(first); // expected-note {{the only receive from 'ch'}}
  return first;
}

// The parent drains every value.
int fixed_receive_each() {
  IntChan ch;
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  int best = 0, v;
  for (int i = 0; i < 3; ++i) {
    ch.pop(v);
    best = v > best ? v : best;
  }
  return best;
}

// try_push never blocks: the losers drop their answer.
int fixed_try_push() {
  Buffered ch{2};
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.try_push(query(i)); }).detach();
  int first;
  ch.pop(first);
  return first;
}

// A range-for over an array: the trip count is known.
int leaky_range_loop() {
  IntChan ch;
  const int replicas[] = {1, 2};
  for (int replica : replicas)
    std::thread([&ch, replica] { ch.push(query(replica)); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever: 2 sends on 'ch' but only 1 value is received}}
  // expected-note@-2 {{send on 'ch' blocks forever: 2 sends on 'ch' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 2 times in a loop}}
  int first;
  ch.pop(first); // expected-note {{the only receive from 'ch'}}
  return first;
}

int fixed_range_loop() {
  IntChan ch;
  const int replicas[] = {1, 2};
  for (int replica : replicas)
    std::thread([&ch, replica] { ch.push(query(replica)); }).detach();
  int a, b;
  ch.pop(a);
  ch.pop(b);
  return a < b ? a : b;
}

// --- helpers: a spawned function; a helper that spawns the loop --------------------
void answer(std::shared_ptr<IntChan> out, int i) { out->push(query(i)); }
// expected-warning@-1 {{send on 'ch' blocks forever: 4 sends on 'ch' but only 1 value is received}}
// expected-note@-2 {{send on 'ch' blocks forever: 4 sends on 'ch' but only 1 value is received}}
int leaky_helper_shared() {
  auto ch = std::make_shared<IntChan>();
  for (int i = 0; i < 4; ++i)
    std::thread(answer, ch, i).detach(); // expected-note {{thread spawned here, 4 times in a loop}}
  return ch->value_pop(); // expected-note {{the only receive from 'ch'}}
}

void ask_all(const std::shared_ptr<IntChan> &out) {
  for (int i = 0; i < 3; ++i)
    std::thread([out, i] { out->push(query(i)); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received}}
  // expected-note@-2 {{send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 3 times in a loop}}
}
int leaky_spawn_loop_in_helper() {
  auto ch = std::make_shared<IntChan>();
  ask_all(ch);
  return ch->value_pop(); // expected-note {{the only receive from 'ch'}}
}

void ask_all_too(const std::shared_ptr<Buffered> &out) {
  for (int i = 0; i < 3; ++i)
    std::thread([out, i] { out->push(query(i)); }).detach();
}
int fixed_spawn_loop_in_helper() {
  auto ch = std::make_shared<Buffered>(4);
  ask_all_too(ch);
  return ch->value_pop();
}

// --- zero senders: a count some call passes as 0 --------------------------------------
int leaky_count(int n) {
  auto answers = std::make_shared<Buffered>(2);
  for (int i = 0; i < n; ++i) // expected-note {{the only senders are spawned in this loop, which runs 'n' times}}
    std::thread([answers] { answers->try_push(query(0)); }).detach();
  int value;
  answers->pop(value);
  // expected-warning@-1 {{receive from 'answers' waits forever when 'n' is 0: the loop then spawns no thread to send}}
  // expected-note@-2 {{receive from 'answers' waits forever when 'n' is 0: the loop then spawns no thread to send}}
  return value;
}
int relay_count(int n) { return leaky_count(n); } // expected-note {{'leaky_count' is called here with 'n' that may be 0}}
int read_none() { return relay_count(0); }

// Every call passes a positive count.
int fixed_count(int n) {
  auto answers = std::make_shared<Buffered>(2);
  for (int i = 0; i < n; ++i)
    std::thread([answers] { answers->try_push(query(0)); }).detach();
  int value;
  answers->pop(value);
  return value;
}
int read_three() { return fixed_count(3); }

// --- the annotated channel, spawned by the annotated spawner ----------------------------
int leaky_annotated() {
  mylib::Handoff<int> h;
  for (int r = 0; r < 2; ++r)
    mylib::RunAsync([&h, r] { h.Push(r); });
  // expected-warning@-1 {{send on 'h' blocks forever: 2 sends on 'h' but only 1 value is received}}
  // expected-note@-2 {{send on 'h' blocks forever: 2 sends on 'h' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 2 times in a loop}}
  int v;
  h.Pop(v); // expected-note {{the only receive from 'h'}}
  return v;
}

// Queue(2) holds both values.
int fixed_annotated() {
  mylib::Queue<int> q{2};
  for (int r = 0; r < 2; ++r)
    mylib::RunAsync([&q, r] { q.Push(r); });
  int v;
  q.Pop(v);
  return v;
}

// --- escapes: code the analysis cannot see may receive the rest -----------------------
void also_read_by(IntChan &ch); // no body
int escapes_to_opaque() {
  IntChan ch;
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  also_read_by(ch);
  int first;
  ch.pop(first);
  return first;
}

std::shared_ptr<IntChan> g_rest;
int escapes_to_global() {
  auto ch = std::make_shared<IntChan>();
  for (int i = 0; i < 3; ++i)
    std::thread([ch, i] { ch->push(query(i)); }).detach();
  g_rest = ch;
  return ch->value_pop();
}

// --- suppressions, on the line of the blocked send ----------------------------------------
int suppressed() {
  IntChan a, b;
  for (int i = 0; i < 3; ++i) {
    std::thread([&a, i] { a.push(query(i)); }).detach(); // NOLINT(chanleak-take-first)
    std::thread([&b, i] { [[clang::suppress]] b.push(query(i)); }).detach();
  }
  int v;
  a.pop(v);
  b.pop(v);
  return v;
}

// Naming another check silences nothing.
int suppressed_wrong_check() {
  IntChan c;
  for (int i = 0; i < 3; ++i)
    std::thread([&c, i] { c.push(query(i)); }).detach(); // NOLINT(chanleak-early-return)
  // expected-warning@-1 {{send on 'c' blocks forever: 3 sends on 'c' but only 1 value is received}}
  // expected-note@-2 {{send on 'c' blocks forever: 3 sends on 'c' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 3 times in a loop}}
  int v;
  c.pop(v); // expected-note {{the only receive from 'c'}}
  return v;
}

#else // REAL_STD

#include <condition_variable>
#include <memory>
#include <msd/channel.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

std::string ask(const std::string &replica);
std::string ask_n(int replica);
std::vector<std::string> from_config();

// --- msd::channel ------------------------------------------------------------------
std::string msd_leaky() {
  auto answers = std::make_shared<msd::channel<std::string>>(1);
  for (int r = 0; r < 3; ++r)
    std::thread([answers, r] { *answers << ask_n(r); }).detach();
  // expected-warning@-1 {{send on 'answers' blocks forever: 3 sends on 'answers' but only 1 value is received}}
  // expected-note@-2 {{send on 'answers' blocks forever: 3 sends on 'answers' but only 1 value is received}}
  // expected-note@-3 {{thread spawned here, 3 times in a loop}}
  std::string first;
  *answers >> first; // expected-note {{the only receive from 'answers'}}
  return first;
}

// msd::channel<T>() never blocks a writer.
std::string msd_fixed_unbounded() {
  auto answers = std::make_shared<msd::channel<std::string>>();
  for (int r = 0; r < 3; ++r)
    std::thread([answers, r] { *answers << ask_n(r); }).detach();
  std::string first;
  *answers >> first;
  return first;
}

// --- zero senders: a container some caller may pass empty --------------------------------
std::string leaky_first(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<msd::channel<std::string>>(2);
  for (const auto &r : replicas) // expected-note {{the only senders are spawned in this loop over 'replicas'}}
    std::thread([answers, r] { answers->write(ask(r)); }).detach();
  std::string value;
  answers->read(value);
  // expected-warning@-1 {{receive from 'answers' waits forever when 'replicas' is empty: the loop then spawns no thread to send}}
  // expected-note@-2 {{receive from 'answers' waits forever when 'replicas' is empty: the loop then spawns no thread to send}}
  return value;
}
std::string read_from_config() { return leaky_first(from_config()); } // expected-note {{'leaky_first' is called here with 'replicas' that may be empty}}

// The empty case is handled.
std::string fixed_guard(const std::vector<std::string> &replicas) {
  if (replicas.empty())
    return {};
  auto answers = std::make_shared<msd::channel<std::string>>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->write(ask(r)); }).detach();
  std::string value;
  answers->read(value);
  return value;
}
std::string read_guarded() { return fixed_guard(from_config()); }

// Every caller passes a list with elements.
std::string fixed_callers(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<msd::channel<std::string>>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->write(ask(r)); }).detach();
  std::string value;
  answers->read(value);
  return value;
}
std::string read_known() { return fixed_callers({"eu", "us"}); }

// --- several waiters, one notify_one -----------------------------------------------------
void leaky_notify_one_two_waiters() {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  auto wait_open = [&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return open; });
    // expected-warning@-1 {{wait on 'cv' blocks forever: notify_one wakes only one of the threads waiting for this state}}
    // expected-note@-2 {{wait on 'cv' blocks forever: notify_one wakes only one of the threads waiting for this state}}
  };
  std::jthread a(wait_open), b(wait_open); // expected-note {{thread spawned here}}
  {
    std::lock_guard<std::mutex> lk(m);
    open = true;
  }
  cv.notify_one(); // expected-note {{only one waiter is woken here}}
}

void fixed_notify_all_two_waiters() {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  auto wait_open = [&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return open; });
  };
  std::jthread a(wait_open), b(wait_open);
  {
    std::lock_guard<std::mutex> lk(m);
    open = true;
  }
  cv.notify_all();
}

#endif
