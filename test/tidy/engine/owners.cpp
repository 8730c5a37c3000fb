// An object whose constructor starts its workers and whose destructor stops
// them: every use the translation unit shows is checked against that
// protocol. An owner made with `new` and never deleted never stops its
// workers; deleting it, or holding it in a unique_ptr, does.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

class Service {
public:
  explicit Service(int n) {
    for (int i = 0; i < n; ++i)
      workers_.emplace_back([this] { Loop(); });
  }
  ~Service() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto &t : workers_)
      t.join();
  }

private:
  void Loop() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return stop_; });
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

void leaky_owner_never_deleted() {
  auto *svc = new Service(2);
  (void)svc;
}

void fixed_owner_deleted() {
  auto *svc = new Service(2);
  delete svc;
}

void fixed_owner_in_unique_ptr() {
  auto svc = std::make_unique<Service>(2);
}

// CHECK-NOTES: :31:5: warning: wait on 'cv_' blocks forever: 'leaky_owner_never_deleted' can leave without notifying 'cv_' [chanleak-early-return]
// CHECK-NOTES: :16:7: note: thread spawned here, once per loop iteration
// CHECK-NOTES: :43:1: note: 'leaky_owner_never_deleted' ends here without notifying 'cv_'
