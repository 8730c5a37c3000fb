// chanleak-cancel-timeout on the real Boost.Fiber header and on an annotated
// user channel with a CHANLEAK_TIMED_RECV method.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-cancel-timeout,chanleak-early-return %t -- -- -I%S/../Inputs -I%chanleak_include

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include "user-queue.h"

using namespace std::chrono_literals;
using boost::fibers::channel_op_status;

std::string Fetch(const std::string &key);

std::string BoostLeaky(const std::string &key) {
  auto answer = std::make_shared<boost::fibers::unbuffered_channel<std::string>>();
  std::thread([answer, key] { answer->push(Fetch(key)); }).detach(); // #s1
  std::string value;
  if (answer->pop_wait_for(value, 20ms) == channel_op_status::timeout) // #g1
    return "default"; // #r1
  return value;
  // CHECK-NOTES: :[[@LINE-5]]:31: warning: send on 'answer' blocks forever once the waiter gives up: nobody is left receiving from 'answer' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it sends on 'answer'
  // CHECK-NOTES: :[[@LINE-5]]:7: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-5]]:5: note: 'BoostLeaky' returns here without receiving from 'answer'
}

// A buffered_channel(2) holds the one late answer.
std::string BoostFixed(const std::string &key) {
  auto answer = std::make_shared<boost::fibers::buffered_channel<std::string>>(2);
  std::thread([answer, key] { answer->push(Fetch(key)); }).detach();
  std::string value;
  if (answer->pop_wait_for(value, 20ms) == channel_op_status::timeout)
    return "default";
  return value;
}

std::string AnnotatedLeaky(const std::string &key) {
  auto answer = std::make_shared<mylib::Handoff<std::string>>();
  std::thread([answer, key] { answer->Push(Fetch(key)); }).detach(); // #s2
  std::string value;
  if (!answer->PopFor(value, 20ms)) // #g2
    return "default"; // #r2
  return value;
  // CHECK-NOTES: :[[@LINE-5]]:31: warning: send on 'answer' blocks forever once the waiter gives up: nobody is left receiving from 'answer' after the timeout or cancellation [chanleak-cancel-timeout]
  // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it sends on 'answer'
  // CHECK-NOTES: :[[@LINE-5]]:8: note: the wait can give up here
  // CHECK-NOTES: :[[@LINE-5]]:5: note: 'AnnotatedLeaky' returns here without receiving from 'answer'
}

// A Queue(1) holds the late answer.
std::string AnnotatedFixed(const std::string &key) {
  auto answer = std::make_shared<mylib::Queue<std::string>>(1);
  std::thread([answer, key] { answer->Push(Fetch(key)); }).detach();
  std::string value;
  if (!answer->Pop(value))
    return "default";
  return value;
}
