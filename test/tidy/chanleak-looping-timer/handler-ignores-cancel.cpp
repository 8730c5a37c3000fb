// chanleak-looping-timer: a cancelled timer's handler runs with
// operation_aborted, which ends a chain only when the handler leaves on a
// failed wait. A handler that never looks at its error code arms the timer
// again even after the cancel; its twin leaves on any error and is silent.
// REQUIRES: asio
// RUN: %check_chanleak_tidy %s chanleak-looping-timer %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1
// RUN: %check_chanleak_tidy -check-suffix=CHECKED %s chanleak-looping-timer %t -- -- -DCHECKED -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <thread>

using namespace std::chrono_literals;

class Refiller : public std::enable_shared_from_this<Refiller> {
public:
  explicit Refiller(asio::io_context &io) : timer_(io) {}
  void start() { arm(); }
  void stop() { timer_.cancel(); }

private:
  void arm() {
    timer_.expires_after(10ms);
#if defined(CHECKED)
    timer_.async_wait([self = shared_from_this()](const asio::error_code &ec) {
      if (ec)
        return;
      ++self->tokens_;
      self->arm();
    });
#else
    timer_.async_wait([self = shared_from_this()](const asio::error_code &) {
      ++self->tokens_;
      self->arm();
    });
#endif
  }

  asio::steady_timer timer_;
  int tokens_ = 0;
};

void serve() {
  auto io = std::make_shared<asio::io_context>();
  auto refiller = std::make_shared<Refiller>(*io);
  refiller->start();
  std::thread([io] { io->run(); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:22: warning: run of 'io' never returns: a timer's completion handler arms 'timer_' again on every path, even after a cancel, and nothing stops 'io', so its thread waits forever [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it runs 'io'
  // CHECK-NOTES: :33:5: note: the completion handler arms 'timer_' again here
  refiller->stop();
}
