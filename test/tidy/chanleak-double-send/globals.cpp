// A global channel is visible code's alone when no other translation unit
// can name it: internal linkage, or no declaration outside this file (the
// -Wmissing-variable-declarations convention). One declared in a header may
// have receivers elsewhere and is not judged.
// RUN: %check_chanleak_tidy %s chanleak-double-send,chanleak-early-return %t -- -- -I%S/../Inputs

#include "shared-mailbox.h"
#include <functional>
#include <thread>

using Mailbox = boost::fibers::unbuffered_channel<int>;
bool failed();

void Reply(Mailbox &out) {
  if (failed()) {
    out.push(-1);
  }
  out.push(0);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: second send on 'g_private_mailbox' blocks forever: the receiver takes only 1 value [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-4]]:5: note: first send here; this branch goes on without returning
}

// Spawns and receives in one helper: callers do not strand the reply.
int Ask(Mailbox &box) {
  std::thread(Reply, std::ref(box)).detach();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'g_private_mailbox'
  int v = 0;
  box.pop(v);
  return v;
}

Mailbox g_private_mailbox;
int AskPrivate() { return Ask(g_private_mailbox); }

void StaticReply(Mailbox &out) {
  if (failed()) {
    out.push(-1);
  }
  out.push(0);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: second send on 'g_static_mailbox' blocks forever: the receiver takes only 1 value [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-4]]:5: note: first send here; this branch goes on without returning
}

static Mailbox g_static_mailbox;
int AskStatic() {
  std::thread(StaticReply, std::ref(g_static_mailbox)).detach();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'g_static_mailbox'
  int v = 0;
  g_static_mailbox.pop(v);
  return v;
}

// Declared in a header: other translation units may receive the rest.
void SharedReply(Mailbox &out) {
  if (failed())
    out.push(-1);
  out.push(0);
}
int AskShared() {
  std::thread(SharedReply, std::ref(g_shared_mailbox)).detach();
  int v = 0;
  g_shared_mailbox.pop(v);
  return v;
}

// Named by another global's initializer: used where we cannot see.
void AliasedReply(Mailbox &out) {
  if (failed())
    out.push(-1);
  out.push(0);
}
Mailbox g_aliased_mailbox;
Mailbox *g_alias = &g_aliased_mailbox;
int AskAliased() {
  std::thread(AliasedReply, std::ref(g_aliased_mailbox)).detach();
  int v = 0;
  g_aliased_mailbox.pop(v);
  return v;
}
