//===- CancelTimeoutCheck.cpp - chanleak-cancel-timeout -------------------===//

#include "CancelTimeoutCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

void CancelTimeoutCheck::analyze(const ConcurrencyFacts &Facts,
                                 AnalysisSession &Session) {
  for (const StrandedOp &S : Session.strandedOps(Facts)) {
    if (!S.Exit.Flagged)
      continue;
    std::string Rescue = rescuePhrase(*S.Blocked, *S.Chan);
    if (!report(S.Blocked->Call, S.Blocked->Function, blockedPhrase(*S.Blocked, *S.Chan) +
                                     " blocks forever once the waiter gives up: "
                                     "nobody is left " + Rescue +
                                     " after the timeout or cancellation"))
      continue;
    noteSpawn(*S.Blocked->In);
    note(S.Exit.Flagged, "the wait can give up here");
    noteExit(S.Exit, *S.Origin->Parent, "without " + Rescue);
  }
}

} // namespace chanleak::tidy
