//===- CancelTimeoutCheck.h - chanleak-cancel-timeout -------------*- C++ -*-===//
//
// Reports the engine's cancel-timeout witnesses: the waiter gives up; the child's later send blocks.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_CANCELTIMEOUTCHECK_H
#define CHANLEAK_TIDY_CANCELTIMEOUTCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class CancelTimeoutCheck : public ChanleakCheck {
public:
  CancelTimeoutCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                     std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::CancelTimeout) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
