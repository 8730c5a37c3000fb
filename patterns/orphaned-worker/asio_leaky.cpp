// Chat session: outgoing messages are queued on a channel and written by a
// writer coroutine that runs from Start() until Stop() closes the queue.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <string>
#include <vector>

#include "scenario.h"

using asio::experimental::as_tuple;

class Session {
public:
  explicit Session(asio::io_context &io) : io_(io), outbox_(io, 8) {}

  void Start() { asio::co_spawn(io_, WriteLoop(), asio::detached); }
  // close() rather than cancel(): cancel() only affects a receive already
  // pending, close() also ends one that starts later.
  void Stop() { outbox_.close(); }
  bool Post(std::string msg) { return outbox_.try_send(asio::error_code{}, std::move(msg)); }

private:
  asio::awaitable<void> WriteLoop() {
    for (;;) {
      auto [ec, msg] = co_await outbox_.async_receive(as_tuple(asio::use_awaitable)); // CHANLEAK: chanleak-orphaned-worker
      if (ec)
        co_return;
      written_.push_back(std::move(msg));
    }
  }

  asio::io_context &io_;
  asio::experimental::channel<void(asio::error_code, std::string)> outbox_;
  std::vector<std::string> written_;
};

// Sends the greeting; a guest without a name is disconnected straight away.
bool Greet(Session &session, const std::string &name) {
  session.Start();
  if (name.empty())
    return false;
  session.Post("welcome, " + name);
  session.Stop();
  return true;
}

void AcceptGuest() {
  asio::io_context io;
  Session session(io);
  Greet(session, "");
  io.run();
}

CHANLEAK_SCENARIO_MAIN(AcceptGuest)
