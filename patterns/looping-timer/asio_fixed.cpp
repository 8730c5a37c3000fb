// WebSocket heartbeat: every accepted connection starts a coroutine that
// pings on a fixed period.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "scenario.h"

struct Connection {
  std::string peer;
  int pings = 0;
  bool closed = false;
};

asio::awaitable<void> Heartbeat(std::shared_ptr<Connection> conn, std::chrono::milliseconds period) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!conn->closed) {
    timer.expires_after(period);
    co_await timer.async_wait(asio::use_awaitable);
    ++conn->pings;
  }
}

void StartHeartbeat(asio::io_context &io, std::shared_ptr<Connection> conn) {
  asio::co_spawn(io, Heartbeat(conn, std::chrono::milliseconds(10)), asio::detached);
}

asio::awaitable<void> ServeConnection(asio::io_context &io, std::string peer) {
  auto conn = std::make_shared<Connection>();
  conn->peer = peer;
  StartHeartbeat(io, conn);
  asio::steady_timer session(io, std::chrono::milliseconds(30)); // the client talks, then leaves
  co_await session.async_wait(asio::use_awaitable);
  conn->closed = true; // ends the heartbeat at its next tick
}

void AcceptOne() {
  asio::io_context io;
  asio::co_spawn(io, ServeConnection(io, "198.51.100.4"), asio::detached);
  io.run();
}

CHANLEAK_SCENARIO_MAIN(AcceptOne)
