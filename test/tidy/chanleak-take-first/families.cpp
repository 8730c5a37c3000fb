// chanleak-take-first on the real Boost.Fiber header, msd::channel and an
// annotated user channel spawned through an annotated spawner.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-take-first %t -- -- -I%S/../Inputs -I%S/../../../patterns/include -I%chanleak_include

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <memory>
#include <msd/channel.hpp>
#include <string>
#include <thread>
#include <vector>
#include "user-queue.h"

std::string Ask(int replica);

std::string BoostLeaky() {
  auto answers = std::make_shared<boost::fibers::unbuffered_channel<std::string>>();
  for (int r = 0; r < 3; ++r)
    std::thread([answers, r] { answers->push(Ask(r)); }).detach(); // #s1
  return answers->value_pop(); // #r1
  // CHECK-NOTES: :[[@LINE-2]]:32: warning: send on 'answers' blocks forever: 3 sends on 'answers' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-3]]:5: note: thread spawned here, 3 times in a loop; it sends on 'answers'
  // CHECK-NOTES: :[[@LINE-3]]:10: note: the only receive from 'answers'
}

std::string BoostFixed() {
  auto answers = std::make_shared<boost::fibers::buffered_channel<std::string>>(4);
  for (int r = 0; r < 3; ++r)
    std::thread([answers, r] { answers->push(Ask(r)); }).detach();
  return answers->value_pop();
}

std::string MsdLeaky() {
  auto answers = std::make_shared<msd::channel<std::string>>(1);
  for (int r = 0; r < 3; ++r)
    std::thread([answers, r] { *answers << Ask(r); }).detach(); // #s2
  std::string first;
  *answers >> first; // #r2
  return first;
  // CHECK-NOTES: :[[@LINE-4]]:32: warning: send on 'answers' blocks forever: 3 sends on 'answers' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, 3 times in a loop; it sends on 'answers'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'answers'
}

// msd::channel<T>() never blocks a writer.
std::string MsdUnbounded() {
  auto answers = std::make_shared<msd::channel<std::string>>();
  for (int r = 0; r < 3; ++r)
    std::thread([answers, r] { *answers << Ask(r); }).detach();
  std::string first;
  *answers >> first;
  return first;
}

int AnnotatedLeaky() {
  mylib::Handoff<int> h;
  for (int r = 0; r < 2; ++r)
    mylib::RunAsync([&h, r] { h.Push(r); }); // #s3
  int v;
  h.Pop(v); // #r3
  return v;
  // CHECK-NOTES: :[[@LINE-4]]:31: warning: send on 'h' blocks forever: 2 sends on 'h' but only 1 value is received [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:5: note: thread spawned here, 2 times in a loop; it sends on 'h'
  // CHECK-NOTES: :[[@LINE-4]]:3: note: the only receive from 'h'
}

int AnnotatedFixed() {
  mylib::Queue<int> q{2};
  for (int r = 0; r < 2; ++r)
    mylib::RunAsync([&q, r] { q.Push(r); });
  int v;
  q.Pop(v);
  return v;
}

int query(int replica);

// The senders' loop runs over a member: its size is as unknown as a
// parameter's, and a second loop over the same member runs in step.
struct Replicas {
  std::vector<int> ids_;

  int leaky_first_of_members() {
    boost::fibers::unbuffered_channel<int> ch;
    for (int id : ids_)
      std::thread([&ch, id] { ch.push(query(id)); }).detach();
    int first;
    ch.pop(first);
    return first;
    // CHECK-NOTES: :[[@LINE-4]]:31: warning: send on 'ch' blocks forever: one send per loop iteration on 'ch' but only 1 value is received [chanleak-take-first]
    // CHECK-NOTES: :[[@LINE-5]]:7: note: thread spawned here, once per loop iteration; it sends on 'ch'
    // CHECK-NOTES: :[[@LINE-4]]:5: note: the only receive from 'ch'; if the loop spawns no thread, it waits forever
  }

  int fixed_all_of_members() {
    boost::fibers::unbuffered_channel<int> ch;
    for (int id : ids_)
      std::thread([&ch, id] { ch.push(query(id)); }).detach();
    int sum = 0;
    for (int i = 0; i < (int)ids_.size(); ++i) {
      int v;
      ch.pop(v);
      sum += v;
    }
    return sum;
  }
};
