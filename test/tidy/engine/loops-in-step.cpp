// Loops over one container run as many times as each other, wherever they
// are: a relay that sends each item and receives as many results, called
// with a list, receives every result; a consumer that expects one item
// waits forever when a caller may pass none.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s 'chanleak-*' %t

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <cstddef>
#include <thread>
#include <vector>

using IntChan = boost::fibers::unbuffered_channel<int>;
using Buffered = boost::fibers::buffered_channel<int>;
using boost::fibers::channel_op_status;

void log_item(int item);

void relay(const std::vector<int> &items) {
  IntChan jobs, results;
  std::thread worker([&] {
    int j;
    while (jobs.pop(j) == channel_op_status::success)
      results.push(j * 2);
  });
  for (int x : items)
    jobs.push(x);
  jobs.close();
  for (std::size_t i = 0; i < items.size(); ++i) {
    int r;
    results.pop(r);
  }
  worker.join();
}

void relay_three() {
  std::vector<int> items{1, 2, 3};
  relay(items);
}

// The consumer takes one value; the loops before the join run once per item.
void consume_first(const std::vector<int> &items) {
  Buffered results{8};
  std::thread consumer([&] {
    int r;
    results.pop(r);
  });
  for (int x : items)
    results.push(x);
  for (std::size_t i = 0; i < items.size(); ++i)
    log_item(items[i]);
  consumer.join();
  // CHECK-NOTES: :[[@LINE-7]]:5: warning: receive from 'results' blocks forever: 'consume_some' can leave without sending to or closing 'results' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-10]]:15: note: thread spawned here; it receives from 'results'
  // CHECK-NOTES: :[[@LINE-3]]:3: note: 'consume_some' waits here forever to join a stranded thread, without sending to or closing 'results'
}

void consume_some(int n) {
  std::vector<int> items(n, 7);
  consume_first(items);
}
