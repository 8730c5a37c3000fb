// More values than a small buffer count holds: the count of values in an
// unbounded channel stays exact over a few dozen sends, so the consumer
// still drains the channel and is stranded when nobody closes it.
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t -- -- -I%S/../../../patterns/include

#include <msd/channel.hpp>
#include <thread>

void leaky_forty_jobs() {
  msd::channel<int> jobs;
  std::thread consumer([&jobs] { for (int j : jobs) (void)j; });
  for (int i = 0; i < 40; ++i)
    jobs << i;
  consumer.detach();
}
// CHECK-NOTES: :[[@LINE-5]]:47: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
// CHECK-NOTES: :[[@LINE-6]]:15: note: thread spawned here; it receives from 'jobs'
// CHECK-NOTES: :[[@LINE-8]]:21: note: 'jobs' is declared here and never closed

void fixed_forty_jobs() {
  msd::channel<int> jobs;
  std::thread consumer([&jobs] { for (int j : jobs) (void)j; });
  for (int i = 0; i < 40; ++i)
    jobs << i;
  jobs.close();
  consumer.join();
}
