// Shipping quotes: ask every carrier at once and book the first quote that
// comes back.
#include <msd/channel.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

struct Quote {
  std::string carrier;
  int cents = 0;
};

using QuoteChannel = msd::channel<Quote>;

Quote AskCarrier(const std::string &carrier, int grams) {
  return Quote{carrier, grams / 10 + static_cast<int>(carrier.size())};
}

void RequestQuotes(const std::shared_ptr<QuoteChannel> &quotes,
                   const std::vector<std::string> &carriers, int grams) {
  for (const auto &c : carriers) {
    std::thread([quotes, c, grams] { // CHANLEAK-SPAWN
      *quotes << AskCarrier(c, grams); // CHANLEAK: chanleak-take-first
    }).detach();
  }
}

Quote BookFirst(const std::vector<std::string> &carriers, int grams) {
  auto quotes = std::make_shared<QuoteChannel>(1);
  RequestQuotes(quotes, carriers, grams);
  Quote first;
  *quotes >> first;
  return first;
}

void ShipOrder() {
  Quote q = BookFirst({"postal", "express", "freight"}, 1200);
  (void)q;
}

CHANLEAK_SCENARIO_MAIN(ShipOrder)
