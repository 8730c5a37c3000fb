//===- TakeFirstCheck.cpp - chanleak-take-first ---------------------------===//

#include "TakeFirstCheck.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace chanleak::tidy {

void TakeFirstCheck::reportWitness(const Witness &W, LeakEngine &E) {
  if (W.Strand == StrandKind::WokeAnother) {
    if (!report(W.Blocked, W.BlockedIn,
                blockedPhrase(E, W) +
                    " blocks forever: notify_one wakes only one of the threads waiting for "
                    "this state"))
      return;
    noteSpawn(W);
    note(W.FirstSend, "only one waiter is woken here");
    return;
  }
  if (W.Strand == StrandKind::NoSenders) {
    // The senders' loop runs over a container that may be empty.
    std::string Name = "the container";
    if (const auto *Range = dyn_cast_or_null<CXXForRangeStmt>(W.SpawnLoop))
      if (const auto *Ref = dyn_cast<DeclRefExpr>(Range->getRangeInit()->IgnoreParenImpCasts()))
        Name = quoted(Ref->getDecl());
    if (!report(W.Blocked, W.BlockedIn,
                blockedPhrase(E, W) + " waits forever when " + Name +
                    " is empty: the loop over it then spawns no thread to send"))
      return;
    note(W.SpawnLoop, "the only senders are spawned in this loop over " + Name);
    if (W.MaybeEmptyCaller)
      note(W.MaybeEmptyCaller, quoted(dyn_cast<NamedDecl>(W.BlockedIn)) + " is called here with " +
                                   Name + " that may be empty");
    return;
  }
  std::string Chan = witnessObjectName(E, W);
  std::string Senders = W.SpawnLoopCount ? std::to_string(*W.SpawnLoopCount) + " sends"
                                         : std::string("one send per loop iteration");
  if (!report(W.Blocked, W.BlockedIn,
              "send on " + Chan + " blocks forever: " + Senders + " on " + Chan + " but only " +
                  std::to_string(W.Received) +
                  (W.Received == 1 ? " value is" : " values are") + " received"))
    return;
  noteSpawn(W);
  note(W.Receive, W.SpawnLoopCount ? "the only receive from " + Chan
                                   : "the only receive from " + Chan +
                                         "; if the loop spawns no thread, it waits forever");
}

} // namespace chanleak::tidy
