// Checkout: the fraud score is computed on a worker thread and handed back
// through a Handoff; a declined card aborts the checkout with an exception.
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "annotated/work_queue.h"
#include "scenario.h"

struct Order {
  std::string card;
  int cents = 0;
};

class Checkout {
public:
  int Run(const Order &order) {
    auto score = std::make_shared<work::Handoff<int>>();
    std::thread(&Checkout::ScoreFraud, this, score, order).detach(); // CHANLEAK-SPAWN

    if (order.card.empty())
      throw std::runtime_error("card declined");

    int risk = 0;
    score->Pop(risk);
    return risk < 50 ? order.cents : 0;
  }

private:
  void ScoreFraud(std::shared_ptr<work::Handoff<int>> out, Order order) {
    int risk = order.cents > 100000 ? 80 : 10;
    out->Push(risk); // CHANLEAK: chanleak-early-return
  }
};

Checkout g_checkout;

void PlaceOrder() {
  try {
    g_checkout.Run(Order{"", 4200});
  } catch (const std::runtime_error &) {
    // shown to the customer as "payment failed"
  }
}

CHANLEAK_SCENARIO_MAIN(PlaceOrder)
