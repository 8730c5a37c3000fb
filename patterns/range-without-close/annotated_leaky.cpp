// Search indexer: a background thread tokenizes documents handed to it
// through the team's BoundedQueue; Finish() waits for the thread to end.
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "annotated/work_queue.h"
#include "scenario.h"

class Indexer {
public:
  Indexer() : thread_(&Indexer::Run, this) {} // CHANLEAK-SPAWN

  void Add(std::string doc) { docs_.Push(std::move(doc)); }

  void Finish() {
    thread_.join();
  }

private:
  void Run() {
    std::string doc;
    while (docs_.Pop(doc)) { // CHANLEAK: chanleak-range-without-close
      std::istringstream words(doc);
      for (std::string w; words >> w;)
        ++postings_[w];
    }
  }

  work::BoundedQueue<std::string> docs_{4};
  std::map<std::string, int> postings_;
  std::thread thread_;
};

void Reindex() {
  Indexer indexer;
  for (const char *doc : {"the quick fox", "a lazy dog", "the end"})
    indexer.Add(doc);
  indexer.Finish();
}

CHANLEAK_SCENARIO_MAIN(Reindex)
