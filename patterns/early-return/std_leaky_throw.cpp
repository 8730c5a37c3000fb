// Batch upload: a summary thread waits until the batch is complete and then
// records how many files went out. A bad file aborts the batch with a throw.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

struct File {
  std::string name;
  std::size_t bytes = 0;
};

std::size_t g_last_batch = 0;

void UploadBatch(const std::vector<File> &files) {
  std::mutex mu;
  std::condition_variable_any cv;
  bool finished = false;
  std::size_t sent = 0;

  std::jthread summary([&] { // CHANLEAK-SPAWN
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return finished; }); // CHANLEAK: chanleak-early-return
    g_last_batch = sent;
  });

  for (const File &f : files) {
    if (f.bytes == 0)
      throw std::invalid_argument("refusing to upload empty file " + f.name);
    std::lock_guard<std::mutex> lk(mu);
    ++sent;
  }
  {
    std::lock_guard<std::mutex> lk(mu);
    finished = true;
  }
  cv.notify_one();
}

void NightlyUpload() {
  try {
    UploadBatch({{"a.log", 120}, {"b.log", 0}, {"c.log", 64}});
  } catch (const std::invalid_argument &) {
    // reported elsewhere; the next run retries
  }
}

CHANLEAK_SCENARIO_MAIN(NightlyUpload)
