//===- DoubleSendCheck.h - chanleak-double-send ---------------*- C++ -*-===//
//
// A spawned thread sends twice on one path (an error branch that forgets
// to return) while its receiver takes one value; a promise set twice throws.
// Go's DoubleSend pattern.
// See docs/checks/chanleak-double-send.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_DOUBLESENDCHECK_H
#define CHANLEAK_TIDY_DOUBLESENDCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class DoubleSendCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;
};

} // namespace chanleak::tidy

#endif
