// Notification dispatcher: a self-owning background thread delivers queued
// notifications until Stop() closes its inbox.
#include <boost/fiber/buffered_channel.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
public:
  void Start() { std::thread(&Dispatcher::Loop, shared_from_this()).detach(); } // CHANLEAK-SPAWN
  void Stop() { inbox_.close(); }
  void Notify(std::string msg) { inbox_.push(std::move(msg)); }

private:
  void Loop() {
    std::string msg;
    while (inbox_.pop(msg) == boost::fibers::channel_op_status::success) { // CHANLEAK: chanleak-orphaned-worker
      delivered_.push_back(msg);
    }
  }

  boost::fibers::buffered_channel<std::string> inbox_{16};
  std::vector<std::string> delivered_;
};

bool SendDigest(const std::vector<std::string> &subscribers) {
  auto dispatcher = std::make_shared<Dispatcher>();
  dispatcher->Start();
  for (const auto &s : subscribers) {
    if (s.find('@') == std::string::npos)
      return false; // bad address: abort the digest
    dispatcher->Notify("digest for " + s);
  }
  dispatcher->Stop();
  return true;
}

void WeeklyDigest() { SendDigest({"ann@example.org", "not-an-address", "bo@example.org"}); }

CHANLEAK_SCENARIO_MAIN(WeeklyDigest)
