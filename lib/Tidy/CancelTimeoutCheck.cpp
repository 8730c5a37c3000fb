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
    // The buffer would have held the value, but for a library defect.
    if (S.Chan->CancelledReceiveDisablesBuffer && S.Chan->Capacity.Values > 0)
      note(S.Chan->Id->getLocation(),
           quoted(S.Chan->Id) + " has room for " + std::to_string(S.Chan->Capacity.Values) +
               ", but in this version of " + S.Chan->Model->Family +
               " a cancelled receive leaves it acting as a rendezvous channel");
    noteExit(S.Exit, *S.Origin->Parent, "without " + Rescue);
  }
}

} // namespace chanleak::tidy
