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
    // The senders' loop runs over a container that may be empty, or as many
    // times as a count that may be zero.
    const auto *Bound = dyn_cast_or_null<ValueDecl>(W.SpawnLoopBound);
    bool Count = Bound && Bound->getType()->isIntegerType();
    std::string Name = Bound ? quoted(Bound) : "the container";
    std::string Empty = Count ? " is 0" : " is empty";
    if (!report(W.Blocked, W.BlockedIn,
                blockedPhrase(E, W) + " waits forever when " + Name + Empty +
                    ": the loop then spawns no thread to send"))
      return;
    note(W.SpawnLoop, Count ? "the only senders are spawned in this loop, which runs " + Name +
                                  " times"
                            : "the only senders are spawned in this loop over " + Name);
    if (W.MaybeEmptyCaller)
      note(W.MaybeEmptyCaller, quoted(dyn_cast<NamedDecl>(W.BlockedIn)) + " is called here with " +
                                   Name + (Count ? " that may be 0" : " that may be empty"));
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
