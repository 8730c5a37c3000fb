// Metrics buffer: samples are batched in memory and a background jthread
// flushes each batch as it becomes ready.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

class MetricsBuffer {
public:
  void Record(std::string sample) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      pending_.push_back(std::move(sample));
    }
    ready_.notify_one();
  }

  std::size_t flushed() {
    std::lock_guard<std::mutex> lk(mu_);
    return flushed_;
  }

private:
  void FlushLoop() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      ready_.wait(lk, [this] { return !pending_.empty(); }); // CHANLEAK: chanleak-orphaned-worker
      flushed_ += pending_.size();
      pending_.clear();
    }
  }

  std::mutex mu_;
  std::condition_variable_any ready_;
  std::vector<std::string> pending_;
  std::size_t flushed_ = 0;
  std::jthread flusher_{[this] { FlushLoop(); }};
};

void HandleRequests() {
  MetricsBuffer metrics; // CHANLEAK-SPAWN
  for (int i = 0; i < 3; ++i)
    metrics.Record("latency_ms=" + std::to_string(10 + i));
}

CHANLEAK_SCENARIO_MAIN(HandleRequests)
