// Workers that stop at a sentinel value instead of a close: `if (ec)` after
// `auto [ec, v] = co_await ch.async_receive(as_tuple(...))` is true only when
// the receive failed, so a worker that got a value goes on to test it, and one
// sentinel per worker ends them all. (The engine does not read the values
// sent: a count of sentinels one short is not reported.)
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy %s 'chanleak-range-without-close,chanleak-double-send,chanleak-early-return,chanleak-take-first' %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/channel.hpp>

using Jobs = asio::experimental::channel<void(asio::error_code, int)>;
using asio::experimental::as_tuple;

void Run(int job);

asio::awaitable<void> Worker(Jobs &jobs) {
  for (;;) {
    auto [ec, job] = co_await jobs.async_receive(as_tuple(asio::use_awaitable));
    if (ec)
      break;
    if (job < 0)
      break; // this worker's sentinel
    Run(job);
  }
}

asio::awaitable<void> Feed(Jobs &jobs, int workers) {
  for (int job : {1, 2, 3})
    co_await jobs.async_send(asio::error_code{}, job, asio::use_awaitable);
  for (int w = 0; w < workers; ++w)
    co_await jobs.async_send(asio::error_code{}, -1, asio::use_awaitable);
}

// Three workers, three sentinels, on an unbuffered channel: silent.
void SentinelPerWorker() {
  asio::io_context io;
  Jobs jobs(io, 0);
  for (int w = 0; w < 3; ++w)
    asio::co_spawn(io, Worker(jobs), asio::detached);
  asio::co_spawn(io, Feed(jobs, 3), asio::detached);
  io.run();
}
