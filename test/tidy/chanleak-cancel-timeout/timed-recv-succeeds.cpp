// A timed receive that succeeds has received: the path on which
// pop_wait_for returned `success` must not count as leaving without
// receiving. Both fixes below (close on the timeout path, or receive anyway)
// are flagged today, at the `return v;` of the success path.
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;
using boost::fibers::channel_op_status;

int slow_lookup();

// Closing on the timeout path wakes the sender (push returns `closed`).
int fixed_close_on_timeout() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout) {
    ch.close();
    return -1;
  }
  return v;
}

// On timeout the parent still waits for the value before leaving.
int fixed_wait_after_timeout() {
  IntChan ch;
  std::thread([&ch] { ch.push(slow_lookup()); }).detach();
  int v;
  if (ch.pop_wait_for(v, std::chrono::milliseconds(20)) == channel_op_status::timeout) {
    ch.pop(v);
    return -1;
  }
  return v;
}

