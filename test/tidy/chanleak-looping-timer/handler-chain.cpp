// chanleak-looping-timer on Asio timers waited on with a completion handler
// (real header): a handler that arms its own timer again on every path the
// wait's success allows repeats forever, and the io_context's run() never
// returns: the thread in run() is reported, with the arming as a note. A handler that stops on a flag, a count or a wait that failed for
// some other reason gets the benefit of the doubt; a translation unit that
// cancels a timer or stops an io_context ends chains with operation_aborted.
// REQUIRES: asio
// RUN: %check_chanleak_tidy %s chanleak-looping-timer %t -- -- -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1
// RUN: %check_chanleak_tidy -check-suffix=CANCELLED %s chanleak-looping-timer %t -- -- -DCANCELLED -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1
// RUN: %check_chanleak_tidy -check-suffix=STOPPED %s chanleak-looping-timer %t -- -- -DSTOPPED -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

using namespace std::chrono_literals;

// A lambda handler that arms its timer again through the function that armed
// it; only a failed wait ends it, and nothing makes the wait fail.
class Reporter {
public:
  explicit Reporter(asio::io_context &io) : io_(io) {}

  void every(std::chrono::milliseconds period) {
    tick(std::make_shared<asio::steady_timer>(io_, period), period);
  }

private:
  void tick(std::shared_ptr<asio::steady_timer> timer, std::chrono::milliseconds period) {
    timer->async_wait([this, timer, period](const asio::error_code &ec) {
      if (ec)
        return;
      ++reports_;
      timer->expires_at(timer->expiry() + period);
      tick(timer, period);
    });
  }

  asio::io_context &io_;
  int reports_ = 0;
};

// A member function bound as the handler, first armed by start(): only
// operation_aborted ends it.
class Pinger {
public:
  explicit Pinger(asio::io_context &io) : timer_(io) {}

  void start() {
    timer_.expires_after(10ms);
    timer_.async_wait(std::bind(&Pinger::on_tick, this, std::placeholders::_1));
  }

private:
  void on_tick(const asio::error_code &ec) {
    if (ec == asio::error::operation_aborted)
      return;
    ++pings_;
    timer_.expires_after(10ms);
    timer_.async_wait(std::bind(&Pinger::on_tick, this, std::placeholders::_1));
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: timer wait repeats forever: its completion handler arms 'timer_' again on every path, and nothing cancels the timer or stops its event loop, so the loop's run() never returns [chanleak-looping-timer]
    // CHECK-NOTES: :[[@LINE-11]]:5: note: the first wait is armed here
  }

  asio::steady_timer timer_;
  int pings_ = 0;
};

// Fixed twin: the handler also stops on a flag that stop() sets.
class StoppableReporter {
public:
  explicit StoppableReporter(asio::io_context &io) : timer_(io) {}

  void start() { arm(); }
  void stop() { stopping_ = true; }

private:
  void arm() {
    timer_.expires_after(10ms);
    timer_.async_wait([this](const asio::error_code &ec) {
      if (ec || stopping_)
        return;
      arm();
    });
  }

  asio::steady_timer timer_;
  bool stopping_ = false;
};

// Fixed twin: a handler that re-arms only a few times.
class CountedReporter {
public:
  explicit CountedReporter(asio::io_context &io) : timer_(io) {}

  void start() { arm(); }

private:
  void arm() {
    timer_.expires_after(10ms);
    timer_.async_wait([this](const asio::error_code &ec) {
      if (!ec && ++rounds_ < 5)
        arm();
    });
  }

  asio::steady_timer timer_;
  int rounds_ = 0;
};

// Fixed twin: the handler leaves on a wait that failed for any other reason
// too (`ec != operation_aborted` is true when the wait succeeded).
class OneShotRetry {
public:
  explicit OneShotRetry(asio::io_context &io) : timer_(io) {}

  void start() { arm(); }

private:
  void arm() {
    timer_.expires_after(10ms);
    timer_.async_wait([this](const asio::error_code &ec) {
      if (ec != asio::error::operation_aborted)
        return;
      arm();
    });
  }

  asio::steady_timer timer_;
};

void run_reporters() {
  asio::io_context io;
  Reporter reporter(io);
  reporter.every(10ms);
  Pinger pinger(io);
  pinger.start();
  StoppableReporter stoppable(io);
  stoppable.start();
  CountedReporter counted(io);
  counted.start();
  OneShotRetry retry(io);
  retry.start();
  std::thread runner([&io] { io.run(); });
  // The thread left in run() is where the first chain is reported; the
  // second is reported where its handler arms the timer again.
  // CHECK-NOTES: :[[@LINE-3]]:30: warning: run of 'io' never returns: a timer's completion handler arms 'timer' again on every path, and nothing cancels the timer or stops 'io', so its thread waits forever [chanleak-looping-timer]
  // CHECK-NOTES: :[[@LINE-4]]:15: note: thread spawned here; it runs 'io'
  // CHECK-NOTES: :32:5: note: the completion handler arms 'timer' again here
  // Stopping the io_context, or cancelling a timer, ends the chains.
#if defined(STOPPED)
  io.stop();
#elif defined(CANCELLED)
  asio::steady_timer deadline(io, 50ms);
  deadline.cancel();
#endif
  runner.join();
}
