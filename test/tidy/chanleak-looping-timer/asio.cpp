// chanleak-looping-timer on an Asio coroutine (real header): a heartbeat that
// waits on a steady_timer forever, started per connection.
// REQUIRES: asio
// RUN: %check_chanleak_tidy %s chanleak-looping-timer %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <chrono>
#include <memory>

struct Connection {
  int pings = 0;
  bool open = true;
};

asio::awaitable<void> Heartbeat(std::shared_ptr<Connection> conn) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable); // #z1
    ++conn->pings;
  }
}

void StartHeartbeat(asio::io_context &io, std::shared_ptr<Connection> conn) {
  asio::co_spawn(io, Heartbeat(conn), asio::detached); // #s1
  // CHECK-NOTES: :[[@LINE-7]]:14: warning: thread sleeps in a loop forever with no stop condition: every call of 'StartHeartbeat' leaks another thread [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here
}

asio::awaitable<void> HeartbeatWhileOpen(std::shared_ptr<Connection> conn) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (conn->open) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable);
    ++conn->pings;
  }
}

void StartHeartbeatFixed(asio::io_context &io, std::shared_ptr<Connection> conn) {
  asio::co_spawn(io, HeartbeatWhileOpen(conn), asio::detached);
}

// A renewer that runs its own io_context on a thread. Nothing stops the
// context: the timer loop keeps it busy and the join in the destructor
// never returns.
class Renewer {
public:
  void start() {
    asio::co_spawn(io_, loop(), asio::detached);
    runner_ = std::thread([this] { io_.run(); });
  }
  ~Renewer() {
    if (runner_.joinable())
      runner_.join();
  }

private:
  asio::awaitable<void> loop() {
    asio::steady_timer timer(io_);
    for (;;) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(asio::use_awaitable);
    }
  }
  asio::io_context io_;
  std::thread runner_;
};
// CHECK-NOTES: :[[@LINE-6]]:16: warning: thread sleeps in a loop forever with no stop condition: every call of 'Renewer::start' leaks another thread [chanleak-looping-timer]
// CHECK-NOTES: :[[@LINE-20]]:5: note: thread spawned here

// Fixed: stopping the context abandons the coroutine, and run() returns.
class StoppedRenewer {
public:
  void start() {
    asio::co_spawn(io_.get_executor(), loop(), asio::detached);
    runner_ = std::thread([this] { io_.run(); });
  }
  ~StoppedRenewer() {
    io_.stop();
    if (runner_.joinable())
      runner_.join();
  }

private:
  asio::awaitable<void> loop() {
    asio::steady_timer timer(io_);
    for (;;) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(asio::use_awaitable);
    }
  }
  asio::io_context io_;
  std::thread runner_;
};
