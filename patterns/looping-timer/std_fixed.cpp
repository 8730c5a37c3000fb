// Connection pool statistics: every pool starts a reporter that logs its
// usage periodically.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <stop_token>
#include <thread>
#include <vector>

#include "scenario.h"

struct PoolStats {
  std::string name;
  std::atomic<int> in_use{0};
  std::atomic<int> reports{0};
};

// The reporter runs as long as the returned jthread is kept.
[[nodiscard]] std::jthread StartReporter(std::shared_ptr<PoolStats> stats,
                                         std::chrono::milliseconds period) {
  return std::jthread([stats, period](std::stop_token stop) {
    while (!stop.stop_requested()) {
      std::this_thread::sleep_for(period);
      stats->reports.fetch_add(1);
    }
  });
}

void ServeUntilShutdown() {
  std::vector<std::jthread> reporters;
  for (const char *name : {"orders-db", "users-db"}) {
    auto stats = std::make_shared<PoolStats>();
    stats->name = name;
    reporters.push_back(StartReporter(stats, std::chrono::milliseconds(10)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(25)); // serve traffic
}

CHANLEAK_SCENARIO_MAIN(ServeUntilShutdown)
