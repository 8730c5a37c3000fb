// Input of test_sarif.py's `chanleak tidy` test: every call starts a reporter
// thread that sleeps in a loop with no stop condition.
#include <chrono>
#include <thread>

void StartReporter() {
  std::thread([] {
    for (;;)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }).detach();
}

void Serve() {
  for (int Pool = 0; Pool < 2; ++Pool)
    StartReporter();
}
