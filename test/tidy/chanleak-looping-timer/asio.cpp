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
