// chanleak.LoopingTimer: a thread that sleeps or waits on a timer in a loop
// forever, with no stop condition, started by a function any caller can call
// again. Covers std::this_thread::sleep_for/sleep_until, POSIX sleep/usleep,
// boost::this_fiber::sleep_for on a fiber, the annotated sleep and spawner,
// a sleep in a helper, and Asio's steady_timer (synchronous and in a
// coroutine), each with fixed twins (a loop condition, a break, a stop token);
// main()'s own thread; a thread body the analysis cannot see; suppressions.
//
// Mock headers: Boost.Fiber, std (thread, chrono, stop_token), the annotated
// sleep.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.LoopingTimer -Xclang -verify -I%S/../tidy/Inputs %s
// The real standard library and POSIX sleeps.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.LoopingTimer -Xclang -verify -DREAL_STD %s
// Real Asio, without clang's own checkers, which misfire inside its headers.
// RUN: %if asio %{ %analyze_chanleak -Xclang -analyzer-checker=chanleak.LoopingTimer -Xclang -analyzer-disable-checker=core,cplusplus,deadcode,unix -Xclang -verify -DREAL_ASIO -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 %s %}

#if !defined(REAL_STD) && !defined(REAL_ASIO)

#include "mock-boost-fiber.h"
#include "user-queue.h"

void report_state();
bool done();

// --- std::this_thread::sleep_for ----------------------------------------------------
void leaky_reporter() {
  std::thread([] { // expected-note {{thread spawned here}}
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_reporter' leaks another thread}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_reporter' leaks another thread}}
      report_state();
    }
  }).detach();
}

void fixed_stop_condition() {
  std::thread([] {
    while (!done()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report_state();
    }
  }).detach();
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

void fixed_stop_token() {
  std::jthread reporter([](std::stop_token st) {
    while (!st.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report_state();
    }
  });
}

// The sleep is in a function the thread calls.
void pause_a_second() {
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_sleep_in_helper' leaks another thread}}
  // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_sleep_in_helper' leaks another thread}}
}
void leaky_sleep_in_helper() {
  std::thread([] { // expected-note {{thread spawned here}}
    for (;;) {
      pause_a_second();
      report_state();
    }
  }).detach();
}

void pause_a_second_too() { std::this_thread::sleep_for(std::chrono::seconds(1)); }
void fixed_sleep_in_helper() {
  std::thread([] {
    while (!done()) {
      pause_a_second_too();
      report_state();
    }
  }).detach();
}

// --- a Boost fiber sleeping with this_fiber::sleep_for ----------------------------------
void leaky_fiber() {
  boost::fibers::fiber([] { // expected-note {{thread spawned here}}
    while (true) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(100));
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_fiber' leaks another thread}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_fiber' leaks another thread}}
      report_state();
    }
  }).detach();
}

void fixed_fiber() {
  boost::fibers::fiber([] {
    while (!done()) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(100));
      report_state();
    }
  }).detach();
}

// --- an annotated sleep (CHANLEAK_SLEEP), stop check and spawner -----------------------
void tick() {
  for (;;) {
    mylib::SleepMs(50);
    // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_annotated' leaks another thread}}
    // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_annotated' leaks another thread}}
    report_state();
  }
}
void leaky_annotated() { mylib::RunAsync(tick); } // expected-note {{thread spawned here}}

void tick_until(const mylib::StopFlag *stop) {
  while (!stop->Requested())
    mylib::SleepMs(50);
}
void fixed_annotated(const mylib::StopFlag *stop) { mylib::RunAsync(tick_until, stop); }

// --- started once from main(): it lives as long as the program, as intended --------------
int main() {
  std::thread([] {
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1));
  }).detach();
}

// --- a thread body the analysis cannot see: no guess ------------------------------------
void run_forever(); // no body
void opaque_body() { std::thread(run_forever).detach(); }

// --- suppressions, on the line of the sleep ------------------------------------------------
void suppressed_nolint() {
  std::thread([] {
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1)); // NOLINT(chanleak-looping-timer)
  }).detach();
}

void suppressed_attribute() {
  std::thread([] {
    for (;;)
      [[clang::suppress]] std::this_thread::sleep_for(std::chrono::seconds(1));
  }).detach();
}

// Naming another check silences nothing.
void suppressed_wrong_check() {
  std::thread([] { // expected-note {{thread spawned here}}
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1)); // NOLINT(chanleak-orphaned-worker)
    // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'suppressed_wrong_check' leaks another thread}}
    // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'suppressed_wrong_check' leaks another thread}}
  }).detach();
}

#elif defined(REAL_STD)

#include <chrono>
#include <stop_token>
#include <thread>
#include <unistd.h>

void report_state();
bool done();

// --- POSIX sleeps -------------------------------------------------------------------------
void leaky_posix_sleep() {
  std::thread([] { // expected-note {{thread spawned here}}
    for (;;) {
      sleep(1);
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_posix_sleep' leaks another thread}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_posix_sleep' leaks another thread}}
      report_state();
    }
  }).detach();
}

