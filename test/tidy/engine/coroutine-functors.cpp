// A coroutine made by calling a functor (`Shipper{}(lines)`): the functor is
// the object the call runs on, and the arguments bind its parameters.
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>
#include <string>

using LineChannel = asio::experimental::channel<void(asio::error_code, std::string)>;
using asio::experimental::as_tuple;

struct Shipper {
  asio::awaitable<void> operator()(LineChannel &lines) const {
    for (;;) {
      auto [ec, line] = co_await lines.async_receive(as_tuple(asio::use_awaitable));
      // CHECK-NOTES: :[[@LINE-1]]:34: warning: receive loop over 'lines' never ends: nothing closes 'lines' [chanleak-range-without-close]
      if (ec)
        break;
    }
  }
};

asio::awaitable<void> Feed(LineChannel &lines) {
  co_await lines.async_send(asio::error_code{}, "GET /", asio::use_awaitable);
}

asio::awaitable<void> FeedAndClose(LineChannel &lines) {
  co_await lines.async_send(asio::error_code{}, "GET /", asio::use_awaitable);
  lines.close();
}

void leaky_nobody_closes() {
  asio::io_context io;
  LineChannel lines(io, 4);
  asio::co_spawn(io, Shipper{}(lines), asio::detached);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it receives from 'lines'
  asio::co_spawn(io, Feed(lines), asio::detached);
  io.run();
}
// CHECK-NOTES: :[[@LINE-6]]:15: note: 'lines' is declared here and never closed

void fixed_feeder_closes() {
  asio::io_context io;
  LineChannel lines(io, 4);
  asio::co_spawn(io, Shipper{}(lines), asio::detached);
  asio::co_spawn(io, FeedAndClose(lines), asio::detached);
  io.run();
}
