// chanleak.CancelTimeout: the parent waits with a deadline (or checks for
// cancellation), gives up and leaves; the child's later send, or wait, blocks
// forever. Reported on the path through the wait that gives up. Covers timed
// and try receives on Boost.Fiber channels, the annotated channel's timed
// receive, std::stop_token, std::future::wait_for, condition_variable::wait_for
// and Asio's `||` race, each with fixed twins; a give-up on an infeasible path
// (silent); escapes; suppressions.
//
// Mock headers: Boost.Fiber, std (future, stop_token, thread), the annotated
// channel.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.CancelTimeout -Xclang -verify -I%S/../tidy/Inputs %s
// The real standard library: condition variables.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.CancelTimeout -Xclang -verify -DREAL_STD %s
// Real Asio, without clang's own checkers, which misfire inside its headers.
// RUN: %if asio-channel %{ %analyze_chanleak -Xclang -analyzer-checker=chanleak.CancelTimeout -Xclang -analyzer-disable-checker=core,cplusplus,deadcode,unix -Xclang -verify -DREAL_ASIO -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 %s %}

#if !defined(REAL_STD) && !defined(REAL_ASIO)

#include "mock-boost-fiber.h"
#include "user-queue.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
using boost::fibers::channel_op_status;

int slow_lookup();
void use(int);

// --- pop_wait_for ----------------------------------------------------------------
int leaky_pop_wait_for() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-3 {{thread spawned here}}
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'leaky_pop_wait_for' returns here without receiving from 'ch'}}
  return v;
}

// buffered_channel(2) holds the late value.
int fixed_buffered() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
    return -1;
  return v;
}

// Closing on the timeout path wakes the sender.
int fixed_close_on_timeout() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout) {
    ch.close();
    return -1;
  }
  return v;
}

// On timeout the parent still takes the value before leaving.
int fixed_wait_after_timeout() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout) {
    ch.pop(v);
    return -1;
  }
  return v;
}

// The outcome kept in a variable and tested later.
int leaky_outcome_kept() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-3 {{thread spawned here}}
  int v;
  bool got = ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::success;
  // expected-note@-1 {{the wait can give up here}}
  // expected-note@-2 {{Assuming the condition is false}}
  use(0);
  if (!got) // expected-note {{'got' is false}} expected-note {{Taking true branch}}
    return -1; // expected-note {{'leaky_outcome_kept' returns here without receiving from 'ch'}}
  return v;
}

int fixed_outcome_kept() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  bool got = ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::success;
  use(0);
  if (!got)
    return -1;
  return v;
}

// A give-up on a path that cannot run: the clang-tidy check, which does not
// follow paths, reports it; the analyzer must not.
int infeasible_give_up(int n) {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v = 0;
  if (n < 0)
    n = 0;
  if (n < 0) {
    if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
      return -1;
    return v;
  }
  ch.pop(v);
  return v;
}

// --- try_pop: a poll that gives up at once -----------------------------------------
int leaky_try_pop() {
  boost::fibers::buffered_channel<int> ch{2};
  // The first push fits in the one-value buffer; the second blocks.
  std::thread([&ch] { ch.push(1); ch.push(2); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-3 {{thread spawned here}}
  int v;
  if (ch.try_pop(v) != channel_op_status::success)
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'leaky_try_pop' returns here without receiving from 'ch'}}
  use(v);
  ch.pop(v);
  return v;
}

// buffered_channel(4) holds both values.
int fixed_try_pop() {
  boost::fibers::buffered_channel<int> ch{4};
  std::thread([&ch] { ch.push(1); ch.push(2); }).detach();
  int v;
  if (ch.try_pop(v) != channel_op_status::success)
    return -1;
  use(v);
  ch.pop(v);
  return v;
}

// --- a std::stop_token checked by the parent ----------------------------------------
int leaky_stop_requested(std::stop_token stop) {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  // expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-3 {{thread spawned here}}
  if (stop.stop_requested())
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'leaky_stop_requested' returns here without receiving from 'ch'}}
  int v;
  ch.pop(v);
  return v;
}

int fixed_stop_checked_before_spawn(std::stop_token stop) {
  if (stop.stop_requested())
    return -1;
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  ch.pop(v);
  return v;
}

