// An object made with std::make_shared<T>(args) is constructed like a
// variable: T's constructor runs on it and its handle members name what the
// arguments name. A facade that closes the channel after the last send
// rescues the receive loop; one that never closes it does not.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-range-without-close %t

#include <boost/fiber/buffered_channel.hpp>
#include <cstddef>
#include <memory>
#include <thread>

using Chan = boost::fibers::buffered_channel<int>;

class ClosingFacade {
public:
  ClosingFacade(std::shared_ptr<Chan> chan, std::size_t sends) : chan_(chan), left_(sends) {}
  void Push(int v) {
    chan_->push(v);
    if (--left_ == 0)
      chan_->close();
  }

private:
  std::shared_ptr<Chan> chan_;
  std::size_t left_;
};

class ForgetfulFacade {
public:
  explicit ForgetfulFacade(std::shared_ptr<Chan> chan) : chan_(chan) {}
  void Push(int v) { chan_->push(v); }

private:
  std::shared_ptr<Chan> chan_;
};

int fixed_facade_closes_after_the_last_send() {
  auto chan = std::make_shared<Chan>(8);
  auto facade = std::make_shared<ClosingFacade>(chan, 2);
  std::thread([facade] { facade->Push(1); }).detach();
  std::thread([facade] { facade->Push(2); }).detach();
  int sum = 0, v = 0;
  while (chan->pop(v) == boost::fibers::channel_op_status::success)
    sum += v;
  return sum;
}

int leaky_facade_never_closes() {
  auto chan = std::make_shared<Chan>(8);
  auto facade = std::make_shared<ForgetfulFacade>(chan);
  std::thread([facade] { facade->Push(1); }).detach();
  int sum = 0, v = 0;
  while (chan->pop(v) == boost::fibers::channel_op_status::success)
    // CHECK-NOTES: :[[@LINE-1]]:10: warning: receive loop over 'chan' never ends: nothing closes 'chan' [chanleak-range-without-close]
    // CHECK-NOTES: :50:8: note: 'chan' is declared here and never closed
    sum += v;
  return sum;
}
