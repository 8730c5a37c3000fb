// Autocomplete: every suggestion backend is queried on its own thread and the
// first suggestion shown; the others arrive too late to matter.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "annotated/work_queue.h"
#include "scenario.h"

using Suggestions = work::BoundedQueue<std::string>;

void Suggest(Suggestions &out, const std::string &backend, const std::string &prefix) {
  out.Push(prefix + "... (" + backend + ")"); // CHANLEAK: chanleak-take-first
}

std::string FirstSuggestion(const std::vector<std::string> &backends, const std::string &prefix) {
  auto results = std::make_shared<Suggestions>(1);
  for (const auto &b : backends)
    std::thread([results, b, prefix] { Suggest(*results, b, prefix); }).detach(); // CHANLEAK-SPAWN
  auto &q = *results;
  std::string first;
  q.Pop(first);
  return first;
}

void OnKeystroke() {
  std::string s = FirstSuggestion({"history", "contacts", "trending", "docs"}, "chan");
  (void)s;
}

CHANLEAK_SCENARIO_MAIN(OnKeystroke)
