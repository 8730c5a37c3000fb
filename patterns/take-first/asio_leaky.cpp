// DNS over several resolvers: ask all of them concurrently on a thread pool
// and keep the first answer.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/concurrent_channel.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "scenario.h"

using AnswerChannel = asio::experimental::concurrent_channel<void(asio::error_code, std::string)>;

asio::awaitable<void> Ask(std::shared_ptr<AnswerChannel> answers, std::string resolver,
                          std::chrono::milliseconds rtt) {
  asio::steady_timer wire(co_await asio::this_coro::executor, rtt);
  co_await wire.async_wait(asio::use_awaitable);
  co_await answers->async_send(asio::error_code{}, resolver + ": 192.0.2.10", asio::use_awaitable); // CHANLEAK: chanleak-take-first
}

asio::awaitable<void> Resolve(std::vector<std::string> resolvers, std::string &address) {
  auto ex = co_await asio::this_coro::executor;
  auto answers = std::make_shared<AnswerChannel>(ex);
  int rtt = 1;
  for (const auto &r : resolvers)
    asio::co_spawn(ex, Ask(answers, r, std::chrono::milliseconds(rtt++)), asio::detached);
  address = co_await answers->async_receive(asio::use_awaitable);
}

void Connect() {
  asio::thread_pool pool(2);
  std::string address;
  asio::co_spawn(pool, Resolve({"1.1.1.1", "8.8.8.8", "9.9.9.9"}, address), asio::detached);
  pool.join();
}

CHANLEAK_SCENARIO_MAIN(Connect)
