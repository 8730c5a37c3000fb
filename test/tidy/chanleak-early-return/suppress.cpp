// chanleak-early-return honours NOLINT, NOLINTNEXTLINE, a NOLINT block and
// [[clang::suppress]] (naming either spelling of the check) on the statement
// or declaration holding the send.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../Inputs
// The same suppressions silence chanleak.EarlyReturn, the analyzer's checker,
// which must report exactly what the check reports:
// RUN: %analyze_chanleak -fno-caret-diagnostics -Xclang -analyzer-checker=chanleak.EarlyReturn -I%S/../Inputs %s 2>&1 \
// RUN:   | sed 's/\[chanleak\.EarlyReturn\]/[chanleak-early-return]/' \
// RUN:   | FileCheck %s --check-prefix=CHECK-MESSAGES --implicit-check-not=warning:

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool bad();

void nolint() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach(); // NOLINT(chanleak-early-return)
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void nolint_all() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach(); // NOLINT
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void nolint_glob() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach(); // NOLINT(chanleak-*)
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// NOLINT for another check does not silence this one.
void nolint_other_check() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach(); // NOLINT(chanleak-double-send)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: send on 'ch' blocks forever: 'nolint_other_check' can leave without receiving from 'ch' [chanleak-early-return]
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void nolintnextline() {
  IntChan ch;
  // NOLINTNEXTLINE(chanleak-early-return)
  std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// NOLINTBEGIN(chanleak-early-return)
void nolint_block() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}
// NOLINTEND(chanleak-early-return)

void suppress_statement() {
  IntChan ch;
  std::thread([&ch] {
    [[clang::suppress]] ch.push(1);
  }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void suppress_named() {
  IntChan ch;
  std::thread([&ch] {
    [[clang::suppress("chanleak-early-return")]] ch.push(1);
  }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void suppress_named_as_checker() {
  IntChan ch;
  std::thread([&ch] {
    [[clang::suppress("chanleak.EarlyReturn")]] ch.push(1);
  }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// A suppression naming another check does not silence this one.
void suppress_other_check() {
  IntChan ch;
  std::thread([&ch] {
    [[clang::suppress("chanleak-take-first")]] ch.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: send on 'ch' blocks forever: 'suppress_other_check' can leave without receiving from 'ch' [chanleak-early-return]
  }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// On the spawning statement: the whole spawned body is covered.
void suppress_spawn() {
  IntChan ch;
  [[clang::suppress]] std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

// On the function declaration.
[[clang::suppress]] void suppress_function() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}
