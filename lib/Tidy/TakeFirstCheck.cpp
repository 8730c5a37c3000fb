//===- TakeFirstCheck.cpp - chanleak-take-first ---------------------------===//

#include "TakeFirstCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

void TakeFirstCheck::analyze(const ConcurrencyFacts &Facts,
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
