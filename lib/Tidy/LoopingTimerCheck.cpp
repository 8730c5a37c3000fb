//===- LoopingTimerCheck.cpp - chanleak-looping-timer ---------------------===//

#include "LoopingTimerCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

void LoopingTimerCheck::analyze(const ConcurrencyFacts &Facts,
                                AnalysisSession &Session) {
  for (const Thread &T : Facts.threads()) {
    if (!endlessThreadLeaks(Facts, T) || !neverEnds(Facts, T, Session))
      continue;
    const Op *Sleep =
        opInLoop(Facts, T, [](const Op &O) { return O.Kind == OpKind::Sleep; });
    if (!Sleep)
      continue;
    std::string Starter = "'" + threadName(*T.Parent) + "'";
    if (!report(Sleep->Call, Sleep->Function,
                "thread sleeps in a loop forever with no stop condition: every "
                "call of " + Starter + " leaks another thread"))
      continue;
    noteSpawn(T);
  }
}

} // namespace chanleak::tidy
