// chanleak-early-return against the real Boost.Fiber headers.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-early-return %t

#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/unbuffered_channel.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>

long CountRows(const std::string &table);

std::optional<long> leaky(const std::string &table, bool columns_empty) {
  auto rows = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  std::thread([rows, table] { rows->push(CountRows(table)); }).detach();
  // CHECK-NOTES: :[[@LINE-1]]:31: warning: send on 'rows' blocks forever: 'leaky' can leave without receiving from 'rows' [chanleak-early-return]
  // CHECK-NOTES: :[[@LINE-2]]:3: note: thread spawned here; it sends on 'rows'
  if (columns_empty)
    return std::nullopt;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky' returns here without receiving from 'rows'
  return rows->value_pop();
}

std::optional<long> fixed(const std::string &table, bool columns_empty) {
  auto rows = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  std::thread([rows, table] { rows->push(CountRows(table)); }).detach();
  long n = rows->value_pop();
  if (columns_empty)
    return std::nullopt;
  return n;
}

// buffered_channel(2) holds one value: the single push fits.
std::optional<long> fixed_buffered(const std::string &table, bool columns_empty) {
  auto rows = std::make_shared<boost::fibers::buffered_channel<long>>(2);
  std::thread([rows, table] { rows->push(CountRows(table)); }).detach();
  if (columns_empty)
    return std::nullopt;
  return rows->value_pop();
}

// Closing wakes the blocked push (it returns channel_op_status::closed).
std::optional<long> fixed_close(const std::string &table, bool columns_empty) {
  boost::fibers::unbuffered_channel<long> rows;
  std::thread worker([&rows, table] { rows.push(CountRows(table)); });
  if (columns_empty) {
    rows.close();
    worker.join();
    return std::nullopt;
  }
  long n = rows.value_pop();
  worker.join();
  return n;
}
