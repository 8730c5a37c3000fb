// Reduced from bitcoin-core/libmultiprocess PR #295, "Mark Waiter m_cv as
// guarded by m_mutex" (https://github.com/bitcoin-core/libmultiprocess/pull/295;
// probably the hang of bitcoin/bitcoin#35491). What hangs: the draining
// thread waits forever for running == 0, because the last request thread does
// `running -= 1` and notifies without holding the mutex the waiter checks
// `running` under, so the notify can land between the check and the block.
//
// Request tracker: every request handler counts itself out when it is done,
// and the server drains by waiting until no request is running.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>

#include "scenario.h"

// Test probe, not part of the tracker: it forces the interleaving of the
// report. The waiter calls WaiterInWindow() once, after it has read `running`
// and before it blocks; End() begins with AwaitWindow() and calls
// StopperCannotGoFurther() where it has done all it can do without the
// waiter's mutex. The probe's semaphores are not that mutex.
struct InterleavingProbe {
  std::binary_semaphore in_window{0};
  std::binary_semaphore stopper_parked{0};
  bool armed = true; // used by the waiter only

  void WaiterInWindow() {
    if (!armed)
      return;
    armed = false;
    in_window.release();
    stopper_parked.acquire();
  }
  void AwaitWindow() { in_window.acquire(); }
  void StopperCannotGoFurther() { stopper_parked.release(); }
};

InterleavingProbe g_probe;

class RequestTracker {
public:
  void Begin() { running_ += 1; }

  void End() {
    g_probe.AwaitWindow();
    running_ -= 1; // not under mu_
    idle_.notify_all();
    g_probe.StopperCannotGoFurther();
  }

  void WaitIdle() {
    std::unique_lock<std::mutex> lk(mu_);
    idle_.wait(lk, [this] {
      if (running_ == 0)
        return true;
      g_probe.WaiterInWindow();
      return false;
    });
  }

private:
  std::mutex mu_;
  std::condition_variable idle_;
  std::atomic<int> running_{0};
};

std::string Handle(const std::string &request) { return "200 OK for " + request; }

void ServeAndDrain() {
  RequestTracker tracker;
  tracker.Begin();
  std::thread handler([&tracker] {
    std::string reply = Handle("GET /status");
    (void)reply;
    tracker.End();
  });
  tracker.WaitIdle(); // CHANLEAK: chanleak-early-return // shutdown: let the in-flight request finish
  handler.join();
}

CHANLEAK_SCENARIO_MAIN(ServeAndDrain)
