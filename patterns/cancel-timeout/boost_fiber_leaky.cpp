// Storefront: the stock level is fetched on a helper thread; the product page
// waits at most a few milliseconds for it and otherwise shows "in stock?".
#include <boost/fiber/unbuffered_channel.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "scenario.h"

// An inventory backend that is stalled until Recover() is called.
class Inventory {
public:
  int Stock(const std::string &sku) {
    recovered_.wait();
    return static_cast<int>(sku.size());
  }
  void Recover() { recover_.set_value(); }

private:
  std::promise<void> recover_;
  std::shared_future<void> recovered_ = recover_.get_future().share();
};

using StockChannel = boost::fibers::unbuffered_channel<int>;

std::optional<int> StockWithin(Inventory &inventory, const std::string &sku,
                               std::chrono::milliseconds budget) {
  auto result = std::make_shared<StockChannel>();
  std::thread([result, &inventory, sku] { // CHANLEAK-SPAWN
    int n = inventory.Stock(sku);
    result->push(n); // CHANLEAK: chanleak-cancel-timeout
  }).detach();

  int n = 0;
  if (result->pop_wait_for(n, budget) != boost::fibers::channel_op_status::success)
    return std::nullopt;
  return n;
}

Inventory g_inventory; // lives as long as the process

void ShowProductPage() {
  auto stock = StockWithin(g_inventory, "sku-1234", std::chrono::milliseconds(20));
  (void)stock;
  g_inventory.Recover(); // the backend comes back after the page gave up
}

CHANLEAK_SCENARIO_MAIN(ShowProductPage)
