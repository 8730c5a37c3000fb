// Geo lookup with a deadline: the handler races the lookup's answer against a
// timer and answers without a location when the timer wins.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "scenario.h"

using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using CityChannel = asio::experimental::channel<void(asio::error_code, std::string)>;

// The geo database answers after 150 ms.
asio::awaitable<void> LookupCity(std::shared_ptr<CityChannel> out, std::string ip) {
  asio::steady_timer slow_db(co_await asio::this_coro::executor, 150ms);
  co_await slow_db.async_wait(asio::use_awaitable);
  co_await out->async_send(asio::error_code{}, "Lyon (" + ip + ")", asio::use_awaitable); // CHANLEAK: chanleak-cancel-timeout
}

asio::awaitable<void> HandleRequest(std::string ip, std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex);
  asio::co_spawn(ex, LookupCity(answer, ip), asio::detached);

  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) ||
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
}

void ServeOne() {
  asio::io_context io;
  std::string city;
  asio::co_spawn(io, HandleRequest("192.0.2.7", city), asio::detached);
  io.run();
}

CHANLEAK_SCENARIO_MAIN(ServeOne)
