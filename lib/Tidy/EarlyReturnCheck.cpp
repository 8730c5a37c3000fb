//===- EarlyReturnCheck.cpp - chanleak-early-return -----------------------===//

#include "EarlyReturnCheck.h"

namespace chanleak::tidy {

void EarlyReturnCheck::reportWitness(const Witness &W, LeakEngine &E) {
  if (W.Strand == StrandKind::LostWakeup || W.Strand == StrandKind::WokeAnother) {
    bool Lost = W.Strand == StrandKind::LostWakeup;
    if (!report(W.Blocked, W.BlockedIn,
                blockedPhrase(E, W) + " blocks forever: " +
                    (Lost ? "its notify can come between the wait's check of the predicate "
                            "and its sleep, because the predicate's state is written without "
                            "holding the mutex"
                          : "notify_one wakes only one of the threads waiting for this state")))
      return;
    noteSpawn(W);
    note(W.FirstSend, Lost ? "notified here, after a write made without the lock"
                           : "only one waiter is woken here");
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
