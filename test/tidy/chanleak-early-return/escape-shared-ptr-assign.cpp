// A local channel whose shared_ptr is assigned to a member or a global
// escapes (other code may receive from it), like `g_channel = &ch` does.
// The assignment is a call of shared_ptr::operator=, not a built-in `=`.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../Inputs

#include "mock-boost-fiber.h"

using IntChan = boost::fibers::unbuffered_channel<int>;

bool bad();
std::shared_ptr<IntChan> g_stored;

struct Holder {
  std::shared_ptr<IntChan> stored;

  void stores_local_in_member() {
    auto p = std::make_shared<IntChan>();
    std::thread([p] { p->push(1); }).detach();
    stored = p;
    if (bad())
      return;
    int v;
    p->pop(v);
  }
};

void stores_local_in_global() {
  auto p = std::make_shared<IntChan>();
  std::thread([p] { p->push(1); }).detach();
  g_stored = p;
  if (bad())
    return;
  int v;
  p->pop(v);
}
