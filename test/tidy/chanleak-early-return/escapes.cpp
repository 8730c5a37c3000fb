// chanleak-early-return stays silent when someone outside the visible code may
// still receive: the channel escapes.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool bad();
void register_channel(IntChan &ch); // body not visible: may receive
IntChan *g_channel;

void passed_to_opaque_function() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  register_channel(ch);
  if (bad())
    return;
  int v;
  ch.pop(v);
}

void stored_in_global() {
  IntChan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  g_channel = &ch;
  if (bad())
    return;
  int v;
  ch.pop(v);
}

std::shared_ptr<IntChan> returned() {
  auto p = std::make_shared<IntChan>();
  std::thread([p] { p->push(1); }).detach();
  if (bad())
    return nullptr;
  return p;
}

// The function's own channel parameter belongs to its callers.
void parameter(IntChan &ch) {
  std::thread([&ch] { ch.push(1); }).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}

struct Holder {
  IntChan member;

  // A member channel: other member functions may receive from it.
  void uses_member() {
    std::thread([this] { member.push(1); }).detach();
    if (bad())
      return;
    int v;
    member.pop(v);
  }
};

// A lambda holding the channel that is never spawned here runs at a time we
// cannot see (it may be handed to a thread pool by the opaque call).
void enqueue(const void *job);
template <class F> void run_later(F &&f) { enqueue(&f); }
void lambda_escapes() {
  IntChan ch;
  auto job = [&ch] { ch.push(1); };
  run_later(job);
  if (bad())
    return;
  int v;
  ch.pop(v);
}
