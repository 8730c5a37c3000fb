// Asio before 1.28 (asio issue 1241): a receive cancelled by the `||` race
// leaves an empty buffered channel acting as a rendezvous, so the child's
// late send waits forever even though the channel "has room for one". The
// model reads the Asio version from ASIO_VERSION, or, as here where no
// header includes <asio/version.hpp>, from the version header next to the
// channel's own header. With a fixed Asio (1.28, given on the command line)
// the buffer takes the late value and nothing is reported.
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy -check-suffix=OLD %s chanleak-cancel-timeout,chanleak-early-return %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1
// RUN: %check_chanleak_tidy -check-suffix=FIXED %s chanleak-cancel-timeout,chanleak-early-return %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 -DASIO_VERSION=102800
// The analyzer's checkers read the same macro (clang's own checkers, which
// report inside Asio's headers, are left out).
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.CancelTimeout,chanleak.EarlyReturn -Xclang -analyzer-disable-checker=core,cplusplus,deadcode,unix -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 %s 2>&1 | FileCheck %s --check-prefix=ANALYZER-OLD
// ANALYZER-OLD: asio-buffered-version.cpp:{{[0-9]+}}:12: warning: send on 'answer' blocks forever once the waiter gives up: {{.*}} [chanleak.CancelTimeout]
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.CancelTimeout,chanleak.EarlyReturn -Xclang -analyzer-disable-checker=core,cplusplus,deadcode,unix -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 -DASIO_VERSION=102800 %s 2>&1 | FileCheck %s --check-prefix=ANALYZER-FIXED --allow-empty
// ANALYZER-FIXED-NOT: warning:

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using CityChannel = asio::experimental::channel<void(asio::error_code, std::string)>;

asio::awaitable<void> LookupCity(std::shared_ptr<CityChannel> out) {
  co_await asio::steady_timer(out->get_executor(), 50ms).async_wait(asio::use_awaitable); // slow
  co_await out->async_send(asio::error_code{}, "Lyon", asio::use_awaitable);
}

asio::awaitable<void> Leaky(std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex, 1);
  asio::co_spawn(ex, LookupCity(answer), asio::detached);
  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) ||
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
  // CHECK-NOTES-OLD: :[[@LINE-11]]:12: warning: send on 'answer' blocks forever once the waiter gives up: nobody is left receiving from 'answer' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES-OLD: :[[@LINE-6]]:3: note: thread spawned here
  // CHECK-NOTES-OLD: :[[@LINE-5]]:27: note: the wait can give up here
  // CHECK-NOTES-OLD: :[[@LINE-9]]:8: note: 'answer' has room for 1, but in this version of asio a cancelled receive leaves it acting as a rendezvous channel
  // CHECK-NOTES-OLD: :[[@LINE+1]]:1: note: 'Leaky' ends here without receiving from 'answer'
}

// cancel() completes the pending late send, in every version.
asio::awaitable<void> Fixed(std::string &city) {
  auto ex = co_await asio::this_coro::executor;
  auto answer = std::make_shared<CityChannel>(ex, 1);
  asio::co_spawn(ex, LookupCity(answer), asio::detached);
  asio::steady_timer deadline(ex, 20ms);
  auto winner = co_await (answer->async_receive(asio::use_awaitable) ||
                          deadline.async_wait(asio::use_awaitable));
  city = winner.index() == 0 ? std::get<0>(winner) : "unknown";
  answer->cancel();
}
