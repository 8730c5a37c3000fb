// Package mirrors: probe every mirror concurrently (one fiber each) and use
// whichever answers first.
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <string>
#include <vector>

#include "scenario.h"

struct Probe {
  std::string mirror;
  int latency_ms = 0;
};

Probe Measure(const std::string &mirror) {
  boost::this_fiber::yield();
  return Probe{mirror, static_cast<int>(mirror.size())};
}

std::string FastestMirror(const std::vector<std::string> &mirrors) {
  auto answers = std::make_shared<boost::fibers::unbuffered_channel<Probe>>();
  for (const auto &m : mirrors) {
    boost::fibers::fiber([answers, m] {
      answers->push(Measure(m)); // CHANLEAK: chanleak-take-first
    }).detach();
  }
  return answers->value_pop().mirror;
}

void UpdatePackages() {
  std::string mirror =
      FastestMirror({"https://eu.example.org", "https://us.example.org", "https://ap.example.org"});
  (void)mirror;
}

CHANLEAK_SCENARIO_MAIN(UpdatePackages)
