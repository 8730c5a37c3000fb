// Packet intake: a helper thread checksums the payload while the caller
// parses the header. Bad lengths are turned away before the helper starts,
// so the parser's rejection below cannot happen any more.
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <optional>
#include <thread>

#include "scenario.h"

enum class HeaderError { kNone, kEmpty, kTooLong };

struct Packet {
  int length = 0;
  int seed = 0;
};

constexpr int kMaxLength = 1500;

void ParseHeader(const Packet &p, HeaderError &err) {
  if (p.length == 0)
    err = HeaderError::kEmpty;
  else if (p.length > kMaxLength)
    err = HeaderError::kTooLong;
  else
    err = HeaderError::kNone;
}

long Checksum(int length, int seed) { return static_cast<long>(length) * 31 + seed; }

std::optional<long> Accept(const Packet &p) {
  if (p.length <= 0 || p.length > kMaxLength)
    return std::nullopt; // turned away before any work starts

  auto sums = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  std::thread([sums, length = p.length, seed = p.seed] {
    sums->push(Checksum(length, seed));
  }).detach();

  HeaderError err = HeaderError::kNone;
  ParseHeader(p, err);
  if (err != HeaderError::kNone)
    return std::nullopt;

  return sums->value_pop();
}

void Receive() {
  for (const Packet &p : {Packet{0, 7}, Packet{64, 7}}) {
    auto sum = Accept(p);
    (void)sum;
  }
}

CHANLEAK_SCENARIO_MAIN(Receive)
