// The start/stop contract of a class whose workers wait on a member
// condition variable: Start() spawns them, Stop() sets the flag they wait for
// and notifies. A caller that can leave without Stop() strands them; the
// finding is orphaned-worker's alone (range-without-close and early-return run
// too, to pin that).
// RUN: %check_chanleak_tidy %s 'chanleak-orphaned-worker,chanleak-range-without-close,chanleak-early-return' %t

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

void Index(const std::string &doc);

class Indexer {
public:
  void Start(int n) {
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this] { Run(); });
  }
  void Submit(std::string doc) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      docs_.push_back(std::move(doc));
    }
    cv_.notify_one();
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto &t : threads_)
      t.join();
    threads_.clear();
  }

private:
  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      cv_.wait(lk, [this] { return stopping_ || !docs_.empty(); });
      if (docs_.empty())
        return;
      std::string doc = std::move(docs_.front());
      docs_.pop_front();
      lk.unlock();
      Index(doc);
      lk.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> docs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Stopped only on the normal path.
bool LeakyEarlyReturn(const std::vector<std::string> &docs) {
  Indexer idx;
  idx.Start(2);
  if (docs.empty())
    return false;
  for (const auto &d : docs)
    idx.Submit(d);
  idx.Stop();
  return true;
  // CHECK-NOTES: :[[@LINE-28]]:7: warning: worker of 'idx' waits here forever: 'idx' is started but not stopped on every path, so nothing notifies 'cv_' [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-53]]:7: note: thread spawned here, once per loop iteration; it waits on 'cv_'
  // CHECK-NOTES: :[[@LINE-9]]:3: note: 'idx' is started here
  // CHECK-NOTES: :[[@LINE-8]]:5: note: 'LeakyEarlyReturn' returns here without stopping 'idx'
}

// Fixed: stopped on every path.
bool FixedStopEverywhere(const std::vector<std::string> &docs) {
  Indexer idx;
  idx.Start(2);
  if (docs.empty()) {
    idx.Stop();
    return false;
  }
  for (const auto &d : docs)
    idx.Submit(d);
  idx.Stop();
  return true;
}
