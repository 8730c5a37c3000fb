// Replica reads: ask every configured replica on its own thread and serve the
// first answer. The replica list comes from configuration and may be empty.
#include <boost/fiber/buffered_channel.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

using Answers = boost::fibers::buffered_channel<std::string>;

std::string ReadKey(const std::string &replica, const std::string &key) {
  return replica + "/" + key;
}

std::string FirstAnswer(const std::vector<std::string> &replicas, const std::string &key) {
  // One slot (capacity 2 holds 1 value); later answers are dropped, so no
  // replica thread waits for a reader.
  if (replicas.empty())
    return {}; // nobody to ask: do not wait for an answer
  auto answers = std::make_shared<Answers>(2);
  for (const auto &r : replicas)
    std::thread([answers, r, key] { answers->try_push(ReadKey(r, key)); }).detach();
  std::string value;
  answers->pop(value);
  return value;
}

std::vector<std::string> ReplicasFromConfig() { return {}; } // none configured in this zone

void ServeRead() {
  std::string v = FirstAnswer(ReplicasFromConfig(), "user:42");
  (void)v;
}

CHANLEAK_SCENARIO_MAIN(ServeRead)
