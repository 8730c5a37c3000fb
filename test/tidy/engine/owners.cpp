// An object whose constructor starts its workers and whose destructor stops
// them: every use the translation unit shows is checked against that
// protocol. An owner made with `new` and never deleted never stops its
// workers (they are orphaned); deleting it, or holding it in a unique_ptr,
// does.
// RUN: %check_chanleak_tidy %s chanleak-orphaned-worker %t -- -- -std=c++20
// RUN: %check_chanleak_tidy -check-suffix=RELEASED %s chanleak-orphaned-worker %t -- -- -std=c++20 -DRELEASED
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

#ifndef RELEASED // one report per blocked wait: one leaky owner per run
void leaky_owner_never_deleted() {
  auto *svc = new Service(2);
  (void)svc;
}
#endif

void fixed_owner_deleted() {
  auto *svc = new Service(2);
  delete svc;
}

void fixed_owner_in_unique_ptr() {
  auto svc = std::make_unique<Service>(2);
}

void fixed_unique_ptr_destroys_its_owner_on_throw(bool bad) {
  std::unique_ptr<Service> svc(new Service(1));
  if (bad)
    throw 1;
}

#ifdef RELEASED
void leaky_owner_released() {
  auto svc = std::make_unique<Service>(1);
  Service *raw = svc.release(); // nobody deletes it now
  (void)raw;
}
#endif

// CHECK-NOTES: :33:5: warning: worker of 'svc' waits here forever: 'svc' is started but not stopped on every path, so nothing notifies 'cv_' [chanleak-orphaned-worker]
// CHECK-NOTES: :18:7: note: thread spawned here, once per loop iteration
// CHECK-NOTES: :44:19: note: 'svc' is started here
// CHECK-NOTES: :46:1: note: 'leaky_owner_never_deleted' ends here without stopping 'svc'
// CHECK-NOTES-RELEASED: :33:5: warning: worker of 'svc' waits here forever: 'svc' is started but not stopped on every path, so nothing notifies 'cv_' [chanleak-orphaned-worker]
// CHECK-NOTES-RELEASED: :18:7: note: thread spawned here, once per loop iteration
// CHECK-NOTES-RELEASED: :66:14: note: 'svc' is started here
// CHECK-NOTES-RELEASED: :69:1: note: 'leaky_owner_released' ends here without stopping 'svc'
