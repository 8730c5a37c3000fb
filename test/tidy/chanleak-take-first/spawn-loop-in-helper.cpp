// The spawning loop sits in a helper of this translation unit that is handed
// the channel (the catalogue's take-first/msd_leaky.cpp shape): three senders
// on a channel of capacity 1 whose owner receives once.
// RUN: %check_chanleak_tidy %s chanleak-take-first %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using Chan = boost::fibers::unbuffered_channel<int>;

int query(int);

void ask_all(const std::shared_ptr<Chan> &out) {
  for (int i = 0; i < 3; ++i)
    std::thread([out, i] { out->push(query(i)); }).detach(); // #s1
}

int first_answer() {
  auto ch = std::make_shared<Chan>();
  ask_all(ch);
  return ch->value_pop();
  // CHECK-MESSAGES: :[[@LINE-7]]:28: warning: send on 'ch' blocks forever: 3 sends on 'ch' but only 1 value is received [chanleak-take-first]
}
