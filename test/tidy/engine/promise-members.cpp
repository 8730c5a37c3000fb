// A future made from a promise member (`stopped_ = stop_.get_future()
// .share()`) names the promise's one value: the worker waiting on it is
// rescued by the destructor's set_value, and stranded when the owner is
// never destroyed.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
#include <future>
#include <thread>
#include <vector>

class Service {
public:
  Service() {
    threads_.emplace_back([this] { stopped_.wait(); });
  }
  ~Service() {
    stop_.set_value();
    for (auto &t : threads_)
      t.join();
  }

private:
  std::promise<void> stop_;
  std::shared_future<void> stopped_ = stop_.get_future().share();
  std::vector<std::thread> threads_;
};

void fixed_owner_destroyed() {
  Service svc;
}

void leaky_owner_never_destroyed() {
  static Service *svc = new Service;
  (void)svc;
}

// CHECK-NOTES: :13:36: warning: receive from 'stop_' blocks forever: 'leaky_owner_never_destroyed' can leave without sending to or closing 'stop_' [chanleak-early-return]
// CHECK-NOTES: :13:5: note: thread spawned here
// CHECK-NOTES: :34:1: note: 'leaky_owner_never_destroyed' ends here without sending to or closing 'stop_'
