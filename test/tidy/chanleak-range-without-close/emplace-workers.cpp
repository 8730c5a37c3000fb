// Workers started with `threads.emplace_back(callable, args...)`: the
// std::thread is constructed inside the container, and the callable's body
// is analysed as a spawned thread all the same.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t

#include <boost/fiber/buffered_channel.hpp>
#include <functional>
#include <thread>
#include <vector>

using IntChan = boost::fibers::buffered_channel<int>;

void handle(int);

void drain(IntChan &jobs) {
  for (int job : jobs)
    handle(job);
  // CHECK-NOTES: :[[@LINE-2]]:18: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
}

void leaky_pool() {
  IntChan jobs{8};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back(drain, std::ref(jobs));
  // CHECK-NOTES: :[[@LINE-1]]:5: note: thread spawned here, 4 times in a loop; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-5]]:11: note: 'jobs' is declared here and never closed
  for (int j = 0; j < 3; ++j)
    jobs.push(j);
  for (auto &w : workers)
    w.join();
}

void fixed_pool() {
  IntChan jobs{8};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&jobs] {
      for (int job : jobs)
        handle(job);
    });
  for (int j = 0; j < 3; ++j)
    jobs.push(j);
  jobs.close();
  for (auto &w : workers)
    w.join();
}
