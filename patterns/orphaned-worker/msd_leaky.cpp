// Click tracker: clicks are queued on an msd channel and a jthread member
// aggregates them per page for the lifetime of the tracker.
#include <msd/channel.hpp>

#include <map>
#include <stop_token>
#include <string>
#include <thread>

#include "scenario.h"

class ClickTracker {
public:
  void Click(const std::string &page) { clicks_ << page; }

private:
  void Aggregate() {
    for (const std::string &page : clicks_) // CHANLEAK: chanleak-orphaned-worker
      ++per_page_[page];
  }

  msd::channel<std::string> clicks_;
  std::map<std::string, int> per_page_;
  std::jthread worker_{[this] { Aggregate(); }};
};

void BrowseSession() {
  ClickTracker tracker; // CHANLEAK-SPAWN
  tracker.Click("/home");
  tracker.Click("/pricing");
  tracker.Click("/home");
}

CHANLEAK_SCENARIO_MAIN(BrowseSession)
