//===- runtime_verify_latency.cpp - VerifyNone when nothing leaked --------===//
//
// 64 threads alive and blocked, snapshotted with IgnoreCurrent(); then
// VerifyNone(NoRetry) over and over. Prints the median, p90 and max latency
// in microseconds. Run by bench/runtime_overhead.py.
//
//   runtime_verify_latency [calls=1000] [baseline-threads=64]
//
//===----------------------------------------------------------------------===//

#include "chanleak/runtime.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

int main(int argc, char **argv) {
  const long Calls = argc > 1 ? std::atol(argv[1]) : 1000;
  const long Baseline = argc > 2 ? std::atol(argv[2]) : 64;
  if (Calls <= 0 || Baseline < 0) {
    std::fprintf(stderr, "usage: %s [calls > 0] [baseline-threads >= 0]\n", argv[0]);
    return 2;
  }
  std::mutex M;
  std::condition_variable CV;
  bool Done = false;
  std::vector<std::thread> Threads;
  for (long I = 0; I < Baseline; ++I)
    Threads.emplace_back([&] {
      std::unique_lock<std::mutex> Lock(M);
      CV.wait(Lock, [&] { return Done; });
    });

  chanleak::Option Snapshot = chanleak::IgnoreCurrent();
  std::vector<double> Micros;
  Micros.reserve(Calls);
  bool Clean = true;
  for (long I = 0; I < Calls; ++I) {
    const auto Start = std::chrono::steady_clock::now();
    Clean &= chanleak::VerifyNone({Snapshot, chanleak::NoRetry()});
    const std::chrono::duration<double, std::micro> Took = std::chrono::steady_clock::now() - Start;
    Micros.push_back(Took.count());
  }
  {
    std::lock_guard<std::mutex> Lock(M);
    Done = true;
  }
  CV.notify_all();
  for (std::thread &T : Threads)
    T.join();
  if (!Clean) {
    std::fprintf(stderr, "VerifyNone reported a leak although none was made\n");
    return 1;
  }
  std::sort(Micros.begin(), Micros.end());
  std::printf("calls=%ld baseline-threads=%ld median-us=%.1f p90-us=%.1f max-us=%.1f\n", Calls,
              Baseline, Micros[Micros.size() / 2], Micros[Micros.size() * 9 / 10], Micros.back());
  return 0;
}
