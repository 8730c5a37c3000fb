// A loop over a local container made from a braced list runs once per
// element when nothing changes the container, const or not: a thread that
// sends each element of a six-element list into a buffer of two, to a
// parent that takes one and leaves, is stranded.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -I%S/../../../patterns/include

#include <memory>
#include <msd/channel.hpp>
#include <thread>
#include <vector>

using Rows = msd::channel<int>;

int leaky_header_only() {
  std::vector<int> lines{0, 1, 2, 3, 4, 5};
  auto rows = std::make_shared<Rows>(2);
  std::thread([rows, lines] {
    for (int line : lines)
      *rows << line;
  }).detach();
  int header = 0;
  *rows >> header;
  return header;
}
// CHECK-NOTES: :[[@LINE-6]]:7: warning: send on 'rows' blocks forever: 'leaky_header_only' can leave without receiving from 'rows' [chanleak-early-return]
// CHECK-NOTES: :[[@LINE-9]]:3: note: thread spawned here; it sends on 'rows'
// CHECK-NOTES: :[[@LINE-4]]:3: note: 'leaky_header_only' returns here without receiving from 'rows'

// Fixed: the buffer holds every line.
int fixed_buffer_holds_all() {
  std::vector<int> lines{0, 1, 2, 3, 4, 5};
  auto rows = std::make_shared<Rows>(6);
  std::thread([rows, lines] {
    for (int line : lines)
      *rows << line;
  }).detach();
  int header = 0;
  *rows >> header;
  return header;
}

// Fixed: the list is cut to one line before the thread starts.
int fixed_list_cut_to_one() {
  std::vector<int> lines{0, 1, 2, 3, 4, 5};
  lines.resize(1);
  auto rows = std::make_shared<Rows>(2);
  std::thread([rows, lines] {
    for (int line : lines)
      *rows << line;
  }).detach();
  int header = 0;
  *rows >> header;
  return header;
}
