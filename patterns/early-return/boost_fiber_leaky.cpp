// Report builder: the row count is computed on a helper thread while the
// caller validates the request; an invalid request returns early.
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

struct Request {
  std::string table;
  std::vector<std::string> columns;
};

long CountRows(const std::string &table) { return static_cast<long>(table.size()) * 1000; }

std::optional<std::string> BuildReport(const Request &req) {
  auto rows = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  std::thread([rows, table = req.table] { // CHANLEAK-SPAWN
    rows->push(CountRows(table)); // CHANLEAK: chanleak-early-return
  }).detach();

  if (req.columns.empty())
    return std::nullopt; // nothing to show

  long n = rows->value_pop();
  return req.table + ": " + std::to_string(n) + " rows";
}

void RenderDashboard() {
  auto report = BuildReport(Request{"orders", {}});
  (void)report;
}

CHANLEAK_SCENARIO_MAIN(RenderDashboard)
