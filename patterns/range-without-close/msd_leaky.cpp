// Audit trail: request handlers append events to a shared channel and a
// background writer persists them. The writer outlives the function that
// starts it, so the channel is shared and captured by value.
#include <msd/channel.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

struct AuditEvent {
  std::string user;
  std::string action;
};

using AuditLog = msd::channel<AuditEvent>;

std::shared_ptr<std::vector<std::string>> StartWriter(std::shared_ptr<AuditLog> log) {
  auto stored = std::make_shared<std::vector<std::string>>();
  std::thread([log, stored] { // CHANLEAK-SPAWN
    for (auto &event : *log) // CHANLEAK: chanleak-range-without-close
      stored->push_back(event.user + ":" + event.action);
  }).detach();
  return stored;
}

void Record(AuditLog &log, const std::string &user, const std::vector<std::string> &actions) {
  for (const auto &a : actions)
    log << AuditEvent{user, a};
}

void ImportUsers() {
  auto log = std::make_shared<AuditLog>();
  auto stored = StartWriter(log);
  Record(*log, "alice", {"create", "grant:admin"});
  Record(*log, "bob", {"create"});
}

CHANLEAK_SCENARIO_MAIN(ImportUsers)
