// Replication lag monitor: each replica gets a thread that samples its lag
// on a fixed period.
#include <boost/fiber/operations.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

struct Replica {
  std::string host;
  std::atomic<int> samples{0};
};

void MonitorLag(std::shared_ptr<Replica> replica, std::chrono::milliseconds period) {
  std::thread([replica, period] { // CHANLEAK-SPAWN
    for (;;) {
      boost::this_fiber::sleep_for(period); // CHANLEAK: chanleak-looping-timer
      replica->samples.fetch_add(1);
    }
  }).detach();
}

void CheckCluster() {
  std::vector<std::shared_ptr<Replica>> replicas;
  for (const char *host : {"db-2", "db-3"}) {
    replicas.push_back(std::make_shared<Replica>());
    replicas.back()->host = host;
    MonitorLag(replicas.back(), std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(25)); // run the health checks
}

CHANLEAK_SCENARIO_MAIN(CheckCluster)
