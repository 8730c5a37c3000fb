// chanleak-orphaned-worker against the real <thread> and <future>, and with
// a worker type declared in a model file instead of annotations.
// RUN: %check_chanleak_tidy %s chanleak-orphaned-worker %t -config="{CheckOptions: {ModelFile: '%S/../Inputs/model-worker.yaml'}}"

#include <atomic>
#include <chrono>
#include <future>
#include <stop_token>
#include <thread>

void Flush();
std::atomic<bool> g_quit{false};

void Leaky() {
  std::jthread flusher([](std::stop_token) { // #s1
    for (;;)
      Flush();
  });
  // CHECK-NOTES: :[[@LINE-4]]:44: warning: thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-5]]:16: note: thread spawned here
}

void Fixed() {
  std::jthread flusher([](std::stop_token st) {
    while (!st.stop_requested())
      Flush();
  });
}

int LeakyAsync() {
  auto fut = std::async(std::launch::async, [] { // #s2
    for (;;)
      Flush();
    return 0;
  });
  return 1;
  // CHECK-NOTES: :[[@LINE-6]]:48: warning: thread never ends: its loop has no exit, so the destructor of 'fut' waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-7]]:14: note: thread spawned here
}

int FixedAsync() {
  auto fut = std::async(std::launch::async, [] {
    while (!g_quit)
      Flush();
    return 0;
  });
  return 1;
}

// vendor::Agent is modelled in model-worker.yaml: Run() starts, Halt() stops.
namespace vendor {
class Agent {
public:
  void Run();
  void Halt();
};
} // namespace vendor

void LeakyAgent(bool fast) {
  vendor::Agent a;
  a.Run(); // #s3
  if (fast)
    return; // #r3
  a.Halt();
  // CHECK-NOTES: :[[@LINE-4]]:3: warning: 'a' is started but not stopped on every path: its worker thread outlives it [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-3]]:5: note: 'LeakyAgent' returns here without stopping 'a'
}

void FixedAgent(bool fast) {
  vendor::Agent a;
  a.Run();
  if (fast) {
    a.Halt();
    return;
  }
  a.Halt();
}
