// Price fetcher: each quote request runs on its own thread and answers on an
// unbuffered channel; the caller takes exactly one answer per request.
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <string>
#include <thread>

#include "scenario.h"

struct Quote {
  std::string symbol;
  double price = 0;
  std::string error;
};

using QuoteChannel = boost::fibers::unbuffered_channel<Quote>;

double LastTrade(const std::string &symbol) { return symbol == "ACME" ? 12.5 : -1; }

void RequestQuote(std::shared_ptr<QuoteChannel> out, std::string symbol) {
  std::thread([out, symbol] { // CHANLEAK-SPAWN
    double p = LastTrade(symbol);
    if (p < 0) {
      out->push(Quote{symbol, 0, "unknown symbol"});
    }
    out->push(Quote{symbol, p, ""}); // CHANLEAK: chanleak-double-send
  }).detach();
}

void ShowTicker() {
  auto answers = std::make_shared<QuoteChannel>();
  RequestQuote(answers, "WXYZ");
  Quote q = answers->value_pop();
  (void)q;
}

CHANLEAK_SCENARIO_MAIN(ShowTicker)
