// Sharded count: one thread per shard counts its rows and sends the count;
// the caller sums them. A single shard is answered from the local index.
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <thread>

#include "scenario.h"

long CountShard(int shard) { return 100 + shard; }
long CountLocally() { return 100; }

long CountRows(int shards) {
  auto counts = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  for (int s = 0; s < shards; ++s) {
    std::thread([counts, s] { // CHANLEAK-SPAWN
      counts->push(CountShard(s)); // CHANLEAK: chanleak-early-return
    }).detach();
  }
  if (shards < 2)
    return CountLocally(); // but one shard thread was already started

  long total = 0;
  for (int s = 0; s < shards; ++s)
    total += counts->value_pop();
  return total;
}

void Report() {
  long rows = CountRows(1);
  (void)rows;
}

CHANLEAK_SCENARIO_MAIN(Report)
