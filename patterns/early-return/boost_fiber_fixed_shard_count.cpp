// Sharded count: one thread per shard counts its rows and sends the count;
// the caller sums them. No shard means no rows.
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <thread>

#include "scenario.h"

long CountShard(int shard) { return 100 + shard; }

long CountRows(int shards) {
  auto counts = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  for (int s = 0; s < shards; ++s) {
    std::thread([counts, s] {
      counts->push(CountShard(s));
    }).detach();
  }
  if (shards < 1)
    return 0; // no shard, no thread was started

  long total = 0;
  for (int s = 0; s < shards; ++s)
    total += counts->value_pop();
  return total;
}

void Report() {
  long rows = CountRows(0) + CountRows(1);
  (void)rows;
}

CHANLEAK_SCENARIO_MAIN(Report)
