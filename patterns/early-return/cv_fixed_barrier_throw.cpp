// Reduced from h2oai/datatable PR #2521, "Fix deadlock in barrier when an
// exception occurs" (https://github.com/h2oai/datatable/pull/2521). Fixed twin
// of cv_leaky_barrier_throw.cpp: the thread whose chunk threw leaves the team
// with arrive_and_drop(), so the barrier completes without it and the error
// reaches the caller.
//
// Parallel CSV reader: each thread counts the rows of its chunk, the team
// meets at a barrier, and then each thread places its rows using the counts
// of the chunks before it.
#include <barrier>
#include <cstddef>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scenario.h"

std::size_t CountRows(const std::string &chunk) {
  if (chunk.find('"') != std::string::npos)
    throw std::runtime_error("unterminated quote in chunk");
  std::size_t rows = 0;
  for (char c : chunk)
    rows += c == '\n';
  return rows;
}

std::vector<std::size_t> ReadChunks(const std::vector<std::string> &chunks) {
  const std::size_t n = chunks.size();
  std::vector<std::size_t> rows(n, 0), first_row(n, 0);
  std::barrier sync(static_cast<std::ptrdiff_t>(n));
  std::mutex error_mu;
  std::exception_ptr error;

  std::vector<std::thread> team;
  for (std::size_t i = 0; i < n; ++i) {
    team.emplace_back([&, i] {
      try {
        rows[i] = CountRows(chunks[i]);
      } catch (...) {
        std::lock_guard<std::mutex> lk(error_mu);
        if (!error)
          error = std::current_exception();
        sync.arrive_and_drop();
        return;
      }
      sync.arrive_and_wait();
      for (std::size_t j = 0; j < i; ++j)
        first_row[i] += rows[j];
    });
  }
  for (auto &t : team)
    t.join();
  if (error)
    std::rethrow_exception(error);
  return first_row;
}

void ImportFile() {
  try {
    ReadChunks({"a,1\nb,2\n", "c,3\n\"d,4\n", "e,5\n"});
  } catch (const std::runtime_error &) {
    // reported to the user: the file is malformed
  }
}

CHANLEAK_SCENARIO_MAIN(ImportFile)
