//===- EarlyReturnCheck.h - chanleak-early-return -----------------*- C++ -*-===//
//
// Reports the engine's early-return witnesses: the parent leaves before receiving from its child.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_EARLYRETURNCHECK_H
#define CHANLEAK_TIDY_EARLYRETURNCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class EarlyReturnCheck : public ChanleakCheck {
public:
  EarlyReturnCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                   std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::EarlyReturn) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
