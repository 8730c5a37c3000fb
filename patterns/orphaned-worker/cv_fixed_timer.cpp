// Reduced from cocaine/cocaine-core PR #236, "Fix(engine): fixed infinite
// hanging on engine shutdown" (https://github.com/cocaine/cocaine-core/pull/236).
// Fixed twin of cv_leaky_timer.cpp: as in the PR, the engine tracks whether
// the heartbeat may go on instead of relying on cancel(): Stop() clears the
// flag and the handler checks it before re-arming, so run() runs out of work.
//
// Engine: an event loop on its own thread, kept alive by a repeating
// heartbeat timer; Stop() cancels the heartbeat so that run() returns.
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <semaphore>
#include <thread>

#include "scenario.h"

// Test probe, not part of the engine: it forces the timing of the report, a
// Stop() that comes while the heartbeat handler runs. The first heartbeat
// calls HandlerRunning(); Stop() begins with AwaitHandler() and calls
// CancelDone() after cancel().
struct HeartbeatProbe {
  std::binary_semaphore running{0};
  std::binary_semaphore cancelled{0};
  bool armed = true; // used by the engine thread only

  void HandlerRunning() {
    if (!armed)
      return;
    armed = false;
    running.release();
    cancelled.acquire();
  }
  void AwaitHandler() { running.acquire(); }
  void CancelDone() { cancelled.release(); }
};

HeartbeatProbe g_probe;

class Engine {
public:
  Engine() : heartbeat_(io_) {}

  void Start() {
    ArmHeartbeat();
    thread_ = std::thread([this] {
      io_.run();
    });
  }

  void Stop() {
    g_probe.AwaitHandler();
    beating_ = false;
    heartbeat_.cancel(); // 0 cancelled: the handler is already running
    g_probe.CancelDone();
    thread_.join();
  }

private:
  void ArmHeartbeat() {
    heartbeat_.expires_after(std::chrono::milliseconds(5));
    heartbeat_.async_wait([this](const asio::error_code &ec) {
      if (ec == asio::error::operation_aborted)
        return; // cancelled: the engine is stopping
      ++beats_;
      g_probe.HandlerRunning();
      if (beating_)
        ArmHeartbeat();
    });
  }

  asio::io_context io_;
  asio::steady_timer heartbeat_;
  std::atomic<int> beats_{0};
  std::atomic<bool> beating_{true};
  std::thread thread_;
};

void RunNode() {
  Engine engine;
  engine.Start();
  engine.Stop(); // SIGTERM
}

CHANLEAK_SCENARIO_MAIN(RunNode)
