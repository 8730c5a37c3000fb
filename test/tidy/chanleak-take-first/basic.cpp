// chanleak-take-first: a loop spawns N senders on a channel too small for
// them and the parent receives once.
// RUN: %check_chanleak_tidy %s chanleak-take-first %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
using Buffered = boost::fibers::buffered_channel<int>;

int query(int replica);
int count();

int leaky_constant_loop() {
  IntChan ch;
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach(); // #s1
  int first;
  ch.pop(first); // #r1
  return first;
  // CHECK-NOTES: :[[@LINE-4]]:28: warning: send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, 3 times in a loop; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'ch'
}

int leaky_unknown_loop(int n) {
  IntChan ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach(); // #s2
  int first;
  ch.pop(first); // #r2
  return first;
  // CHECK-NOTES: :[[@LINE-4]]:28: warning: send on 'ch' blocks forever: one send per loop iteration on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, once per loop iteration; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'ch'; if the loop spawns no thread, it waits forever
}

// buffered_channel(4) holds three values: every sender finishes.
int fixed_buffered() {
  Buffered ch{4};
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  int first;
  ch.pop(first);
  return first;
}

// buffered_channel(3)... is not a power of two; buffered_channel(2) holds one:
// two of the three senders block.
int leaky_buffered_too_small() {
  Buffered ch{2};
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach(); // #s3
  int first;
  ch.pop(first); // #r3
  return first;
  // CHECK-NOTES: :[[@LINE-4]]:28: warning: send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, 3 times in a loop; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'ch'
}

// The parent drains every value.
int fixed_receive_each() {
  IntChan ch;
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  int best = 0, v;
  for (int i = 0; i < 3; ++i) {
    ch.pop(v);
    best = v > best ? v : best;
  }
  return best;
}

// try_push never blocks: the losers drop their answer.
int fixed_try_push() {
  Buffered ch{2};
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.try_push(query(i)); }).detach();
  int first;
  ch.pop(first);
  return first;
}

// Range-based loop over a list: the trip count is known.
int leaky_range_loop() {
  IntChan ch;
  const int replicas[] = {1, 2};
  for (int replica : replicas)
    std::thread([&ch, replica] { ch.push(query(replica)); }).detach(); // #s4
  int first;
  ch.pop(first); // #r4
  return first;
  // CHECK-NOTES: :[[@LINE-4]]:34: warning: send on 'ch' blocks forever: 2 sends on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, 2 times in a loop; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'ch'
}

// A helper sends; the channel is shared through a shared_ptr.
void answer(std::shared_ptr<IntChan> out, int i) { out->push(query(i)); } // #s5
int leaky_helper_shared() {
  auto ch = std::make_shared<IntChan>();
  for (int i = 0; i < 4; ++i)
    std::thread(answer, ch, i).detach(); // #t5
  return ch->value_pop(); // #r5
  // CHECK-NOTES: :[[@LINE-6]]:52: warning: send on 'ch' blocks forever: 4 sends on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-3]]:5: note: thread spawned here, 4 times in a loop; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-3]]:10: note: the only receive from 'ch'
}

// --- escapes and suppressions ----------------------------------------------------
void also_read_by(IntChan &ch); // not visible: may receive the rest
int escapes_to_opaque() {
  IntChan ch;
  for (int i = 0; i < 3; ++i)
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  also_read_by(ch);
  int first;
  ch.pop(first);
  return first;
}

int suppressed() {
  IntChan a, b, c;
  for (int i = 0; i < 3; ++i) {
    std::thread([&a, i] { a.push(query(i)); }).detach(); // NOLINT(chanleak-take-first)
    // NOLINTNEXTLINE(chanleak-take-first)
    std::thread([&b, i] { b.push(query(i)); }).detach();
    std::thread([&c, i] { [[clang::suppress]] c.push(query(i)); }).detach();
  }
  int v;
  a.pop(v);
  b.pop(v);
  c.pop(v);
  return v;
}

bool healthy(int replica);

// A loop that may skip the spawn: with every replica skipped nobody is
// stranded (the parent waits, which is not this leak); with two spawned, one
// sender is.
int leaky_skipping_loop(int n) {
  IntChan ch;
  for (int i = 0; i < n; ++i) {
    if (!healthy(i))
      continue;
    std::thread([&ch, i] { ch.push(query(i)); }).detach(); // #s4
  }
  int first;
  ch.pop(first);
  return first;
  // CHECK-NOTES: :[[@LINE-5]]:28: warning: send on 'ch' blocks forever: one send per loop iteration on 'ch' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-6]]:5: note: thread spawned here, once per loop iteration; it sends on 'ch'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'ch'; if the loop spawns no thread, it waits forever
}

// The parent closes the channel once it has its answer: the other senders'
// pushes return closed.
int fixed_skipping_loop_closes(int n) {
  IntChan ch;
  for (int i = 0; i < n; ++i) {
    if (!healthy(i))
      continue;
    std::thread([&ch, i] { ch.push(query(i)); }).detach();
  }
  int first;
  ch.pop(first);
  ch.close();
  return first;
}
