//===- OrphanedWorkerCheck.h - chanleak-orphaned-worker -----------*- C++ -*-===//
//
// Reports the engine's orphaned-worker witnesses: a worker started and never stopped.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_ORPHANEDWORKERCHECK_H
#define CHANLEAK_TIDY_ORPHANEDWORKERCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class OrphanedWorkerCheck : public ChanleakCheck {
public:
  OrphanedWorkerCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                      std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::OrphanedWorker) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
