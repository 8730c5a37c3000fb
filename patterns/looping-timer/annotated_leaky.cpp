// Session cache: expired sessions are swept on a period by a background
// thread that the cache starts when it is created.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "annotated/work_queue.h"
#include "scenario.h"

class SessionCache {
public:
  SessionCache() { StartSweeper(); }

  void Put(const std::string &id, int ttl) {
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->ttl[id] = ttl;
  }

private:
  struct State {
    std::mutex mu;
    std::map<std::string, int> ttl;
  };

  void StartSweeper() {
    std::thread([state = state_] { // CHANLEAK-SPAWN
      for (;;) {
        work::SleepFor(std::chrono::milliseconds(10)); // CHANLEAK: chanleak-looping-timer
        std::lock_guard<std::mutex> lk(state->mu);
        for (auto it = state->ttl.begin(); it != state->ttl.end();)
          it = --it->second <= 0 ? state->ttl.erase(it) : std::next(it);
      }
    }).detach();
  }

  std::shared_ptr<State> state_ = std::make_shared<State>();
};

void HandleLogins() {
  SessionCache cache;
  cache.Put("s-1", 2);
  cache.Put("s-2", 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

CHANLEAK_SCENARIO_MAIN(HandleLogins)
