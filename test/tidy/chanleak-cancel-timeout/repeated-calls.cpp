// Each call of a helper makes its own reply channel (`std::make_shared` into
// a local), even while the thread of an earlier call still holds that call's
// channel: a late reply of the first call does not fill the second call's
// buffer.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <chrono>
#include <memory>
#include <thread>

bool slow_lookup(int key);

// Fixed: one slot for the late reply, in each call's own channel.
bool LookupWithin(int key, bool fallback) {
  auto reply = std::make_shared<boost::fibers::buffered_channel<bool>>(2);
  std::thread([reply, key] { reply->push(slow_lookup(key)); }).detach();
  bool value = fallback;
  if (reply->pop_wait_for(value, std::chrono::milliseconds(30)) ==
      boost::fibers::channel_op_status::timeout)
    return fallback;
  return value;
}

void TwoLookups() {
  LookupWithin(1, false);
  LookupWithin(2, true);
}

// No slot: the reply that comes after the deadline waits forever.
bool LookupWithinUnbuffered(int key, bool fallback) {
  auto reply = std::make_shared<boost::fibers::unbuffered_channel<bool>>();
  std::thread([reply, key] { reply->push(slow_lookup(key)); }).detach();
  bool value = fallback;
  if (reply->pop_wait_for(value, std::chrono::milliseconds(30)) ==
      boost::fibers::channel_op_status::timeout)
    return fallback;
  return value;
}
// CHECK-NOTES: :35:30: warning: send on 'reply' blocks forever once the waiter gives up: nobody is left receiving from 'reply' after the timeout or cancellation [chanleak-cancel-timeout]
// CHECK-NOTES: :35:3: note: thread spawned here; it sends on 'reply'
// CHECK-NOTES: :37:7: note: the wait can give up here
// CHECK-NOTES: :39:5: note: 'LookupWithinUnbuffered' returns here without receiving from 'reply'

void TwoUnbufferedLookups() {
  LookupWithinUnbuffered(1, false);
  LookupWithinUnbuffered(2, true);
}

// Fixed: a call that gives up closes its own channel, so its late push
// returns; calls in a loop each close theirs.
bool LookupWithinOrClose(int key, bool fallback) {
  auto reply = std::make_shared<boost::fibers::unbuffered_channel<bool>>();
  std::thread([reply, key] { reply->push(slow_lookup(key)); }).detach();
  bool value = fallback;
  if (reply->pop_wait_for(value, std::chrono::milliseconds(30)) ==
      boost::fibers::channel_op_status::timeout) {
    reply->close();
    return fallback;
  }
  return value;
}

void LookupsInALoop() {
  for (int key : {1, 2, 3})
    LookupWithinOrClose(key, false);
}
