// chanleak-range-without-close on Asio's channel (real header): a coroutine
// receives until the channel reports an error, and nobody closes it.
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>
#include <string>
#include <vector>

using LineChannel = asio::experimental::channel<void(asio::error_code, std::string)>;
using asio::experimental::as_tuple;

asio::awaitable<void> Ship(LineChannel &lines, std::vector<std::string> &out) {
  for (;;) {
    auto [ec, line] = co_await lines.async_receive(as_tuple(asio::use_awaitable)); // #w1
    if (ec)
      break;
    out.push_back(line);
  }
}

asio::awaitable<void> Feed(LineChannel &lines) {
  co_await lines.async_send(asio::error_code{}, "GET /", asio::use_awaitable);
}

void Leaky() {
  asio::io_context io;
  LineChannel lines(io, 4); // #d1
  std::vector<std::string> shipped;
  asio::co_spawn(io, Ship(lines, shipped), asio::detached); // #s1
  asio::co_spawn(io, Feed(lines), asio::detached);
  io.run();
  // CHECK-NOTES: :[[@LINE-18]]:32: warning: receive loop over 'lines' never ends: nothing closes 'lines' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-4]]:3: note: thread spawned here; it receives from 'lines'
  // CHECK-NOTES: :[[@LINE-7]]:15: note: 'lines' is declared here and never closed
}

asio::awaitable<void> ShipToo(LineChannel &lines, std::vector<std::string> &out) {
  for (;;) {
    auto [ec, line] = co_await lines.async_receive(as_tuple(asio::use_awaitable));
    if (ec)
      break;
    out.push_back(line);
  }
}

asio::awaitable<void> FeedAndClose(LineChannel &lines) {
  co_await lines.async_send(asio::error_code{}, "GET /", asio::use_awaitable);
  lines.close(); // close() completes waiting receivers
}

void Fixed() {
  asio::io_context io;
  LineChannel lines(io, 4);
  std::vector<std::string> shipped;
  asio::co_spawn(io, ShipToo(lines, shipped), asio::detached);
  asio::co_spawn(io, FeedAndClose(lines), asio::detached);
  io.run();
}
