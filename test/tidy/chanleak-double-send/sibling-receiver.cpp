// chanleak-double-send: the receiver need not be the spawning function. Here
// a sibling thread takes the one value; the producer's second send on the
// error path has nobody left to take it.
// RUN: %check_chanleak_tidy %s chanleak-double-send %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool failed();
int compute();
void use(int);

void leaky_sibling_receiver() {
  IntChan ch;
  std::thread producer([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: second send on 'ch' blocks forever: the receiver takes only 1 value [chanleak-double-send]
    // CHECK-NOTES: :[[@LINE-4]]:7: note: first send here; this branch goes on without returning
  });
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here; it sends on 'ch'
  std::thread consumer([&ch] {
    int v;
    ch.pop(v);
    use(v);
  });
  producer.join();
  consumer.join();
}
// CHECK-FIXES:      ch.push(-1); return;

// The sibling takes both values: nothing is stranded.
void fixed_sibling_receives_twice() {
  IntChan ch;
  std::thread producer([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
  });
  std::thread consumer([&ch] {
    int v;
    ch.pop(v);
    use(v);
    ch.pop(v);
    use(v);
  });
  producer.join();
  consumer.join();
}

// A sibling that drains in a loop can take any number of values.
void fixed_sibling_drains() {
  IntChan ch;
  std::thread producer([&ch] {
    if (failed()) {
      ch.push(-1);
    }
    ch.push(compute());
    ch.close();
  });
  std::thread consumer([&ch] {
    for (int v : ch)
      use(v);
  });
  producer.join();
  consumer.join();
}
