// A function with a handler: a call's exception edge leads to the handler,
// and its normal edge still returns. The call that ends a `try` block does
// not make the function endless, and a `set_value` that throws (it does only
// when the value was already set) is not followed by a second set of its own.
// RUN: %check_chanleak_tidy %s chanleak-double-send,chanleak-orphaned-worker,chanleak-early-return %t -- -- -std=c++20
#include <exception>
#include <future>
#include <memory>
#include <thread>

int compute();
void publish(int v);

// The pattern of Asio's use_future: run the work, then set the value; an
// exception from the work is stored in the promise instead.
void invoke_and_set(std::promise<int> &p) {
  try {
    p.set_value(compute());
  } catch (...) {
    p.set_exception(std::current_exception());
  }
}

int fixed_value_or_exception() {
  std::promise<int> p;
  std::future<int> f = p.get_future();
  std::thread t([&p] { invoke_and_set(p); });
  int v = f.get();
  t.join();
  return v;
}

// A worker whose setup may fail, then serves forever: its loop has no exit,
// whatever the handler does.
void setup();
void serve_once();
void serve_forever() {
  // CHECK-NOTES: :[[@LINE-1]]:22: warning: thread never ends: its loop has no exit and nothing can stop it [chanleak-orphaned-worker]
  try {
    setup();
  } catch (...) {
    publish(-1);
  }
  for (;;)
    serve_once();
}

void leaky_server_never_stops() {
  std::thread server(serve_forever);
  // CHECK-NOTES: :[[@LINE-1]]:15: note: thread spawned here
  server.join();
}

// The same worker returns when its setup fails, and serves a bounded time.
void serve_a_while() {
  try {
    setup();
  } catch (...) {
    return;
  }
  for (int i = 0; i < 100; ++i)
    serve_once();
}

void fixed_server_ends() {
  std::thread server(serve_a_while);
  server.join();
}

// Workers that process a constant list of items, one of which may make
// `process` throw; the handler swallows it. The list's length is known, so
// the loop runs: the exception can skip what follows it.
#include <condition_variable>
#include <mutex>
#include <vector>

struct Done {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
};
void process(int item);
const std::vector<int> kItems = {4, -1, 7};

void mark_done(Done &d) {
  {
    std::lock_guard<std::mutex> g(d.mu);
    d.done = true;
  }
  d.cv.notify_all();
}

void wait_done(Done &d) {
  std::unique_lock<std::mutex> lk(d.mu);
  d.cv.wait(lk, [&] { return d.done; });
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: wait on 'cv' blocks forever: 'lambda' can leave without notifying 'cv' [chanleak-early-return]
}

void leaky_exception_skips_the_signal() {
  Done d;
  std::thread worker([&d] {
    try {
      for (int item : kItems)
        process(item);
      mark_done(d);
    } catch (...) {
    }
  });
  // CHECK-NOTES: :[[@LINE-1]]:3: note: the thread ends here without notifying 'cv'
  wait_done(d);
  worker.join();
}

// A guard made in the try block signals on every exit: the exception
// destroys it before the handler runs.
struct DoneGuard {
  Done &d;
  ~DoneGuard() { mark_done(d); }
};

void fixed_guard_in_the_try_block() {
  Done d;
  std::thread worker([&d] {
    try {
      DoneGuard guard{d};
      for (int item : kItems)
        process(item);
    } catch (...) {
    }
  });
  wait_done(d);
  worker.join();
}
