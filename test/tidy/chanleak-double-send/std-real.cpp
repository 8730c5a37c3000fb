// chanleak-double-send against the real <future> and <thread>: the config
// loader of the catalogue, with its fix-it.
// RUN: %check_chanleak_tidy %s chanleak-double-send %t

#include <future>
#include <string>
#include <thread>
#include <utility>

bool Validate(const std::string &text);

std::future<bool> LoadAsync(std::string text) {
  std::promise<bool> done;
  auto result = done.get_future();
  std::thread([done = std::move(done), text]() mutable {
    if (!Validate(text)) {
      done.set_value(false);
    }
    done.set_value(true);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second set_value on 'done' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first set_value on 'done' here; this branch goes on without returning
  }).detach();
  // CHECK-NOTES: :[[@LINE-8]]:3: note: thread spawned here
  return result;
}
// CHECK-FIXES: {{^}}      done.set_value(false); return;{{$}}

std::future<bool> LoadAsyncFixed(std::string text) {
  std::promise<bool> done;
  auto result = done.get_future();
  std::thread([done = std::move(done), text]() mutable {
    if (!Validate(text)) {
      done.set_value(false);
      return;
    }
    done.set_value(true);
  }).detach();
  return result;
}

// set_exception then set_value: the same mistake.
void Compute(std::promise<int> &p, bool bad) {
  if (bad) {
    p.set_exception(std::make_exception_ptr(42));
  }
  p.set_value(1);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: second set_value on 'p' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-4]]:5: note: first set_exception on 'p' here; this branch goes on without returning
}
// CHECK-FIXES: {{^}}    p.set_exception(std::make_exception_ptr(42)); return;{{$}}
int RunCompute(bool bad) {
  std::promise<int> p;
  auto f = p.get_future();
  std::thread t(Compute, std::ref(p), bad);
  // CHECK-NOTES: :[[@LINE-1]]:15: note: thread spawned here
  t.join();
  return f.get();
}

// A packaged_task runs once: a second call throws like a second set_value.
int RunTaskTwice(bool retry) {
  std::packaged_task<int()> task([] { return 1; });
  auto f = task.get_future();
  std::thread t([&task, retry] {
    if (retry) {
      task();
    }
    task();
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second call of 'task' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first call of 'task' here; this branch goes on without returning
  });
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here
  t.join();
  return f.get();
}
// CHECK-FIXES: {{^}}      task(); return;{{$}}

int RunTaskOnce(bool retry) {
  std::packaged_task<int()> task([] { return 1; });
  auto f = task.get_future();
  std::thread t([&task, retry] {
    if (retry) {
      task();
      return;
    }
    task();
  });
  t.join();
  return f.get();
}

// Each call has its own promise: two calls are not two sets of one.
int CallOnce(int v) {
  std::promise<int> done;
  std::thread t([&done, v] { done.set_value(v); });
  int r = done.get_future().get();
  t.join();
  return r;
}
int CallTwice() { return CallOnce(1) + CallOnce(2); }

// The same helper, called twice, with a thread that does set twice: one
// finding, at its own second set.
bool Retried();
int CallSetsTwice(int v) {
  std::promise<int> done;
  std::thread t([&done, v] {
    if (Retried()) {
      done.set_value(-1);
    }
    done.set_value(v);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second set_value on 'done' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first set_value on 'done' here; this branch goes on without returning
  });
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here
  int r = done.get_future().get();
  t.join();
  return r;
}
// CHECK-FIXES: {{^}}      done.set_value(-1); return;{{$}}
int CallSetsTwiceTwice() { return CallSetsTwice(1) + CallSetsTwice(-1); }
