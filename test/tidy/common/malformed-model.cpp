// A malformed model file gives one error with file:line:col, said once for
// all seven checks, and the checks keep running on the built-in model.
// RUN: %check_chanleak_tidy -allow-compiler-errors %s 'chanleak-*' %t -config="{CheckOptions: {ModelFile: '%S/../Inputs/bad-model.yaml'}}" -- -- -I%S/../Inputs
//
// An unreadable file: the same, with the reason.
// RUN: %check_chanleak_tidy -allow-compiler-errors -check-suffix=MISSING %s 'chanleak-*' %t -config="{CheckOptions: {ModelFile: '%S/../Inputs/no-such-model.yaml'}}" -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

// CHECK-MESSAGES: error: chanleak: {{.*}}bad-model.yaml:3:5: unknown key 'colour'; using the built-in model only [clang-tidy-config]
// CHECK-MESSAGES-MISSING: error: chanleak: {{.*}}no-such-model.yaml: cannot read model file: No such file or directory; using the built-in model only [clang-tidy-config]

bool bad();

void still_checked() {
  boost::fibers::unbuffered_channel<int> ch;
  std::thread([&ch] { ch.push(1); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: send on 'ch' blocks forever: 'still_checked' can leave without receiving from 'ch' [chanleak-early-return]
  // CHECK-MESSAGES-MISSING: :[[@LINE-2]]:23: warning: send on 'ch' blocks forever: 'still_checked' can leave without receiving from 'ch' [chanleak-early-return]
  if (bad())
    return;
  int v;
  ch.pop(v);
}
