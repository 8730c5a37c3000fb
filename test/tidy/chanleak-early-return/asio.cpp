// chanleak-early-return on standalone Asio's experimental channel (real
// header): a coroutine spawned with co_spawn sends. close() does not free a
// pending sender (asio issue 1318), but a send that starts after the close
// fails at once, and nothing here makes the send start first: the scheduler
// gets the benefit of the doubt.
// REQUIRES: asio-channel
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <asio/experimental/channel.hpp>
#include <memory>
#include <string>

using Chan = asio::experimental::channel<void(asio::error_code, std::string)>;

asio::awaitable<void> MakeThumbnail(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
  // CHECK-NOTES: :[[@LINE-1]]:12: warning: send on 'thumbs' blocks forever: 'HandleUpload' can leave without receiving from 'thumbs' [chanleak-early-return]
}

asio::awaitable<void> HandleUpload(std::string image, bool bad, std::string &response) {
  auto executor = co_await asio::this_coro::executor;
  auto thumbs = std::make_shared<Chan>(executor);
  asio::co_spawn(executor, MakeThumbnail(thumbs, image), asio::detached);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'thumbs'
  if (bad) {
    response = "415";
    co_return;
    // CHECK-NOTES: :[[@LINE-1]]:5: note: 'HandleUpload' returns here without receiving from 'thumbs'
  }
  response = co_await thumbs->async_receive(asio::use_awaitable);
}

asio::awaitable<void> SendFixed(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
}
asio::awaitable<void> Fixed(std::string image, bool bad, std::string &response) {
  auto executor = co_await asio::this_coro::executor;
  auto thumbs = std::make_shared<Chan>(executor);
  asio::co_spawn(executor, SendFixed(thumbs, image), asio::detached);
  response = co_await thumbs->async_receive(asio::use_awaitable);
  if (bad)
    co_return;
}

// The child runs after the parent's close (co_spawn posts it), so its send
// fails with channel_closed instead of waiting.
asio::awaitable<void> SendClosedStillLeaks(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
}
asio::awaitable<void> ClosedStillLeaks(std::string image, bool bad, std::string &response) {
  auto executor = co_await asio::this_coro::executor;
  auto closed = std::make_shared<Chan>(executor);
  asio::co_spawn(executor, SendClosedStillLeaks(closed, image), asio::detached);
  if (bad) {
    closed->close();
    co_return;
  }
  response = co_await closed->async_receive(asio::use_awaitable);
}

// cancel() fails the pending send with channel_cancelled.
asio::awaitable<void> SendCancelFrees(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
}
asio::awaitable<void> CancelFrees(std::string image, bool bad, std::string &response) {
  auto executor = co_await asio::this_coro::executor;
  auto thumbs = std::make_shared<Chan>(executor);
  asio::co_spawn(executor, SendCancelFrees(thumbs, image), asio::detached);
  if (bad) {
    thumbs->cancel();
    co_return;
  }
  response = co_await thumbs->async_receive(asio::use_awaitable);
}

// max_buffer_size 1: the one send fits.
asio::awaitable<void> SendBuffered(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
}
asio::awaitable<void> Buffered(std::string image, bool bad, std::string &response) {
  auto executor = co_await asio::this_coro::executor;
  auto thumbs = std::make_shared<Chan>(executor, 1);
  asio::co_spawn(executor, SendBuffered(thumbs, image), asio::detached);
  if (bad)
    co_return;
  response = co_await thumbs->async_receive(asio::use_awaitable);
}

// Two uploads handled at once: each call of the coroutine makes its own
// channel, whose one buffered send fits whether that call receives or not.
asio::awaitable<void> SendPerCall(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
}
asio::awaitable<void> HandlePerCall(std::string image, bool bad) {
  auto executor = co_await asio::this_coro::executor;
  auto thumbs = std::make_shared<Chan>(executor, 1);
  asio::co_spawn(executor, SendPerCall(thumbs, image), asio::detached);
  if (bad)
    co_return;
  std::string response = co_await thumbs->async_receive(asio::use_awaitable);
}
void ServeTwoUploadsAtOnce() {
  asio::io_context io;
  asio::co_spawn(io, HandlePerCall("a.png", false), asio::detached);
  asio::co_spawn(io, HandlePerCall("b.gif", true), asio::detached);
  io.run();
}

// The same two calls with unbuffered channels: the rejected one strands its
// sender.
asio::awaitable<void> SendPerCallUnbuffered(std::shared_ptr<Chan> out, std::string image) {
  co_await out->async_send(asio::error_code{}, image, asio::use_awaitable);
  // CHECK-NOTES: :[[@LINE-1]]:12: warning: send on 'thumbs' blocks forever: 'HandlePerCallUnbuffered' can leave without receiving from 'thumbs' [chanleak-early-return]
}
asio::awaitable<void> HandlePerCallUnbuffered(std::string image, bool bad) {
  auto executor = co_await asio::this_coro::executor;
  auto thumbs = std::make_shared<Chan>(executor);
  asio::co_spawn(executor, SendPerCallUnbuffered(thumbs, image), asio::detached);
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'thumbs'
  if (bad)
    co_return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'HandlePerCallUnbuffered' returns here without receiving from 'thumbs'
  std::string response = co_await thumbs->async_receive(asio::use_awaitable);
}
void ServeTwoUnbufferedUploadsAtOnce() {
  asio::io_context io;
  asio::co_spawn(io, HandlePerCallUnbuffered("a.png", false), asio::detached);
  asio::co_spawn(io, HandlePerCallUnbuffered("b.gif", true), asio::detached);
  io.run();
}
