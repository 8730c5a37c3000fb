//===- LoopingTimerCheck.cpp - chanleak-looping-timer ---------------------===//

#include "LoopingTimerCheck.h"

namespace chanleak::tidy {

void LoopingTimerCheck::reportWitness(const Witness &W, LeakEngine &) {
  if (!report(W.Blocked, W.BlockedIn,
              "thread sleeps in a loop forever with no stop condition: every call of '" +
                  functionName(W.Leaver) + "' leaks another thread"))
    return;
  noteSpawn(W);
}

} // namespace chanleak::tidy
