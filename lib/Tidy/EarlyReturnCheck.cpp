//===- EarlyReturnCheck.cpp - chanleak-early-return -----------------------===//

#include "EarlyReturnCheck.h"

namespace chanleak::tidy {

void EarlyReturnCheck::reportWitness(const Witness &W, LeakEngine &E) {
  std::string Rescue = rescuePhrase(E, W);
  std::string Who = W.LeaverIsSpawned ? std::string("its parent thread")
                                      : "'" + functionName(W.Leaver) + "'";
  if (!report(W.Blocked, W.BlockedIn,
              blockedPhrase(E, W) + " blocks forever: " + Who + " can leave without " + Rescue))
    return;
  noteSpawn(W);
  noteExit(W, "without " + Rescue);
  if (W.JoiningHandle)
    note(W.JoiningHandle->getLocation(), "the destructor of " + quoted(W.JoiningHandle) +
                                             " then waits forever for the stranded thread");
}

} // namespace chanleak::tidy
