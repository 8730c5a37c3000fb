//===- EarlyReturnCheck.cpp - chanleak-early-return -----------------------===//

#include "EarlyReturnCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

void EarlyReturnCheck::analyze(const ConcurrencyFacts &Facts,
                               AnalysisSession &Session) {
  for (const StrandedOp &S : Session.strandedOps(Facts)) {
    // A path through a timed wait or stop check is cancel-timeout's.
    if (S.Exit.Flagged)
      continue;
    const Thread &Parent = *S.Origin->Parent;
    std::string Rescue = rescuePhrase(*S.Blocked, *S.Chan);
    std::string Who = Parent.Origin ? std::string("its parent thread")
                                    : "'" + threadName(Parent) + "'";
    if (!report(S.Blocked->Call, S.Blocked->Function, blockedPhrase(*S.Blocked, *S.Chan) +
                                     " blocks forever: " + Who +
                                     " can leave without " + Rescue))
      continue;
    noteSpawn(*S.Blocked->In);
    noteExit(S.Exit, Parent, "without " + Rescue);
    if (const VarDecl *Handle = S.Origin->Handle;
        Handle && S.Origin->Site.Spawner->JoinsOnDestroy)
      note(Handle->getLocation(), "the destructor of " + quoted(Handle) +
                                      " then waits forever for the stranded thread");
  }
}

} // namespace chanleak::tidy
