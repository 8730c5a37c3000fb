// Package mirrors: probe every mirror concurrently (one fiber each) and use
// whichever answers first.
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/fiber/buffered_channel.hpp>

#include <cstddef>
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

// A buffered_channel of capacity N holds N - 1 values and N must be a power
// of two: room for n answers needs the first power of two above n.
std::size_t SlotsFor(std::size_t n) {
  std::size_t cap = 2;
  while (cap <= n)
    cap *= 2;
  return cap;
}

std::string FastestMirror(const std::vector<std::string> &mirrors) {
  auto answers = std::make_shared<boost::fibers::buffered_channel<Probe>>(SlotsFor(mirrors.size()));
  for (const auto &m : mirrors) {
    boost::fibers::fiber([answers, m] {
      answers->push(Measure(m));
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
