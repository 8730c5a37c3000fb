//===- TakeFirstCheck.h - chanleak-take-first ---------------*- C++ -*-===//
//
// A loop spawns N senders on one channel and the parent receives fewer
// values than are sent: the rest block forever. Go's NCast pattern.
// See docs/checks/chanleak-take-first.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_TAKEFIRSTCHECK_H
#define CHANLEAK_TIDY_TAKEFIRSTCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class TakeFirstCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;

private:
  /// More sends than receives: the extra senders block.
  void reportExtraSenders(const ConcurrencyFacts &Facts, AnalysisSession &Session);
  /// Senders spawned only by a loop over a container that may be empty:
  /// with no element there is no sender, and the receive waits forever.
  void reportZeroSenders(const ConcurrencyFacts &Facts);
};

} // namespace chanleak::tidy

#endif
