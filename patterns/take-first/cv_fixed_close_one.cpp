// Reduced from andreiavrammsd/cpp-channel PR #17, "Fix: Close notify all
// consumers" (https://github.com/andreiavrammsd/cpp-channel/pull/17). Fixed
// twin of cv_leaky_close_one.cpp: Close() wakes every waiting consumer with
// notify_all(), so each one sees the closed channel and returns.
//
// Log shipping: several consumer threads read lines from one channel and
// ship them; the producer closes the channel at the end of the file.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

template <typename T> class Channel {
public:
  void Write(T value) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      queue_.push(std::move(value));
    }
    cv_.notify_one();
  }

  // False once the channel is closed and drained.
  bool Read(T &out) {
    std::unique_lock<std::mutex> lk(mu_);
    ++waiting_;
    cv_.wait(lk, [this] { return !queue_.empty() || closed_; });
    --waiting_;
    if (queue_.empty())
      return false;
    out = std::move(queue_.front());
    queue_.pop();
    return true;
  }

  void Close() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  std::size_t Waiting() {
    std::lock_guard<std::mutex> lk(mu_);
    return waiting_;
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::queue<T> queue_;
  std::size_t waiting_ = 0; // readers inside cv_.wait
  bool closed_ = false;
};

void ShipLogFile() {
  Channel<std::string> lines;
  for (const char *l : {"GET / 200", "GET /a 404", "POST /b 201"})
    lines.Write(l); // the file is read ahead into the channel
  std::vector<std::thread> shippers;
  for (int i = 0; i < 3; ++i)
    shippers.emplace_back([&lines] {
      std::string line;
      while (lines.Read(line))
        line.clear(); // shipped
    });
  while (lines.Waiting() != 3) // every shipper has drained the channel and waits
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  lines.Close(); // end of file
  for (auto &t : shippers)
    t.join();
}

CHANLEAK_SCENARIO_MAIN(ShipLogFile)
