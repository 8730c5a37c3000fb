// Log shipper: one coroutine batches lines from a channel that the request
// handlers feed; the shipper flushes whatever is pending when the input ends.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <string>
#include <vector>

#include "scenario.h"

using LineChannel = asio::experimental::channel<void(asio::error_code, std::string)>;
using asio::experimental::as_tuple;

asio::awaitable<void> Ship(LineChannel &lines, std::vector<std::string> &shipped) {
  std::vector<std::string> batch;
  for (;;) {
    auto [ec, line] = co_await lines.async_receive(as_tuple(asio::use_awaitable));
    if (ec)
      break;
    batch.push_back(std::move(line));
    if (batch.size() == 2) {
      shipped.insert(shipped.end(), batch.begin(), batch.end());
      batch.clear();
    }
  }
  shipped.insert(shipped.end(), batch.begin(), batch.end());
}

asio::awaitable<void> Handle(LineChannel &lines, std::vector<std::string> requests) {
  for (auto &r : requests)
    co_await lines.async_send(asio::error_code{}, "GET " + r, asio::use_awaitable);
  lines.close();
}

void ServeBatch() {
  asio::io_context io;
  LineChannel lines(io);
  std::vector<std::string> shipped;
  asio::co_spawn(io, Ship(lines, shipped), asio::detached);
  asio::co_spawn(io, Handle(lines, {"/", "/about", "/login"}), asio::detached);
  io.run();
}

CHANLEAK_SCENARIO_MAIN(ServeBatch)
