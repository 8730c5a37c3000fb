//===- EarlyReturnCheck.cpp - chanleak-early-return -----------------------===//

#include "EarlyReturnCheck.h"

namespace chanleak::tidy {

void EarlyReturnCheck::reportWitness(const Witness &W, LeakEngine &E) {
  if (W.Strand == StrandKind::LostWakeup) {
    if (!report(W.Blocked, W.BlockedIn,
                blockedPhrase(E, W) +
                    " blocks forever: its notify can come between the wait's check of the "
                    "predicate and its sleep, because the predicate's state is written without "
                    "holding the mutex"))
      return;
    noteSpawn(W);
    note(W.FirstSend, "notified here, after a write made without the lock");
    return;
  }
  std::string Rescue = rescuePhrase(E, W);
  std::string Who = !W.LeaverIsSpawned || !W.Spawn ? "'" + functionName(W.Leaver) + "'"
                     : W.LeaverIsSibling        ? "another thread"
                                                : "its parent thread";
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
