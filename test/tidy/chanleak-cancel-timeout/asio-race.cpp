// Asio's awaitable `||` race of a receive against a timer: when the timer
// wins, the receive is cancelled and the handler leaves; the child's later
// async_send on the rendezvous channel stays pending forever. This is a
// cancel-timeout finding (the wait can give up at the race), not an
// early-return one; today it is reported as early-return (or not at all).
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/channel.hpp>
#include <chrono>
#include <memory>
#include <string>

using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using CityChannel = asio::experimental::channel<void(asio::error_code, std::string)>;

asio::awaitable<void> LookupCity(std::shared_ptr<CityChannel> out) {
  co_await asio::steady_timer(out->get_executor(), 50ms).async_wait(asio::use_awaitable); // slow
  co_await out->async_send(asio::error_code{}, "Lyon", asio::use_awaitable); // #s1
}

asio::awaitable<void> HandleRequest(std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex);
  asio::co_spawn(ex, LookupCity(answer), asio::detached); // #t1
  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) || // #g1
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
  // CHECK-MESSAGES: :[[@LINE-11]]:12: warning: send on 'answer' blocks forever once the waiter gives up: nobody is left receiving from 'answer' after the timeout or cancellation [chanleak-cancel-timeout]
}
