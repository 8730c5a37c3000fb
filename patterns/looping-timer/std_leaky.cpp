// Connection pool statistics: every pool starts a reporter that logs its
// usage periodically.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "scenario.h"

struct PoolStats {
  std::string name;
  std::atomic<int> in_use{0};
  std::atomic<int> reports{0};
};

void StartReporter(std::shared_ptr<PoolStats> stats, std::chrono::milliseconds period) {
  std::thread([stats, period] { // CHANLEAK-SPAWN
    for (;;) {
      std::this_thread::sleep_for(period); // CHANLEAK: chanleak-looping-timer
      stats->reports.fetch_add(1);
    }
  }).detach();
}

void ServeUntilShutdown() {
  for (const char *name : {"orders-db", "users-db"}) {
    auto stats = std::make_shared<PoolStats>();
    stats->name = name;
    StartReporter(stats, std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(25)); // serve traffic
}

CHANLEAK_SCENARIO_MAIN(ServeUntilShutdown)
