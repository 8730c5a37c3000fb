// A networking library's coroutine operations, as a project vendors them
// (found with -I, so not a system header, and with bodies the engine can
// follow): a read whose failure reaches the awaiting coroutine as an exception.
#ifndef CHANLEAK_TEST_NET_SESSION_H
#define CHANLEAK_TEST_NET_SESSION_H

#include <asio.hpp>

namespace net {
class Socket {
public:
  asio::awaitable<int> Read(char *Data, int Size) { co_return Fill(Data, Size); }
  asio::awaitable<void> Write(const char *Data, int Size) { co_return; }

private:
  int Fill(char *Data, int Size);
};
asio::awaitable<Socket> Accept();
} // namespace net

#endif
