//===- CancelTimeoutCheck.cpp - chanleak-cancel-timeout -------------------===//

#include "CancelTimeoutCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

void CancelTimeoutCheck::analyze(const ConcurrencyFacts &Facts,
                                 AnalysisSession &Session) {
  for (const StrandedSend &S : Session.strandedSends(Facts)) {
    if (!S.Exit.Flagged)
      continue;
    std::string Chan = quoted(S.Chan->Id);
    const Thread &Parent = *S.Origin->Parent;
    if (!report(S.Send->Call,
                "send on " + Chan +
                    " blocks forever once the waiter gives up: nobody receives "
                    "from " + Chan + " after the timeout or cancellation"))
      continue;
    noteSpawn(*S.Send->In);
    note(S.Exit.Flagged, "the wait can give up here");
    noteExit(S.Exit, Parent, "without receiving from " + Chan);
  }
}

} // namespace chanleak::tidy
