// The checkers' options, set with -analyzer-config: a model file, channel
// types and spawner functions make a vendor's API known; a malformed model
// file is one error (file:line:col), after which the built-in model still
// finds the leaks it knows.
//
// Without options the vendor's Pipe and Go are unknown: nothing to report.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn -I%S/../tidy/Inputs %s 2>&1 | FileCheck %s --check-prefix=NONE --allow-empty
// NONE-NOT: 'pipe'
// NONE-NOT: 'box'
//
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn -Xclang -analyzer-config -Xclang chanleak.EarlyReturn:ModelFile=%S/../tidy/Inputs/model-channel.yaml -I%S/../tidy/Inputs %s 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: options.cpp:{{[0-9]+}}:{{[0-9]+}}: warning: send on 'pipe' blocks forever: 'vendor_leaky' can leave without receiving from 'pipe' [chanleak.EarlyReturn]
//
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn -Xclang -analyzer-config -Xclang "chanleak.EarlyReturn:ChannelTypes=legacy::Mailbox" -Xclang -analyzer-config -Xclang "chanleak.EarlyReturn:SpawnerFunctions=legacy::spawn" -I%S/../tidy/Inputs %s 2>&1 | FileCheck %s --check-prefix=LISTS
// LISTS: options.cpp:{{[0-9]+}}:{{[0-9]+}}: warning: send on 'box' blocks forever: 'legacy_leaky' can leave without receiving from 'box' [chanleak.EarlyReturn]
//
// RUN: not %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn -Xclang -analyzer-config -Xclang chanleak.EarlyReturn:ModelFile=%S/../tidy/Inputs/bad-model.yaml -I%S/../tidy/Inputs %s 2>&1 | FileCheck %s --check-prefix=BAD
// BAD-DAG: options.cpp:{{[0-9]+}}:{{[0-9]+}}: warning: send on 'ch' blocks forever: 'builtin_leaky' can leave without receiving from 'ch' [chanleak.EarlyReturn]
// BAD-DAG: error: chanleak: {{.*}}bad-model.yaml:3:5: unknown key 'colour'; using the built-in model only
// BAD-NOT: error:

#include "mock-boost-fiber.h"
#include "vendor.h"

bool bad();

void vendor_leaky() {
  vendor::Pipe<int> pipe;
  vendor::Go([&pipe] { pipe.Put(1); });
  if (bad())
    return;
  int v;
  pipe.Take(v);
}

void legacy_leaky() {
  legacy::Mailbox box;
  legacy::spawn([&box] { box.push(1); });
  if (bad())
    return;
  int v;
  box.pop(v);
}

void builtin_leaky() {
  boost::fibers::unbuffered_channel<int> ch;
  std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}
