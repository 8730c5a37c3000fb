//===- runtime_fiber_pingpong.cpp - what a fiber's park costs -------------===//
//
// Two fibers of one thread pass a number back and forth over two unbuffered
// channels N times (default 100,000). Every push parks its fiber until the
// value is taken, and every pop finds nothing waiting half the time: each
// round trip parks three or four times, which under libchanleak-rt records a
// stack each time. bench/runtime_overhead.py runs it with and without.
//
//===----------------------------------------------------------------------===//
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/unbuffered_channel.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv) {
  long RoundTrips = argc > 1 ? std::atol(argv[1]) : 100000;
  boost::fibers::unbuffered_channel<long> Ping, Pong;
  boost::fibers::fiber Echo([&] {
    long Value;
    while (Ping.pop(Value) == boost::fibers::channel_op_status::success)
      Pong.push(Value);
  });
  for (long I = 0; I < RoundTrips; ++I) {
    Ping.push(I);
    if (Pong.value_pop() != I) {
      std::fprintf(stderr, "runtime_fiber_pingpong: round trip %ld came back wrong\n", I);
      return 1;
    }
  }
  Ping.close();
  Echo.join();
  std::printf("round-trips=%ld\n", RoundTrips);
  return 0;
}
