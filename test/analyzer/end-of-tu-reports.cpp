// A leak no path of an analysed context shows (here the only caller returns
// before the spawn) is reported without a path when the translation unit
// ends, where no function's analysis is under way. Every output format must
// take such a report, including the plist of -analyzer-display-progress,
// which asks each report for the function whose analysis found it.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn -Xclang -verify -I%S/../tidy/Inputs %s
//
// RUN: rm -f %t.plist
// RUN: %clangxx --analyze --analyzer-output plist -o %t.plist -std=c++20 -pthread -Xclang -load -Xclang %chanleak_analyzer_plugin -Xclang -analyzer-checker=chanleak.EarlyReturn -Xclang -analyzer-display-progress -I%S/../tidy/Inputs %s > %t.progress 2>&1
// RUN: FileCheck %s --input-file=%t.plist
// CHECK: <key>description</key><string>send on &apos;ch&apos; blocks forever: &apos;handle&apos; can leave without receiving from &apos;ch&apos;</string>
// CHECK-NEXT: <key>category</key><string>Goroutine leak</string>
// CHECK-NEXT: <key>type</key><string>Thread stranded by an early exit</string>
// CHECK-NEXT: <key>check_name</key><string>chanleak.EarlyReturn</string>

#include "mock-boost-fiber.h"

int compute();
bool bad();

int handle(bool cached) {
  if (cached)
    return 0;
  boost::fibers::unbuffered_channel<int> ch;
  std::thread t([&ch] { ch.push(compute()); }); // expected-note {{thread spawned here; it sends on 'ch'}}
  // expected-warning@-1 {{send on 'ch' blocks forever: 'handle' can leave without receiving from 'ch'}}
  // expected-note@-2 {{send on 'ch' blocks forever: 'handle' can leave without receiving from 'ch'}}
  t.detach();
  if (bad())
    return -1; // expected-note {{'handle' returns here without receiving from 'ch'}}
  int v = 0;
  ch.pop(v);
  return v;
}

int lookup() { return handle(true); }
