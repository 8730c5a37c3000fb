// Thumbnail renderer: a fixed pool of threads drains a job channel.
#include <boost/fiber/buffered_channel.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

struct Job {
  std::string path;
  int width = 0;
};

class ThumbnailPool {
public:
  explicit ThumbnailPool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i)
      workers_.emplace_back([this] { Drain(); }); // CHANLEAK-SPAWN
  }

  void RenderAll(const std::vector<std::string> &paths) {
    for (const auto &p : paths)
      jobs_.push(Job{p, 128});
    for (auto &w : workers_)
      w.join();
  }

  int rendered() const { return rendered_.load(); }

private:
  void Drain() {
    for (Job job : jobs_) { // CHANLEAK: chanleak-range-without-close
      if (!job.path.empty() && job.width > 0)
        rendered_.fetch_add(1);
    }
  }

  boost::fibers::buffered_channel<Job> jobs_{8};
  std::atomic<int> rendered_{0};
  std::vector<std::thread> workers_;
};

void RenderGallery() {
  ThumbnailPool pool(3);
  pool.RenderAll({"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"});
}

CHANLEAK_SCENARIO_MAIN(RenderGallery)
