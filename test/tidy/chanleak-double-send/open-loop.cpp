// A spawned thread's loop of unknown length (lines read until the input
// ends) whose error branch sets the promise and breaks, then the value is
// set again after the loop: a second set_value throws, however many rounds
// the loop runs first. The fixed twin returns after the error.
// RUN: %check_chanleak_tidy %s chanleak-double-send %t
#include <future>
#include <string>
#include <thread>

bool next_line(std::string &line);

void ParseBreaks(std::promise<int> result) {
  std::string line;
  int count = 0;
  while (next_line(line)) {
    if (line.empty()) {
      result.set_value(-1);
      break;
    }
    ++count;
  }
  result.set_value(count);
  // CHECK-NOTES: :[[@LINE-1]]:3: warning: second set_value on 'promise' throws std::future_error (promise_already_satisfied) [chanleak-double-send]
  // CHECK-NOTES: :[[@LINE-7]]:7: note: first set_value on 'promise' here; this branch goes on without returning
}

int CountLines() {
  std::promise<int> promise;
  std::future<int> lines = promise.get_future();
  std::thread parser(ParseBreaks, std::move(promise));
  // CHECK-NOTES: :[[@LINE-1]]:15: note: thread spawned here
  int n = lines.get();
  parser.join();
  return n;
}

void ParseReturns(std::promise<int> result) {
  std::string line;
  int count = 0;
  while (next_line(line)) {
    if (line.empty()) {
      result.set_value(-1);
      return;
    }
    ++count;
  }
  result.set_value(count);
}

int CountLinesFixed() {
  std::promise<int> promise;
  std::future<int> lines = promise.get_future();
  std::thread parser(ParseReturns, std::move(promise));
  int n = lines.get();
  parser.join();
  return n;
}

// A promise made in the loop's body is a new one each round.
void ParseEachLine(std::promise<int> &done) {
  std::string line;
  while (next_line(line)) {
    std::promise<int> each;
    each.set_value(1);
  }
  done.set_value(0);
}

int ParseAll() {
  std::promise<int> promise;
  std::future<int> done = promise.get_future();
  std::thread parser(ParseEachLine, std::ref(promise));
  int n = done.get();
  parser.join();
  return n;
}
