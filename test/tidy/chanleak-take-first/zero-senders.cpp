// With zero items the loop spawns no sender and the parent's single receive
// waits forever. Reported when some call in this file may pass an empty
// container and the function does not test for it; silent when the function
// handles the empty case or every caller passes a non-empty list.
// RUN: %check_chanleak_tidy %s chanleak-take-first %t

#include <boost/fiber/buffered_channel.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using Answers = boost::fibers::buffered_channel<std::string>;
std::string Ask(const std::string &);
std::vector<std::string> FromConfig();

std::string LeakyFirst(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->try_push(Ask(r)); }).detach();
  std::string value;
  answers->pop(value);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: receive from 'answers' waits forever when 'replicas' is empty: the loop then spawns no thread to send [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:3: note: the only senders are spawned in this loop over 'replicas'
  // CHECK-NOTES: :[[@LINE+4]]:39: note: 'LeakyFirst' is called here with 'replicas' that may be empty
  return value;
}

std::string ReadFromConfig() { return LeakyFirst(FromConfig()); }

std::string FixedGuard(const std::vector<std::string> &replicas) {
  if (replicas.empty())
    return {};
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->try_push(Ask(r)); }).detach();
  std::string value;
  answers->pop(value);
  return value;
}

std::string ReadGuarded() { return FixedGuard(FromConfig()); }

// Every caller passes a list with elements.
std::string FixedCallers(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->try_push(Ask(r)); }).detach();
  std::string value;
  answers->pop(value);
  return value;
}

std::string ReadKnown() { return FixedCallers({"eu", "us"}); }

// No caller in this file to judge by.
std::string Unjudged(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->try_push(Ask(r)); }).detach();
  std::string value;
  answers->pop(value);
  return value;
}

// A count: every call passes a positive one, directly or through a caller's
// parameter.
std::string FixedCount(int n) {
  auto answers = std::make_shared<Answers>(2);
  for (int i = 0; i < n; ++i)
    std::thread([answers] { answers->try_push(Ask("any")); }).detach();
  std::string value;
  answers->pop(value);
  return value;
}

std::string ReadThree() { return FixedCount(3); }
std::string Relay(int n) { return FixedCount(n); }
std::string ReadTwo() { return Relay(2); }

// A count some call passes as zero.
std::string LeakyCount(int n) {
  auto answers = std::make_shared<Answers>(2);
  for (int i = 0; i < n; ++i)
    std::thread([answers] { answers->try_push(Ask("any")); }).detach();
  std::string value;
  answers->pop(value);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: receive from 'answers' waits forever when 'n' is 0: the loop then spawns no thread to send [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:3: note: the only senders are spawned in this loop, which runs 'n' times
  // CHECK-NOTES: :[[@LINE+4]]:40: note: 'LeakyCount' is called here with 'n' that may be 0
  return value;
}

std::string RelayCount(int n) { return LeakyCount(n); }
std::string ReadNone() { return RelayCount(0); }

// A local container made from a list that nothing changes before or after
// the call: it keeps its elements.
std::string FixedLocalList(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->try_push(Ask(r)); }).detach();
  std::string value;
  answers->pop(value);
  return value;
}

std::string ReadLocalList() {
  std::vector<std::string> replicas = {"eu", "us", "ap"};
  return FixedLocalList(replicas);
}

// The same local list, emptied before the call.
std::string LeakyClearedList(const std::vector<std::string> &replicas) {
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r] { answers->try_push(Ask(r)); }).detach();
  std::string value;
  answers->pop(value);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: receive from 'answers' waits forever when 'replicas' is empty: the loop then spawns no thread to send [chanleak-take-first]
  // CHECK-NOTES: :[[@LINE-5]]:3: note: the only senders are spawned in this loop over 'replicas'
  // CHECK-NOTES: :[[@LINE+8]]:10: note: 'LeakyClearedList' is called here with 'replicas' that may be empty
  return value;
}

std::string ReadClearedList(bool drop) {
  std::vector<std::string> replicas = {"eu", "us", "ap"};
  if (drop)
    replicas.clear();
  return LeakyClearedList(replicas);
}