// --- std::future::wait_for; the child sends on a channel after set_value ------------
int leaky_future_wait_for() {
  IntChan ch;
  std::promise<int> ready;
  auto f = ready.get_future();
  std::thread([&ch, &ready] { // expected-note {{thread spawned here}}
    ready.set_value(1);
    ch.push(slow_lookup());
    // expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
    // expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  }).detach();
  if (f.wait_for(std::chrono::milliseconds(20)) == std::future_status::timeout)
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'leaky_future_wait_for' returns here without receiving from 'ch'}}
  int v;
  ch.pop(v);
  return v;
}

// The value itself travels in the promise: set_value never blocks.
int fixed_future_wait_for() {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread([p = std::move(p)]() mutable { p.set_value(slow_lookup()); }).detach();
  if (f.wait_for(std::chrono::milliseconds(20)) == std::future_status::timeout)
    return -1;
  return f.get();
}

// --- a helper sends; the channel is shared through a shared_ptr ----------------------
void answer(std::shared_ptr<IntChan> out) { out->push(slow_lookup()); }
// expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
// expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
int leaky_helper_shared() {
  auto ch = std::make_shared<IntChan>();
  std::thread(answer, ch).detach(); // expected-note {{thread spawned here}}
  int v;
  if (ch->pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success)
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'leaky_helper_shared' returns here without receiving from 'ch'}}
  return v;
}

// --- the annotated channel's timed receive (CHANLEAK_TIMED_RECV) ---------------------
int leaky_annotated() {
  auto box = std::make_shared<mylib::Handoff<int>>();
  mylib::RunAsync([box] { box->Push(slow_lookup()); });
  // expected-warning@-1 {{send on 'box' blocks forever once the waiter gives up: nobody is left receiving from 'box' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'box' blocks forever once the waiter gives up: nobody is left receiving from 'box' after the timeout or cancellation}}
  // expected-note@-3 {{thread spawned here}}
  int value;
  if (!box->PopFor(value, std::chrono::milliseconds(20)))
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'leaky_annotated' returns here without receiving from 'box'}}
  return value;
}

// Queue(1) holds the late value.
int fixed_annotated() {
  auto box = std::make_shared<mylib::Queue<int>>(1);
  mylib::RunAsync([box] { box->Push(slow_lookup()); });
  int value;
  if (!box->Pop(value))
    return -1;
  return value;
}

// --- escapes: code the analysis cannot see may receive the late value ---------------
void keep(std::shared_ptr<IntChan> ch); // no body
int escapes_to_opaque() {
  auto ch = std::make_shared<IntChan>();
  std::thread([ch] { ch->push(slow_lookup()); }).detach();
  int v;
  if (ch->pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success) {
    keep(ch);
    return -1;
  }
  return v;
}

std::shared_ptr<IntChan> g_late;
int escapes_to_global() {
  auto ch = std::make_shared<IntChan>();
  std::thread([ch] { ch->push(slow_lookup()); }).detach();
  int v;
  if (ch->pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success) {
    g_late = ch;
    return -1;
  }
  return v;
}

// --- suppressions, on the line of the stranded send ------------------------------------
int suppressed_nolint() {
  IntChan a;
  std::thread([&a] { a.push(slow_lookup()); }).detach(); // NOLINT(chanleak-cancel-timeout)
  int v;
  if (a.pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success)
    return -1;
  return v;
}

int suppressed_attribute() {
  IntChan b;
  std::thread([&b] {
    [[clang::suppress]] b.push(slow_lookup());
  }).detach();
  int v;
  if (b.pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success)
    return -1;
  return v;
}

// Naming another check silences nothing.
int suppressed_wrong_check() {
  IntChan c;
  std::thread([&c] { c.push(slow_lookup()); }).detach(); // NOLINT(chanleak-early-return)
  // expected-warning@-1 {{send on 'c' blocks forever once the waiter gives up: nobody is left receiving from 'c' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'c' blocks forever once the waiter gives up: nobody is left receiving from 'c' after the timeout or cancellation}}
  // expected-note@-3 {{thread spawned here}}
  int v;
  if (c.pop_wait_for(v, std::chrono::milliseconds(5)) != channel_op_status::success)
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return -1; // expected-note {{'suppressed_wrong_check' returns here without receiving from 'c'}}
  return v;
}

