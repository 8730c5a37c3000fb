// A condition_variable_any wait handed a stop token ends when the token's
// source requests stop. Waiting for a predicate no write can change
// (`[] { return false; }`), only that request rescues the thread: a path that
// skips it strands the waiter.
// RUN: %check_chanleak_tidy %s chanleak-early-return,chanleak-orphaned-worker %t -- -- -std=c++20
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

bool bad();

void leaky_source_never_stops() {
  std::stop_source go;
  std::thread([&go] {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, go.get_token(), [] { return false; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'cv' blocks forever: 'leaky_source_never_stops' can leave without requesting stop on 'go' [chanleak-early-return]
  }).detach();
  // CHECK-NOTES: :[[@LINE-7]]:3: note: thread spawned here; it waits on 'cv'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_source_never_stops' returns here without requesting stop on 'go'
  go.request_stop();
}

void fixed_source_stops_on_every_path() {
  std::stop_source go;
  std::thread t([&go] {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, go.get_token(), [] { return false; });
  });
  if (bad()) {
    go.request_stop();
    t.join();
    return;
  }
  go.request_stop();
  t.join();
}

void fixed_token_copied_before_the_spawn() {
  std::stop_source go;
  std::stop_token token = go.get_token(); // shares go's stop state
  std::thread t([token] {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, token, [] { return false; });
  });
  go.request_stop();
  t.join();
}

void fixed_jthread_requests_stop_on_destruction() {
  std::jthread worker([](std::stop_token st) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, st, [] { return false; });
  });
  if (bad())
    return; // ~jthread requests stop, then joins
}

void leaky_jthread_detached() {
  std::jthread worker([](std::stop_token st) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, st, [] { return false; });
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'cv' blocks forever: 'leaky_jthread_detached' can leave without requesting stop on 'worker' [chanleak-early-return]
  });
  // CHECK-NOTES: :[[@LINE-7]]:16: note: thread spawned here; it waits on 'cv'
  worker.detach(); // its destructor no longer requests stop
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'leaky_jthread_detached' ends here without requesting stop on 'worker'

void fixed_source_from_elsewhere(std::stop_token st) {
  std::thread([st] {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, st, [] { return false; }); // the caller may request stop
  }).detach();
}

// No destructor of its own: the implicit one destroys the jthreads, which
// request stop and join.
class Pool {
public:
  void Start() {
    threads_.emplace_back([this](std::stop_token st) {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, st, [] { return false; });
      // CHECK-NOTES: :[[@LINE-1]]:7: warning: wait on 'cv_' blocks forever: 'leaky_pool_never_destroyed' can leave without requesting stop on 'threads_' [chanleak-early-return]
    });
    // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here; it waits on 'cv_'
  }

private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::vector<std::jthread> threads_;
};

void fixed_pool_destroyed() {
  Pool pool;
  pool.Start();
}

void leaky_pool_never_destroyed() {
  auto *pool = new Pool;
  pool->Start();
}
// CHECK-NOTES: :[[@LINE-1]]:1: note: 'leaky_pool_never_destroyed' ends here without requesting stop on 'threads_'

// A jthread member started by a lambda that calls a method: the lambda is
// made from `this`, not from another member, so the handle stays the
// class's own. Its wait ignores the stop token: the destructor's
// request_stop and notify cannot end it, and the join waits forever.
class Journal {
public:
  Journal() : writer_([this](std::stop_token st) { loop(st); }) {}
  ~Journal() {
    writer_.request_stop();
    wake_.notify_all();
    writer_.join();
  }
  void append() {
    std::lock_guard<std::mutex> lk(mu_);
    ++pending_;
    wake_.notify_all();
  }
  void sync() {
    std::unique_lock<std::mutex> lk(mu_);
    wake_.wait(lk, [&] { return written_ >= 1; });
  }

private:
  void loop(std::stop_token st) {
    std::unique_lock<std::mutex> lk(mu_);
    while (!st.stop_requested()) {
      wake_.wait(lk, [this] { return pending_ > 0; });
      while (pending_ > 0) {
        --pending_;
        ++written_;
      }
      wake_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable_any wake_;
  int pending_ = 0, written_ = 0;
  std::jthread writer_;
};

void WriteOne() {
  Journal journal;
  journal.append();
  journal.sync();
}
// CHECK-NOTES: :[[@LINE-19]]:7: warning: wait on 'wake_' blocks forever: {{.*}} [chanleak-{{.*}}]
// CHECK-NOTES: :[[@LINE-40]]:15: note: thread spawned here; it waits on 'wake_'
// CHECK-NOTES: :[[@LINE-37]]:5: note: 'WriteOne' waits here forever to join a stranded thread, without notifying 'wake_'

// Fixed: the wait takes the stop token, so the stop request ends it.
class StoppableJournal {
public:
  StoppableJournal() : writer_([this](std::stop_token st) { loop(st); }) {}
  ~StoppableJournal() {
    writer_.request_stop();
    writer_.join();
  }
  void append() {
    std::lock_guard<std::mutex> lk(mu_);
    ++pending_;
    wake_.notify_all();
  }
  void sync() {
    std::unique_lock<std::mutex> lk(mu_);
    wake_.wait(lk, [&] { return written_ >= 1; });
  }

private:
  void loop(std::stop_token st) {
    std::unique_lock<std::mutex> lk(mu_);
    while (!st.stop_requested()) {
      if (!wake_.wait(lk, st, [this] { return pending_ > 0; }))
        break;
      while (pending_ > 0) {
        --pending_;
        ++written_;
      }
      wake_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable_any wake_;
  int pending_ = 0, written_ = 0;
  std::jthread writer_;
};

void WriteOneStoppable() {
  StoppableJournal journal;
  journal.append();
  journal.sync();
}
