// chanleak.DoubleSend: an error branch sends and goes on without returning,
// so the normal path sends again: on a channel whose receivers take one
// value the second send blocks forever; on a std::promise it throws. Covers
// Boost.Fiber channels, the annotated user channel and spawner, std::promise
// (mock and real: set_value, set_exception, promise<void>) and Asio channels,
// each with fixed twins; a sibling receiver; escapes; suppressions.
//
// Mock headers: Boost.Fiber, std (promise, thread), the annotated channel.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.DoubleSend -Xclang -verify -I%S/../tidy/Inputs %s
// The real standard library.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.DoubleSend -Xclang -verify -DREAL_STD %s
// Real Asio, without clang's own checkers, which misfire inside its headers.
// RUN: %if asio-channel %{ %analyze_chanleak -Xclang -analyzer-checker=chanleak.DoubleSend -Xclang -analyzer-disable-checker=core,cplusplus,deadcode,unix -Xclang -verify -DREAL_ASIO -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 %s %}

#if !defined(REAL_STD) && !defined(REAL_ASIO)

#include "mock-boost-fiber.h"
#include "user-queue.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool failed();
int compute();
void use(int);

// --- a rendezvous channel the parent receives from once ----------------------
int leaky_channel() {
  IntChan ch;
  std::thread([&ch] { // expected-note {{thread spawned here}}
    if (failed()) {
      ch.push(-1); // expected-note {{first send here; this branch goes on without returning}}
    }
    ch.push(compute());
    // expected-warning@-1 {{second send on 'ch' blocks forever: the receiver takes only 1 value}}
    // expected-note@-2 {{second send on 'ch' blocks forever: the receiver takes only 1 value}}
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

int fixed_channel_return() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
      return;
    }
    ch.push(compute());
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

int leaky_unbraced() {
  IntChan ch;
  std::thread([&ch] { // expected-note {{thread spawned here}}
    if (failed())
      ch.push(-2); // expected-note {{first send here; this branch goes on without returning}}
    ch.push(compute());
    // expected-warning@-1 {{second send on 'ch' blocks forever: the receiver takes only 1 value}}
    // expected-note@-2 {{second send on 'ch' blocks forever: the receiver takes only 1 value}}
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

int fixed_else() {
  IntChan ch;
  std::thread([&ch] {
    if (failed())
      ch.push(-2);
    else
      ch.push(compute());
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

// The receiver takes both values.
int fixed_two_receives() {
  IntChan ch;
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
  }).detach();
  int a, b;
  ch.pop(a);
  ch.pop(b);
  return a + b;
}

// buffered_channel(4) holds three values: the extra send fits.
int fixed_buffered() {
  boost::fibers::buffered_channel<int> ch{4};
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
  }).detach();
  int v;
  ch.pop(v);
  return v;
}

// A receive loop takes every value.
void fixed_receive_loop() {
  boost::fibers::buffered_channel<int> ch{2};
  std::thread([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
    ch.close();
  }).detach();
  int v;
  while (ch.pop(v) == boost::fibers::channel_op_status::success)
    use(v);
}

// --- the receiver is a sibling thread ------------------------------------------
void leaky_sibling_receiver() {
  IntChan ch;
  std::thread producer([&ch] { // expected-note {{thread spawned here}}
    if (failed()) {
      ch.push(-1); // expected-note {{first send here; this branch goes on without returning}}
    }
    ch.push(compute());
    // expected-warning@-1 {{second send on 'ch' blocks forever: the receiver takes only 1 value}}
    // expected-note@-2 {{second send on 'ch' blocks forever: the receiver takes only 1 value}}
  });
  std::thread consumer([&ch] {
    int v;
    ch.pop(v);
    use(v);
  });
  producer.join();
  consumer.join();
}

void fixed_sibling_receives_twice() {
  IntChan ch;
  std::thread producer([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
  });
  std::thread consumer([&ch] {
    int v;
    ch.pop(v);
    use(v);
    ch.pop(v);
    use(v);
  });
  producer.join();
  consumer.join();
}

// --- std::promise: the second set_value throws -----------------------------------
std::future<int> leaky_promise() {
  std::promise<int> done;
  auto result = done.get_future();
  std::thread([done = std::move(done)]() mutable { // expected-note {{thread spawned here}}
    if (failed()) {
      done.set_value(-1); // expected-note {{first set_value on 'done' here; this branch goes on without returning}}
    }
    done.set_value(compute());
    // expected-warning@-1 {{second set_value on 'done' throws std::future_error (promise_already_satisfied)}}
    // expected-note@-2 {{second set_value on 'done' throws std::future_error (promise_already_satisfied)}}
  }).detach();
  return result;
}

std::future<int> fixed_promise() {
  std::promise<int> done;
  auto result = done.get_future();
  std::thread([done = std::move(done)]() mutable {
    if (failed()) {
      done.set_value(-1);
      return;
    }
    done.set_value(compute());
  }).detach();
  return result;
}

// A spawned function, handed the promise by std::ref.
int send_twice(std::promise<int> &p) {
  if (failed()) {
    p.set_value(-3); // expected-note {{first set_value on 'p' here; this branch goes on without returning}}
  }
  p.set_value(1);
  // expected-warning@-1 {{second set_value on 'p' throws std::future_error (promise_already_satisfied)}}
  // expected-note@-2 {{second set_value on 'p' throws std::future_error (promise_already_satisfied)}}
  return 0;
}
int leaky_promise_helper() {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread t(send_twice, std::ref(p)); // expected-note {{thread spawned here}}
  t.join();
  return f.get();
}

int send_once(std::promise<int> &p) {
  if (failed()) {
    p.set_value(-3);
    return -1;
  }
  p.set_value(1);
  return 0;
}
int fixed_promise_helper() {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread t(send_once, std::ref(p));
  t.join();
  return f.get();
}

// Whoever else sees a promise, its second set_value throws all the same: an
// escape does not make this one safe.
void publish(std::promise<int> &p); // no body
int leaky_promise_published() {
  std::promise<int> p;
  auto f = p.get_future();
  publish(p);
  std::thread t([&p] { // expected-note {{thread spawned here}}
    if (failed()) {
      p.set_value(-1); // expected-note {{first set_value on 'p' here; this branch goes on without returning}}
    }
    p.set_value(1);
    // expected-warning@-1 {{second set_value on 'p' throws std::future_error (promise_already_satisfied)}}
    // expected-note@-2 {{second set_value on 'p' throws std::future_error (promise_already_satisfied)}}
  });
  t.join();
  return f.get();
}

// --- the annotated user channel, spawned by the annotated spawner ---------------
int leaky_annotated() {
  mylib::Handoff<int> h;
  mylib::RunAsync([&h] { // expected-note {{thread spawned here}}
    if (failed()) {
      h.Push(-1); // expected-note {{first send here; this branch goes on without returning}}
    }
    h.Push(1);
    // expected-warning@-1 {{second send on 'h' blocks forever: the receiver takes only 1 value}}
    // expected-note@-2 {{second send on 'h' blocks forever: the receiver takes only 1 value}}
  });
  int v;
  h.Pop(v);
  return v;
}

int fixed_annotated() {
  mylib::Handoff<int> h;
  mylib::RunAsync([&h] {
    if (failed()) {
      h.Push(-1);
      return;
    }
    h.Push(1);
  });
  int v;
  h.Pop(v);
  return v;
}

// Queue(1) holds the extra value.
int fixed_annotated_queue() {
  mylib::Queue<int> q{1};
  std::thread([&q] {
    if (failed()) {
      q.Push(-1);
    }
    q.Push(1);
  }).detach();
  int v;
  q.Pop(v);
  return v;
}

// --- escapes: code the analysis cannot see may receive the second value --------
void watch(IntChan &ch); // no body
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

std::shared_ptr<IntChan> g_inbox;
int escapes_to_global() {
  auto ch = std::make_shared<IntChan>();
  g_inbox = ch;
  std::thread([ch] {
    if (failed()) {
      ch->push(-1);
    }
    ch->push(1);
  }).detach();
  int v;
  ch->pop(v);
  return v;
}

int escapes_from_caller(IntChan &ch) {
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

// --- suppressions, on the line of the second send ---------------------------------
int suppressed() {
  IntChan a, b;
  std::thread([&a] {
    if (failed()) {
      a.push(-1);
    }
    a.push(1); // NOLINT(chanleak-double-send)
  }).detach();
  std::thread([&b] {
    if (failed()) {
      b.push(-1);
    }
    [[clang::suppress]] b.push(1);
  }).detach();
  int v;
  a.pop(v);
  b.pop(v);
  return v;
}

void suppressed_promise(std::promise<int> &p) {
  if (failed()) {
    p.set_value(-1);
  }
  [[clang::suppress("chanleak.DoubleSend")]] p.set_value(1);
}
void run_suppressed_promise() {
  std::promise<int> p;
  std::thread t(suppressed_promise, std::ref(p));
  t.join();
}

// Naming another check silences nothing.
int suppressed_wrong_check() {
  IntChan a, b;
  std::thread([&a] { // expected-note {{thread spawned here}}
    if (failed()) {
      a.push(-1); // expected-note {{first send here; this branch goes on without returning}}
    }
    a.push(1); // NOLINT(chanleak-early-return)
    // expected-warning@-1 {{second send on 'a' blocks forever: the receiver takes only 1 value}}
    // expected-note@-2 {{second send on 'a' blocks forever: the receiver takes only 1 value}}
  }).detach();
  std::thread([&b] { // expected-note {{thread spawned here}}
    if (failed()) {
      b.push(-1); // expected-note {{first send here; this branch goes on without returning}}
    }
    [[clang::suppress("chanleak-range-without-close")]] b.push(1);
    // expected-warning@-1 {{second send on 'b' blocks forever: the receiver takes only 1 value}}
    // expected-note@-2 {{second send on 'b' blocks forever: the receiver takes only 1 value}}
  }).detach();
  int v;
  a.pop(v);
  b.pop(v);
  return v;
}

#elif defined(REAL_STD)

#include <exception>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <utility>

bool validate(const std::string &text);

std::future<bool> load_async(std::string text) {
  std::promise<bool> done;
  auto result = done.get_future();
  std::thread([done = std::move(done), text]() mutable { // expected-note {{thread spawned here}}
    if (!validate(text)) {
      done.set_value(false); // expected-note {{first set_value on 'done' here; this branch goes on without returning}}
    }
    done.set_value(true);
    // expected-warning@-1 {{second set_value on 'done' throws std::future_error (promise_already_satisfied)}}
    // expected-note@-2 {{second set_value on 'done' throws std::future_error (promise_already_satisfied)}}
  }).detach();
  return result;
}

std::future<bool> load_async_fixed(std::string text) {
  std::promise<bool> done;
  auto result = done.get_future();
  std::thread([done = std::move(done), text]() mutable {
    if (!validate(text)) {
      done.set_value(false);
      return;
    }
    done.set_value(true);
  }).detach();
  return result;
}

// set_exception, then set_value.
void compute(std::promise<int> &p, bool bad) {
  if (bad) {
    p.set_exception(std::make_exception_ptr(42)); // expected-note {{first set_exception on 'p' here; this branch goes on without returning}}
  }
  p.set_value(1);
  // expected-warning@-1 {{second set_value on 'p' throws std::future_error (promise_already_satisfied)}}
  // expected-note@-2 {{second set_value on 'p' throws std::future_error (promise_already_satisfied)}}
}
int run_compute(bool bad) {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread t(compute, std::ref(p), bad); // expected-note {{thread spawned here}}
  t.join();
  return f.get();
}

void compute_fixed(std::promise<int> &p, bool bad) {
  if (bad) {
    p.set_exception(std::make_exception_ptr(42));
    return;
  }
  p.set_value(1);
}
int run_compute_fixed(bool bad) {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread t(compute_fixed, std::ref(p), bad);
  t.join();
  return f.get();
}

// promise<void> on a std::jthread.
void signal(std::promise<void> &ready, bool early) {
  if (early) {
    ready.set_value(); // expected-note {{first set_value on 'ready' here; this branch goes on without returning}}
  }
  ready.set_value();
  // expected-warning@-1 {{second set_value on 'ready' throws std::future_error (promise_already_satisfied)}}
  // expected-note@-2 {{second set_value on 'ready' throws std::future_error (promise_already_satisfied)}}
}
void run_signal(bool early) {
  std::promise<void> ready;
  auto f = ready.get_future();
  std::jthread t(signal, std::ref(ready), early); // expected-note {{thread spawned here}}
  f.wait();
}

void signal_fixed(std::promise<void> &ready, bool early) {
  if (early) {
    ready.set_value();
    return;
  }
  ready.set_value();
}
void run_signal_fixed(bool early) {
  std::promise<void> ready;
  auto f = ready.get_future();
  std::jthread t(signal_fixed, std::ref(ready), early);
  f.wait();
}

// --- a packaged_task called twice -------------------------------------------------------
int run_task_twice(bool retry) {
  std::packaged_task<int()> task([] { return 1; });
  auto f = task.get_future();
  std::thread t([&task, retry] { // expected-note {{thread spawned here}}
    if (retry) {
      task(); // expected-note {{first call of 'task' here; this branch goes on without returning}}
    }
    task();
    // expected-warning@-1 {{second call of 'task' throws std::future_error (promise_already_satisfied)}}
    // expected-note@-2 {{second call of 'task' throws std::future_error (promise_already_satisfied)}}
  });
  t.join();
  return f.get();
}

int run_task_once(bool retry) {
  std::packaged_task<int()> task([] { return 1; });
  auto f = task.get_future();
  std::thread t([&task, retry] {
    if (retry) {
      task();
      return;
    }
    task();
  });
  t.join();
  return f.get();
}

#else // REAL_ASIO

#include <asio.hpp>
#include <asio/experimental/channel.hpp>
#include <memory>

using Chan = asio::experimental::channel<void(asio::error_code, int)>;

bool failed();

asio::awaitable<void> fetch(std::shared_ptr<Chan> out) {
  if (failed()) {
    co_await out->async_send(asio::error_code{}, -1, asio::use_awaitable);
    // expected-note@-1 {{first send here; this branch goes on without returning}}
  }
  co_await out->async_send(asio::error_code{}, 1, asio::use_awaitable);
  // expected-warning@-1 {{second send on 'results' blocks forever: the receiver takes only 1 value}}
  // expected-note@-2 {{second send on 'results' blocks forever: the receiver takes only 1 value}}
}

asio::awaitable<int> asio_leaky() {
  auto ex = co_await asio::this_coro::executor;
  auto results = std::make_shared<Chan>(ex);
  asio::co_spawn(ex, fetch(results), asio::detached); // expected-note {{thread spawned here}}
  co_return co_await results->async_receive(asio::use_awaitable);
}

asio::awaitable<void> fetch_fixed(std::shared_ptr<Chan> out) {
  if (failed()) {
    co_await out->async_send(asio::error_code{}, -1, asio::use_awaitable);
    co_return;
  }
  co_await out->async_send(asio::error_code{}, 1, asio::use_awaitable);
}

asio::awaitable<int> asio_fixed() {
  auto ex = co_await asio::this_coro::executor;
  auto results = std::make_shared<Chan>(ex);
  asio::co_spawn(ex, fetch_fixed(results), asio::detached);
  co_return co_await results->async_receive(asio::use_awaitable);
}

// A channel with room for one holds the extra value.
asio::awaitable<void> fetch_buffered(std::shared_ptr<Chan> out) {
  if (failed()) {
    co_await out->async_send(asio::error_code{}, -1, asio::use_awaitable);
  }
  co_await out->async_send(asio::error_code{}, 1, asio::use_awaitable);
}

asio::awaitable<int> asio_fixed_buffered() {
  auto ex = co_await asio::this_coro::executor;
  auto results = std::make_shared<Chan>(ex, 1);
  asio::co_spawn(ex, fetch_buffered(results), asio::detached);
  co_return co_await results->async_receive(asio::use_awaitable);
}

#endif
