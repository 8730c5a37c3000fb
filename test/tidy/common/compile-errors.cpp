// A translation unit that does not compile must not crash the checks, and
// they say nothing about the broken AST. (The runner fails on a crash even
// with -allow-compiler-errors, and an unexpected chanleak warning fails the
// implicit check-not.)
// RUN: %check_chanleak_tidy -allow-compiler-errors %s 'chanleak-*' %t -- -- -I%S/../Inputs
// The input really is broken (without the flag the runner refuses it):
// RUN: not %check_chanleak_tidy %s 'chanleak-*' %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

bool bad();

void broken_spawn() {
  boost::fibers::unbuffered_channel<int> ch;
  std::thread([&ch] { ch.push(undeclared_value); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void broken_channel_type() {
  boost::fibers::unbuffered_channel<NoSuchType> ch;
  std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
}

void broken_loop() {
  boost::fibers::buffered_channel<int> jobs{4};
  std::thread([&jobs] {
    for (int j : jobs)
      handle(j)
  });
}

void broken_syntax( {
  std::thread([] { for (;;) std::this_thread::sleep_for(1); }).detach();
}
