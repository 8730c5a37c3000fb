// Pricing page: the quote service is asked on a helper thread and the page
// waits for the answer within a time budget. The helper hands the quote over
// and waits until the page has taken it (the page reuses the buffer).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "scenario.h"

// A quote service that is down: a lookup only ends when it is cancelled.
class QuoteService {
public:
  std::optional<double> Lookup(const std::string & /*symbol*/, std::stop_token cancel) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, cancel, [] { return false; });
    return std::nullopt;
  }

private:
  std::mutex mu_;
  std::condition_variable_any cv_;
};

std::optional<double> PriceWithin(QuoteService &quotes, const std::string &symbol,
                                  std::chrono::milliseconds budget) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::optional<std::optional<double>> slot;
  bool taken = false;

  std::jthread lookup([&](std::stop_token stop) { // CHANLEAK-SPAWN
    auto price = quotes.Lookup(symbol, stop);
    std::unique_lock<std::mutex> lk(mu);
    slot = price;
    cv.notify_all();
    cv.wait(lk, [&] { return taken; }); // CHANLEAK: chanleak-cancel-timeout
  });

  std::unique_lock<std::mutex> lk(mu);
  if (!cv.wait_for(lk, budget, [&] { return slot.has_value(); }))
    return std::nullopt; // too slow: show the page without a price
  auto price = *slot;
  taken = true;
  cv.notify_all();
  return price;
}

void RenderPricingPage() {
  QuoteService quotes;
  auto p = PriceWithin(quotes, "ACME", std::chrono::milliseconds(20));
  (void)p;
}

CHANLEAK_SCENARIO_MAIN(RenderPricingPage)