// --- a jthread's destructor then joins the stranded sender ------------------------
int leaky_pop_wait_for_jthread() {
  IntChan ch;
  std::jthread sender([&ch] { ch.push(slow_lookup()); }); // expected-note {{thread spawned here}}
  // expected-warning@-1 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'ch' blocks forever once the waiter gives up: nobody is left receiving from 'ch' after the timeout or cancellation}}
  // expected-note@-3 {{the destructor of 'sender' then waits forever for the stranded thread}}
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout) // expected-note {{the wait can give up here}}
    return -1; // expected-note {{'leaky_pop_wait_for_jthread' returns here without receiving from 'ch'}}
  return v;
}

int fixed_pop_wait_for_jthread() {
  boost::fibers::buffered_channel<int> ch{2};
  std::jthread sender([&ch] { ch.push(slow_lookup()); });
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout)
    return -1;
  return v;
}

#elif defined(REAL_STD)

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

double fetch_price();

// The child hands its value over and waits until it is taken.
struct Exchange {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<double> slot;
  bool taken = false;
};

std::optional<double> price_within(std::chrono::milliseconds budget) {
  auto x = std::make_shared<Exchange>();
  std::thread([x] { // expected-note {{thread spawned here}}
    double price = fetch_price();
    std::unique_lock<std::mutex> lk(x->mu);
    x->slot = price;
    x->cv.notify_all();
    x->cv.wait(lk, [&] { return x->taken; });
    // expected-warning@-1 {{wait on 'cv' blocks forever once the waiter gives up: nobody is left notifying 'cv' after the timeout or cancellation}}
    // expected-note@-2 {{wait on 'cv' blocks forever once the waiter gives up: nobody is left notifying 'cv' after the timeout or cancellation}}
  }).detach();
  std::unique_lock<std::mutex> lk(x->mu);
  if (!x->cv.wait_for(lk, budget, [&] { return x->slot.has_value(); }))
    // expected-note@-1 {{the wait can give up here}}
    // expected-note@-2 {{Assuming the condition is true}}
    // expected-note@-3 {{Taking true branch}}
    return std::nullopt; // expected-note {{'price_within' returns here without notifying 'cv'}}
  auto price = *x->slot;
  x->taken = true;
  x->cv.notify_all();
  return price;
}

// The child does not wait for the hand-over.
std::optional<double> price_within_fixed(std::chrono::milliseconds budget) {
  auto x = std::make_shared<Exchange>();
  std::thread([x] {
    double price = fetch_price();
    std::unique_lock<std::mutex> lk(x->mu);
    x->slot = price;
    x->cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lk(x->mu);
  if (!x->cv.wait_for(lk, budget, [&] { return x->slot.has_value(); }))
    return std::nullopt;
  return *x->slot;
}

#else // REAL_ASIO

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using CityChannel = asio::experimental::channel<void(asio::error_code, std::string)>;

asio::awaitable<void> lookup_city(std::shared_ptr<CityChannel> out) {
  co_await asio::steady_timer(out->get_executor(), 50ms).async_wait(asio::use_awaitable);
  co_await out->async_send(asio::error_code{}, "Lyon", asio::use_awaitable);
  // expected-warning@-1 {{send on 'answer' blocks forever once the waiter gives up: nobody is left receiving from 'answer' after the timeout or cancellation}}
  // expected-note@-2 {{send on 'answer' blocks forever once the waiter gives up: nobody is left receiving from 'answer' after the timeout or cancellation}}
}

// The timer wins the race: the receive is cancelled and the handler leaves.
asio::awaitable<void> race_leaky(std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex);
  asio::co_spawn(ex, lookup_city(answer), asio::detached); // expected-note {{thread spawned here}}
  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) || // expected-note {{the wait can give up here}}
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
} // expected-note {{'race_leaky' ends here without receiving from 'answer'}}

asio::awaitable<void> lookup_city_too(std::shared_ptr<CityChannel> out) {
  co_await asio::steady_timer(out->get_executor(), 50ms).async_wait(asio::use_awaitable);
  co_await out->async_send(asio::error_code{}, "Lyon", asio::use_awaitable);
}

// cancel() completes the pending late send.
asio::awaitable<void> race_fixed(std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex);
  asio::co_spawn(ex, lookup_city_too(answer), asio::detached);
  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) ||
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
  answer->cancel();
}

#endif
