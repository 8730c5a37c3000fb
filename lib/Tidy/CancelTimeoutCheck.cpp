//===- CancelTimeoutCheck.cpp - chanleak-cancel-timeout -------------------===//

#include "CancelTimeoutCheck.h"

namespace chanleak::tidy {

void CancelTimeoutCheck::reportWitness(const Witness &W, LeakEngine &E) {
  std::string Rescue = rescuePhrase(E, W);
  if (!report(W.Blocked, W.BlockedIn,
              blockedPhrase(E, W) + " blocks forever once the waiter gives up: "
                                    "nobody is left " + Rescue +
                  " after the timeout or cancellation"))
    return;
  noteSpawn(W);
  note(W.GaveUp, "the wait can give up here");
  // The buffer would have held the value, but for a library defect.
  const AbstractObject &Chan = E.objects()[W.Object];
  if (Chan.CancelledReceiveDisablesBuffer && Chan.Capacity.Kind == ChannelCapacity::Known &&
      Chan.Capacity.Values > 0)
    note(Chan.Loc, witnessObjectName(E, W) + " has room for " +
                       std::to_string(Chan.Capacity.Values) + ", but in this version of " +
                       Chan.Channel->Family +
                       " a cancelled receive leaves it acting as a rendezvous channel");
  noteExit(W, "without " + Rescue);
}

} // namespace chanleak::tidy
