// A function with a handler: a call's exception edge leads to the handler,
// and its normal edge still returns. The call that ends a `try` block does
// not make the function endless, and a `set_value` that throws (it does only
// when the value was already set) is not followed by a second set of its own.
// RUN: %check_chanleak_tidy %s chanleak-double-send,chanleak-orphaned-worker %t -- -- -std=c++20
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
