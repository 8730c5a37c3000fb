//===- runtime_coroutine_scan.cpp - a big heap and one stranded coroutine -===//
//
// bench/runtime_overhead.py runs it under the runtime's at-exit check with
// and without the unfinished-coroutine scan: what reading the heap costs.
//
//   runtime_coroutine_scan [megabytes=512]
//
// The heap is filled the way a program's is: pointers to other blocks, small
// integers, text. One coroutine stays suspended, so the scan finds one.
//
//===----------------------------------------------------------------------===//

#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

struct Park {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

Detached Stranded() { co_await Park{}; }

int main(int argc, char **argv) {
  const long Megabytes = argc > 1 ? std::atol(argv[1]) : 512;
  if (Megabytes <= 0) {
    std::fprintf(stderr, "usage: %s [megabytes > 0]\n", argv[0]);
    return 2;
  }
  constexpr std::size_t Words = (1 << 20) / sizeof(std::uintptr_t);
  std::vector<std::uintptr_t *> Blocks;
  for (long I = 0; I < Megabytes; ++I) {
    auto *Block = static_cast<std::uintptr_t *>(std::malloc(Words * sizeof(std::uintptr_t)));
    for (std::size_t W = 0; W < Words; ++W) {
      switch (W % 4) {
      case 0: Block[W] = reinterpret_cast<std::uintptr_t>(Blocks.empty() ? Block : Blocks[W % Blocks.size()]); break;
      case 1: Block[W] = W; break;
      case 2: std::memcpy(&Block[W], "chanleak", sizeof(std::uintptr_t)); break;
      default: Block[W] = reinterpret_cast<std::uintptr_t>(&Block[W / 2]); break;
      }
    }
    Blocks.push_back(Block);
  }
  Stranded();
  std::printf("%ld MB allocated\n", Megabytes);
  return 0;
}
