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
};

} // namespace chanleak::tidy

#endif
