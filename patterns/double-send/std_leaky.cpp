// Config loader: a background thread reads and validates the config file and
// hands the outcome to the caller through a std::promise.
#include <future>
#include <string>
#include <thread>

#include "scenario.h"

struct LoadResult {
  bool ok = false;
  std::string detail;
};

bool Validate(const std::string &text, std::string &why) {
  if (text.find("port=") == std::string::npos) {
    why = "missing port";
    return false;
  }
  return true;
}

std::future<LoadResult> LoadAsync(std::string text) {
  std::promise<LoadResult> done;
  auto result = done.get_future();
  std::thread([done = std::move(done), text]() mutable { // CHANLEAK-SPAWN
    std::string why;
    if (!Validate(text, why)) {
      done.set_value(LoadResult{false, why});
    }
    done.set_value(LoadResult{true, text}); // CHANLEAK: chanleak-double-send
  }).detach();
  return result;
}

void Boot() {
  auto cfg = LoadAsync("host=example.org").get();
  (void)cfg;
}

CHANLEAK_SCENARIO_MAIN(Boot)