void fixed_posix_sleep() {
  std::thread([] {
    while (!done()) {
      sleep(1);
      report_state();
    }
  }).detach();
}

void leaky_usleep() {
  std::thread([] { // expected-note {{thread spawned here}}
    while (true) {
      usleep(1000);
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_usleep' leaks another thread}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_usleep' leaks another thread}}
      report_state();
    }
  }).detach();
}

// --- std::this_thread::sleep_until ------------------------------------------------------
void leaky_sleep_until() {
  std::thread([] { // expected-note {{thread spawned here}}
    for (;;) {
      std::this_thread::sleep_until(std::chrono::steady_clock::now() + std::chrono::seconds(1));
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_sleep_until' leaks another thread}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_sleep_until' leaks another thread}}
      report_state();
    }
  }).detach();
}

// A stop token from the caller.
void fixed_stop_token(std::stop_token stop) {
  std::thread([stop] {
    while (!stop.stop_requested()) {
      std::this_thread::sleep_until(std::chrono::steady_clock::now() + std::chrono::seconds(1));
      report_state();
    }
  }).detach();
}

// --- a jthread's destructor joins: the caller hangs rather than leaks ---------------------
void leaky_jthread_ignores_stop() {
  std::jthread reporter([] { // expected-note {{thread spawned here}}
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: the destructor of 'reporter' waits forever}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: the destructor of 'reporter' waits forever}}
      report_state();
    }
  });
}

void fixed_jthread_stops() {
  std::jthread reporter([](std::stop_token st) {
    while (!st.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      report_state();
    }
  });
}

#else // REAL_ASIO

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <thread>

struct Connection {
  int pings = 0;
  bool open = true;
};

// --- a coroutine heartbeat, started per connection ------------------------------------
asio::awaitable<void> heartbeat(std::shared_ptr<Connection> conn) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable);
    // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'start_heartbeat' leaks another thread}}
    // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'start_heartbeat' leaks another thread}}
    ++conn->pings;
  }
}

void start_heartbeat(asio::io_context &io, std::shared_ptr<Connection> conn) {
  asio::co_spawn(io, heartbeat(conn), asio::detached); // expected-note {{thread spawned here}}
}

asio::awaitable<void> heartbeat_while_open(std::shared_ptr<Connection> conn) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (conn->open) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable);
    ++conn->pings;
  }
}

void start_heartbeat_fixed(asio::io_context &io, std::shared_ptr<Connection> conn) {
  asio::co_spawn(io, heartbeat_while_open(conn), asio::detached);
}

// --- a completion handler that arms its own timer again ---------------------------------
class Pinger {
public:
  explicit Pinger(asio::io_context &io) : timer_(io) {}

  void start() {
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([this](const asio::error_code &ec) { on_tick(ec); }); // expected-note {{the first wait is armed here}}
  }

private:
  void on_tick(const asio::error_code &ec) {
    if (ec == asio::error::operation_aborted)
      return;
    ++pings_;
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([this](const asio::error_code &ec) { on_tick(ec); });
    // expected-warning@-1 {{timer wait repeats forever: its completion handler arms 'timer_' again on every path, and nothing cancels the timer or stops its event loop, so the loop's run() never returns}}
    // expected-note@-2 {{timer wait repeats forever: its completion handler arms 'timer_' again on every path, and nothing cancels the timer or stops its event loop, so the loop's run() never returns}}
  }

  asio::steady_timer timer_;
  int pings_ = 0;
};

// Fixed twin: the handler stops on a flag stop() sets.
class StoppablePinger {
public:
  explicit StoppablePinger(asio::io_context &io) : timer_(io) {}

  void start() { arm(); }
  void stop() { stopping_ = true; }

private:
  void arm() {
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([this](const asio::error_code &ec) {
      if (!ec && !stopping_)
        arm();
    });
  }

  asio::steady_timer timer_;
  bool stopping_ = false;
};

// --- a synchronous timer wait on a thread -------------------------------------------------
void leaky_sync_timer() {
  std::thread([] { // expected-note {{thread spawned here}}
    asio::io_context io;
    asio::steady_timer timer(io);
    for (;;) {
      timer.expires_after(std::chrono::seconds(1));
      timer.wait();
      // expected-warning@-1 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_sync_timer' leaks another thread}}
      // expected-note@-2 {{thread sleeps in a loop forever with no stop condition: every call of 'leaky_sync_timer' leaks another thread}}
    }
  }).detach();
}

void fixed_sync_timer(std::shared_ptr<Connection> conn) {
  std::thread([conn] {
    asio::io_context io;
    asio::steady_timer timer(io);
    while (conn->open) {
      timer.expires_after(std::chrono::seconds(1));
      timer.wait();
    }
  }).detach();
}

#endif
