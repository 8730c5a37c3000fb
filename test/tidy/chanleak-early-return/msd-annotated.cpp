// chanleak-early-return on msd::channel (the catalogue's copy of the header)
// and on a user type declared with chanleak/annotations.h.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../Inputs -I%S/../../../patterns/include -I%chanleak_include

#include <msd/channel.hpp>
#include <thread>
#include "user-queue.h"

bool bad();

// msd::channel<T>() is an unbounded queue: the write never blocks.
void msd_unbounded() {
  msd::channel<int> ch;
  std::thread([&ch] { ch << 1; }).detach();
  if (bad())
    return;
  int v;
  ch >> v;
}

// msd::channel<T>(1) holds one value: the single write fits.
void msd_bounded_fits() {
  msd::channel<int> ch{1};
  std::thread([&ch] { ch.write(1); }).detach();
  if (bad())
    return;
  int v;
  ch.read(v);
}

// An annotated rendezvous, spawned with std::thread.
void annotated_leaky() {
  mylib::Handoff<int> h;
  std::thread([&h] { h.Push(1); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:22: warning: send on 'h' blocks forever: 'annotated_leaky' can leave without receiving from 'h' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'h'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'annotated_leaky' returns here without receiving from 'h'
  int v;
  h.Pop(v);
}

void annotated_fixed() {
  mylib::Handoff<int> h;
  std::thread([&h] { h.Push(1); }).detach();
  int v;
  h.Pop(v);
  if (bad())
    return;
}

// An annotated spawner (CHANLEAK_SPAWN(0)).
void annotated_spawner_leaky() {
  mylib::Handoff<int> h;
  mylib::RunAsync([&h] { h.Push(2); });
  // CHECK-NOTES: :[[@LINE-1]]:26: warning: send on 'h' blocks forever: 'annotated_spawner_leaky' can leave without receiving from 'h' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'h'
  if (bad())
    throw 1;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: exception thrown here leaves 'annotated_spawner_leaky' without receiving from 'h'
  int v;
  h.Pop(v);
}

// A Queue(1) holds the one value.
void annotated_queue_fits() {
  mylib::Queue<int> q{1};
  mylib::RunAsync([&q] { q.Push(3); });
  if (bad())
    return;
  int v;
  q.Pop(v);
}

// A Queue(0) is a rendezvous.
void annotated_queue_zero() {
  mylib::Queue<int> q{0};
  mylib::RunAsync([&q] { q.Push(4); });
  // CHECK-NOTES: :[[@LINE-1]]:26: warning: send on 'q' blocks forever: 'annotated_queue_zero' can leave without receiving from 'q' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'q'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'annotated_queue_zero' returns here without receiving from 'q'
  int v;
  q.Pop(v);
}
