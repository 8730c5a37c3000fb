// Replication lag monitor: each replica gets a thread that samples its lag
// on a fixed period.
#include <boost/fiber/unbuffered_channel.hpp>

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

using StopChannel = boost::fibers::unbuffered_channel<int>;

// Samples until the returned channel is closed (see Monitors below).
std::shared_ptr<StopChannel> MonitorLag(std::shared_ptr<Replica> replica,
                                        std::chrono::milliseconds period) {
  auto stop = std::make_shared<StopChannel>();
  std::thread([replica, period, stop] {
    int unused = 0;
    while (stop->pop_wait_for(unused, period) == boost::fibers::channel_op_status::timeout) {
      replica->samples.fetch_add(1);
    }
  }).detach();
  return stop;
}

// Closes every monitor's stop channel when the cluster check ends.
struct Monitors {
  std::vector<std::shared_ptr<StopChannel>> stops;
  ~Monitors() {
    for (auto &s : stops)
      s->close();
  }
};

void CheckCluster() {
  std::vector<std::shared_ptr<Replica>> replicas;
  Monitors monitors;
  for (const char *host : {"db-2", "db-3"}) {
    replicas.push_back(std::make_shared<Replica>());
    replicas.back()->host = host;
    monitors.stops.push_back(MonitorLag(replicas.back(), std::chrono::milliseconds(10)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(25)); // run the health checks
}

CHANLEAK_SCENARIO_MAIN(CheckCluster)
