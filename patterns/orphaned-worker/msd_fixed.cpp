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
  void Aggregate(std::stop_token stop) {
    // The jthread destructor requests a stop; closing the channel on that
    // request ends the loop once the queued clicks are counted.
    std::stop_callback close_on_stop(stop, [this] { clicks_.close(); });
    for (const std::string &page : clicks_)
      ++per_page_[page];
  }

  msd::channel<std::string> clicks_;
  std::map<std::string, int> per_page_;
  std::jthread worker_{[this](std::stop_token stop) { Aggregate(stop); }};
};

void BrowseSession() {
  ClickTracker tracker;
  tracker.Click("/home");
  tracker.Click("/pricing");
  tracker.Click("/home");
}

CHANLEAK_SCENARIO_MAIN(BrowseSession)
