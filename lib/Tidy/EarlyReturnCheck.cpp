//===- EarlyReturnCheck.cpp - chanleak-early-return -----------------------===//

#include "EarlyReturnCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

void EarlyReturnCheck::analyze(const ConcurrencyFacts &Facts,
                               AnalysisSession &Session) {
  for (const StrandedSend &S : Session.strandedSends(Facts)) {
    // A path through a timed wait or stop check is cancel-timeout's.
    if (S.Exit.Flagged)
      continue;
    std::string Chan = quoted(S.Chan->Id);
    const Thread &Parent = *S.Origin->Parent;
    if (!report(S.Send->Call, "send on " + Chan +
                                  " blocks forever: " +
                                  (Parent.Origin ? std::string("its parent thread")
                                                 : "'" + threadName(Parent) + "'") +
                                  " can leave without receiving from it"))
      continue;
    noteSpawn(*S.Send->In);
    noteExit(S.Exit, Parent, "without receiving from " + Chan);
    if (const VarDecl *Handle = S.Origin->Handle;
        Handle && S.Origin->Site.Spawner->JoinsOnDestroy)
      note(Handle->getLocation(), "the destructor of " + quoted(Handle) +
                                      " then waits forever for the stranded thread");
  }
}

} // namespace chanleak::tidy
