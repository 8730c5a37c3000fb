//===- TakeFirstCheck.cpp - chanleak-take-first ---------------------------===//

#include "TakeFirstCheck.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace chanleak::tidy {

void TakeFirstCheck::analyze(const ConcurrencyFacts &Facts,
                             AnalysisSession &Session) {
  reportExtraSenders(Facts, Session);
  reportZeroSenders(Facts);
}

void TakeFirstCheck::reportZeroSenders(const ConcurrencyFacts &Facts) {
  const Thread &Root = Facts.root();
  for (const Spawn &Sp : Facts.spawns()) {
    const auto *Loop = dyn_cast_or_null<CXXForRangeStmt>(Sp.Loop);
    const auto *Range =
        Loop ? dyn_cast<DeclRefExpr>(Loop->getRangeInit()->IgnoreParenImpCasts()) : nullptr;
    const auto *Container = Range ? dyn_cast<ParmVarDecl>(Range->getDecl()) : nullptr;
    if (Sp.Parent != &Root || !Sp.Child || !Container ||
        Container->getDeclContext() != Root.Function)
      continue;
    for (const Op *Receive : Facts.opsIn(Root)) {
      const Channel *C = Receive->Channel ? Facts.channel(Receive->Channel) : nullptr;
      if (Receive->Kind != OpKind::Recv || Receive->LoopsUntilClosed || !C ||
          C->Escapes || C->Model->OneShot)
        continue;
      // Only the threads this loop spawns can wake the receive.
      llvm::SmallVector<const Op *, 4> Rescuers;
      for (const Op *O : Facts.opsOn(C->Id))
        if (rescuesReceiver(*O, *C))
          Rescuers.push_back(O);
      if (Rescuers.empty() ||
          llvm::any_of(Rescuers, [&](const Op *O) { return O->In->Origin != &Sp; }))
        continue;
      if (testsEmptiness(Container, Root.Body))
        continue;
      const CallExpr *Caller = callPassingMaybeEmpty(Container, Facts.context());
      if (!Caller)
        continue;
      std::string Name = quoted(Container);
      if (!report(Receive->Call, Receive->Function,
                  blockedPhrase(*Receive, *C) + " waits forever when " + Name +
                      " is empty: the loop over it then spawns no thread to send"))
        continue;
      note(Loop->getBeginLoc(), "the only senders are spawned in this loop over " + Name);
      note(Caller, quoted(Root.Function) + " is called here with " + Name +
                       " that may be empty");
    }
  }
}

void TakeFirstCheck::reportExtraSenders(const ConcurrencyFacts &Facts,
                                        AnalysisSession &Session) {
  for (const Spawn &Sp : Facts.spawns()) {
    if (!Sp.Loop || !Sp.Child)
      continue;
    const Thread &Parent = *Sp.Parent;
    for (const Op *Send : Facts.opsIn(*Sp.Child)) {
      if (Send->Kind != OpKind::Send || Send->Loop)
        continue;
      const Channel *C = Facts.channel(Send->Channel);
      if (!C || C->Escapes || C->Model->OneShot ||
          C->Capacity.Kind != ChannelCapacity::Known ||
          !receivedOnlyBy(Facts, C->Id, Parent))
        continue;
      std::optional<unsigned> Received =
          receivesOnOnePath(Facts, Session, C->Id, Parent);
      // No receive at all is early-return's; a receive loop drains them.
      if (!Received || *Received == 0)
        continue;
      std::optional<unsigned long long> Sent = spawnedSends(Facts, Session, C->Id);
      if (Sent && *Sent <= *Received + C->Capacity.Values)
        continue;
      std::string Chan = quoted(C->Id);
      std::string Senders =
          Sent ? std::to_string(*Sent) + " sends" : std::string("one send per loop iteration");
      if (!report(Send->Call, Send->Function,
                  "send on " + Chan + " blocks forever: " + Senders + " on " +
                      Chan + " but only " + std::to_string(*Received) +
                      (*Received == 1 ? " value is" : " values are") + " received"))
        continue;
      noteSpawn(*Sp.Child);
      for (const Op *Receive : Facts.opsIn(Parent))
        if (Receive->Channel == C->Id && isReceive(*Receive))
          note(Receive->Call, Sp.TripCount ? "the only receive from " + Chan
                                           : "the only receive from " + Chan +
                                                 "; if the loop spawns no thread, "
                                                 "it waits forever");
    }
  }
}

} // namespace chanleak::tidy
