//===- unfinished_coroutine.cpp - a coroutine suspended forever at exit ---===//
//
// Run with CHANLEAK_VERIFY_AT_EXIT=1 under the runtime. WaitForever suspends
// on an awaiter nobody resumes, so the at-exit check must report one
// unfinished coroutine named WaitForever. With CHANLEAK_FIXED it is resumed
// and finishes; a second coroutine is destroyed while suspended (its frame
// freed, never finished): neither may be reported.
//
//===----------------------------------------------------------------------===//

#include <coroutine>
#include <cstdio>

struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

/// Parks the coroutine and keeps its handle, which nobody may resume.
struct Park {
  std::coroutine_handle<> *Slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> Handle) noexcept { *Slot = Handle; }
  void await_resume() const noexcept {}
};

static std::coroutine_handle<> Waiting, Abandoned;
static int Delivered = 0;

Detached WaitForever(int Id) {
  std::printf("waiting %d\n", Id);
  co_await Park{&Waiting};
  Delivered = Id;
}

Detached GivenUp() { co_await Park{&Abandoned}; }

int main() {
  WaitForever(7);
  GivenUp();
  Abandoned.destroy(); // frame freed without finishing
#if defined(CHANLEAK_FIXED)
  Waiting.resume();
#endif
  std::printf("delivered %d\n", Delivered);
  return 0;
}
