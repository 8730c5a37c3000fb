// Session authenticator: a coroutine checks a token and reports the outcome
// on a channel; the login coroutine waits for one outcome.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <memory>
#include <string>

#include "scenario.h"

enum class AuthOutcome { granted, expired, rejected };
using OutcomeChannel = asio::experimental::channel<void(asio::error_code, AuthOutcome)>;

bool Expired(const std::string &token) { return token.rfind("old-", 0) == 0; }

asio::awaitable<void> CheckToken(std::shared_ptr<OutcomeChannel> verdict, std::string token) {
  if (Expired(token)) {
    co_await verdict->async_send(asio::error_code{}, AuthOutcome::expired, asio::use_awaitable);
    co_return;
  }
  co_await verdict->async_send(asio::error_code{}, AuthOutcome::granted, asio::use_awaitable);
}

asio::awaitable<void> Login(std::shared_ptr<OutcomeChannel> verdict, bool &allowed) {
  AuthOutcome o = co_await verdict->async_receive(asio::use_awaitable);
  allowed = (o == AuthOutcome::granted);
}

void HandleLogin() {
  asio::io_context io;
  auto verdict = std::make_shared<OutcomeChannel>(io);
  bool allowed = false;
  asio::co_spawn(io, CheckToken(verdict, "old-7f3a"), asio::detached);
  asio::co_spawn(io, Login(verdict, allowed), asio::detached);
  io.run();
}

CHANLEAK_SCENARIO_MAIN(HandleLogin)
