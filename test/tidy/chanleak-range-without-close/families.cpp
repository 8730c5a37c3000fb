// chanleak-range-without-close on the real Boost.Fiber header, on
// msd::channel and on an annotated user queue.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t -- -- -I%S/../Inputs -I%S/../../../patterns/include -I%chanleak_include

#include <boost/fiber/buffered_channel.hpp>
#include <msd/channel.hpp>
#include <string>
#include <thread>
#include <vector>
#include "user-queue.h"

void Index(const std::string &doc);

void BoostLeaky(const std::vector<std::string> &docs) {
  boost::fibers::buffered_channel<std::string> queue{16}; // #d1
  std::thread indexer([&queue] { // #s1
    for (const std::string &doc : queue) // #w1
      Index(doc);
  });
  for (const auto &d : docs)
    queue.push(d);
  indexer.join();
  // CHECK-NOTES: :[[@LINE-6]]:35: warning: receive loop over 'queue' never ends: nothing closes 'queue' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here; it receives from 'queue'
  // CHECK-NOTES: :[[@LINE-10]]:48: note: 'queue' is declared here and never closed
}

void BoostFixed(const std::vector<std::string> &docs) {
  boost::fibers::buffered_channel<std::string> queue{16};
  std::thread indexer([&queue] {
    for (const std::string &doc : queue)
      Index(doc);
  });
  for (const auto &d : docs)
    queue.push(d);
  queue.close();
  indexer.join();
}

void MsdLeaky(const std::vector<std::string> &docs) {
  msd::channel<std::string> queue; // #d2
  std::thread indexer([&queue] { // #s2
    for (auto doc : queue) // #w2
      Index(doc);
  });
  for (const auto &d : docs)
    queue << d;
  indexer.join();
  // CHECK-NOTES: :[[@LINE-6]]:21: warning: receive loop over 'queue' never ends: nothing closes 'queue' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here; it receives from 'queue'
  // CHECK-NOTES: :[[@LINE-10]]:29: note: 'queue' is declared here and never closed
}

void MsdFixed(const std::vector<std::string> &docs) {
  msd::channel<std::string> queue;
  std::thread indexer([&queue] {
    std::string doc;
    while (queue.read(doc))
      Index(doc);
  });
  for (const auto &d : docs)
    queue.write(std::string(d));
  queue.close();
  indexer.join();
}

void AnnotatedLeaky() {
  mylib::Queue<int> q{4}; // #d3
  std::thread consumer([&q] { // #s3
    int v;
    while (q.Pop(v)) // #w3
      ;
  });
  q.Push(1);
  consumer.join();
  // CHECK-NOTES: :[[@LINE-5]]:12: warning: receive loop over 'q' never ends: nothing closes 'q' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-8]]:15: note: thread spawned here; it receives from 'q'
  // CHECK-NOTES: :[[@LINE-10]]:21: note: 'q' is declared here and never closed
}

void AnnotatedFixed() {
  mylib::Queue<int> q{4};
  std::thread consumer([&q] {
    int v;
    while (q.Pop(v))
      ;
  });
  q.Push(1);
  q.Close();
  consumer.join();
}
