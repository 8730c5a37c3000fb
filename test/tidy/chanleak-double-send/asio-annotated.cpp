// chanleak-double-send on Asio's channel (real header) and on an annotated
// user channel.
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy %s chanleak-double-send %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 -I%S/../Inputs -I%chanleak_include

#include <asio.hpp>
#include <asio/experimental/channel.hpp>
#include <memory>
#include <thread>
#include "user-queue.h"

using Chan = asio::experimental::channel<void(asio::error_code, int)>;

bool failed();

asio::awaitable<void> Fetch(std::shared_ptr<Chan> out) {
  if (failed()) {
    co_await out->async_send(asio::error_code{}, -1, asio::use_awaitable);
  }
  co_await out->async_send(asio::error_code{}, 1, asio::use_awaitable);
  // CHECK-NOTES: :[[@LINE-1]]:12: warning: second send on 'results' blocks forever: the receiver takes only 1 value [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-4]]:14: note: first send here; this branch goes on without returning
}

asio::awaitable<int> Leaky() {
  auto ex = co_await asio::this_coro::executor;
  auto results = std::make_shared<Chan>(ex);
  asio::co_spawn(ex, Fetch(results), asio::detached);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'results'
  co_return co_await results->async_receive(asio::use_awaitable);
}

asio::awaitable<void> FetchFixed(std::shared_ptr<Chan> out) {
  if (failed()) {
    co_await out->async_send(asio::error_code{}, -1, asio::use_awaitable);
    co_return;
  }
  co_await out->async_send(asio::error_code{}, 1, asio::use_awaitable);
}

asio::awaitable<int> Fixed() {
  auto ex = co_await asio::this_coro::executor;
  auto results = std::make_shared<Chan>(ex);
  asio::co_spawn(ex, FetchFixed(results), asio::detached);
  co_return co_await results->async_receive(asio::use_awaitable);
}

int AnnotatedLeaky() {
  mylib::Handoff<int> h;
  std::thread([&h] {
    if (failed()) {
      h.Push(-1);
    }
    h.Push(1);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second send on 'h' blocks forever: the receiver takes only 1 value [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first send here; this branch goes on without returning
  }).detach();
  // CHECK-NOTES: :[[@LINE-8]]:3: note: thread spawned here; it sends on 'h'
  int v;
  h.Pop(v);
  return v;
}

int AnnotatedFixed() {
  mylib::Handoff<int> h;
  std::thread([&h] {
    if (failed()) {
      h.Push(-1);
      return;
    }
    h.Push(1);
  }).detach();
  int v;
  h.Pop(v);
  return v;
}
