// chanleak.EarlyReturn: a leak is reported on the path that strands the
// thread, and only when such a path is feasible. The look-alikes at the end
// are leaks to a path-insensitive reading (and to the clang-tidy check) but
// no feasible path reaches their early return after the spawn.
// RUN: %analyze_chanleak -Xclang -analyzer-checker=chanleak.EarlyReturn -Xclang -verify -I%S/../tidy/Inputs %s

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

int compute();
bool bad();

int leaky_on_error(bool failed) {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); }); // expected-note {{thread spawned here}}
  // expected-warning@-1 {{send on 'ch' blocks forever: 'leaky_on_error' can leave without receiving from 'ch'}}
  // expected-note@-2 {{send on 'ch' blocks forever: 'leaky_on_error' can leave without receiving from 'ch'}}
  t.detach();
  if (failed) // expected-note {{Assuming 'failed' is true}} expected-note {{Taking true branch}}
    return -1; // expected-note {{'leaky_on_error' returns here without receiving from 'ch'}}
  int v = 0;
  ch.pop(v);
  return v;
}

int fixed_on_error(bool failed) {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  int v = 0;
  ch.pop(v);
  if (failed)
    return -1;
  return v;
}

// The callee (inlined) reports its failure through an out-parameter.
void parse(const char *text, int &err) { err = text[0] == '#'; }

int leaky_callee_error(const char *text) {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); }); // expected-note {{thread spawned here}}
  // expected-warning@-1 {{send on 'ch' blocks forever: 'leaky_callee_error' can leave without receiving from 'ch'}}
  // expected-note@-2 {{send on 'ch' blocks forever: 'leaky_callee_error' can leave without receiving from 'ch'}}
  t.detach();
  int err = 0;
  parse(text, err);
  if (err) // expected-note {{'err' is 1}} expected-note {{Taking true branch}}
    return -1; // expected-note {{'leaky_callee_error' returns here without receiving from 'ch'}}
  int v = 0;
  ch.pop(v);
  return v;
}

// --- infeasible look-alikes: silent --------------------------------------

// The callee always clears the error.
void parse_always(int &err) { err = 0; }

int callee_never_fails() {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  int err = 1;
  parse_always(err);
  if (err)
    return -1;
  int v = 0;
  ch.pop(v);
  return v;
}

// The second test of the same condition cannot hold after the first.
int checked_twice(int n) {
  IntChan ch;
  std::thread t([&ch] { ch.push(compute()); });
  t.detach();
  if (n < 0)
    n = 0;
  if (n < 0)
    return -1;
  int v = 0;
  ch.pop(v);
  return v;
}
