//===- runtime_churn.cpp - create and join threads as fast as possible ----===//
//
// bench/runtime_overhead.py runs it with and without
// LD_PRELOAD=libchanleak-rt.so: the runtime's cost on thread creation.
//
//   runtime_churn [threads=100000]
//
//===----------------------------------------------------------------------===//

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char **argv) {
  const long Threads = argc > 1 ? std::atol(argv[1]) : 100000;
  if (Threads <= 0) {
    std::fprintf(stderr, "usage: %s [threads > 0]\n", argv[0]);
    return 2;
  }
  const auto Start = std::chrono::steady_clock::now();
  for (long I = 0; I < Threads; ++I)
    std::thread([] {}).join();
  const std::chrono::duration<double> Elapsed = std::chrono::steady_clock::now() - Start;
  std::printf("%ld threads in %.3f s\n", Threads, Elapsed.count());
  return 0;
}
