// An operation a coroutine awaits from a library (declared outside the
// analysed file) may fail, and its exception ends the coroutine, even when the
// engine can follow the operation's body: an echo session's `for (;;)` ends
// when the peer goes away and the read throws. A loop whose awaits are the
// file's own, and cannot fail, is a session that never ends.
// REQUIRES: asio
// RUN: %check_chanleak_tidy %s 'chanleak-orphaned-worker,chanleak-range-without-close' %t -- -- -I%S/../Inputs -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include "net-session.h"

asio::awaitable<void> Echo(net::Socket Sock) {
  char Data[1024];
  for (;;) {
    int N = co_await Sock.Read(Data, sizeof Data);
    co_await Sock.Write(Data, N);
  }
}

asio::awaitable<void> Listen() {
  for (;;)
    asio::co_spawn(co_await asio::this_coro::executor, Echo(co_await net::Accept()), asio::detached);
}

int ServeEchoSessions() {
  asio::io_context Ctx;
  asio::co_spawn(Ctx, Listen(), asio::detached);
  Ctx.run();
  return 0;
}

// The file's own tick, which returns a constant: nothing in this loop can
// throw or end it.
asio::awaitable<int> Tick() { co_return 1; }

asio::awaitable<void> Count(int &Ticks) {
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: thread never ends: its loop has no exit and nothing can stop it [chanleak-orphaned-worker]
  for (;;)
    Ticks += co_await Tick();
}

int CountForever() {
  asio::io_context Ctx;
  int Ticks = 0;
  asio::co_spawn(Ctx, Count(Ticks), asio::detached);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: thread spawned here
  Ctx.run();
  return Ticks;
}
