//===- RangeWithoutCloseCheck.cpp - chanleak-range-without-close ----------===//

#include "RangeWithoutCloseCheck.h"

namespace chanleak::tidy {

void RangeWithoutCloseCheck::reportWitness(const Witness &W, LeakEngine &E) {
  std::string Chan = witnessObjectName(E, W);
  if (W.NeverSet != NoObject) {
    // A channel built from a condition variable and a `closed` flag.
    std::string Flag = E.objectName(W.NeverSet);
    if (!report(W.Blocked, W.BlockedIn,
                "wait loop on " + Chan + " never ends: nothing sets " + Flag +
                    ", the state that would end it"))
      return;
    noteSpawn(W);
    note(E.objects()[W.NeverSet].Loc, Flag + " is declared here and never set");
    return;
  }
  bool SomePaths = W.Strand == StrandKind::ClosedOnSomePaths;
  if (!report(W.Blocked, W.BlockedIn,
              "receive loop over " + Chan + " never ends: " +
                  (SomePaths ? Chan + " is not closed on every path" : "nothing closes " + Chan)))
    return;
  noteSpawn(W);
  if (SomePaths)
    noteExit(W, "without closing " + Chan);
  else
    note(E.objects()[W.Object].Loc, Chan + " is declared here and never closed");
}

} // namespace chanleak::tidy
