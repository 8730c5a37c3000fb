// Geo lookup with a deadline: the handler races the lookup's answer against a
// timer and answers without a location when the timer wins. The answer
// channel has room for one value so that a late answer "cannot block" --
// but in Asio before 1.28 (Boost before 1.82) a receive cancelled by the
// timer leaves an empty buffered channel in the rendezvous state (upstream
// asio issue 1241), so the late send still waits for a receiver.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <variant>

#include "scenario.h"

using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using asio::experimental::as_tuple;
using CityChannel = asio::experimental::channel<void(asio::error_code, std::string)>;

// A geo database that is stalled until Recover() is called.
class GeoDb {
public:
  explicit GeoDb(asio::any_io_executor ex) : stalled_(ex, asio::steady_timer::time_point::max()) {}
  asio::awaitable<std::string> City(std::string ip) {
    co_await stalled_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    co_return "Lyon (" + ip + ")";
  }
  void Recover() { stalled_.cancel(); }

private:
  asio::steady_timer stalled_;
};

asio::awaitable<void> LookupCity(std::shared_ptr<CityChannel> out, GeoDb &db, std::string ip) {
  std::string city = co_await db.City(ip);
  auto [ec] = co_await out->async_send(asio::error_code{}, city, as_tuple(asio::use_awaitable)); // CHANLEAK: chanleak-cancel-timeout
  (void)ec; // a closed channel means nobody wants the answer any more
}

asio::awaitable<void> HandleRequest(GeoDb &db, std::string ip, std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex, 1); // room for a late answer
  asio::co_spawn(ex, LookupCity(answer, db, ip), asio::detached);

  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) ||
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
}

void ServeOne() {
  asio::io_context io;
  GeoDb db(io.get_executor());
  std::string city;
  // The database recovers once the request has been answered without it.
  asio::co_spawn(io, HandleRequest(db, "192.0.2.7", city),
                 [&db](std::exception_ptr) { db.Recover(); });
  io.run();
}

CHANLEAK_SCENARIO_MAIN(ServeOne)
