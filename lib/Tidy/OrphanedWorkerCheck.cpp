//===- OrphanedWorkerCheck.cpp - chanleak-orphaned-worker -----------------===//

#include "OrphanedWorkerCheck.h"

namespace chanleak::tidy {

void OrphanedWorkerCheck::reportWitness(const Witness &W, LeakEngine &E) {
  const ObjectTable &Objects = E.objects();
  if (W.Strand == StrandKind::NeverStopped && W.BlockedKind == EventKind::Start) {
    // A modelled worker type: its Start() is the leak's place.
    std::string Name = E.objectName(W.Object);
    if (!report(W.Blocked, W.BlockedIn,
                Name + " is started but not stopped on every path: its worker thread outlives it"))
      return;
    noteExit(W, "without stopping " + Name);
    return;
  }
  if (W.Strand == StrandKind::NeverStopped) {
    // obj.Start() spawned a loop over obj's channel; obj.Stop() closes it.
    std::string Name = handleName(W.StartedAt, E.index());
    Name = Name.empty() ? E.objectName(Objects[W.Object].Base) : "'" + Name + "'";
    const ChannelModel *Channel = Objects[W.Object].Channel;
    std::string Rescue = Channel && Channel->isSignal() ? "notifies " : "closes ";
    if (!report(W.Blocked, W.BlockedIn,
                "worker of " + Name + " waits here forever: " + Name +
                    " is started but not stopped on every path, so nothing " + Rescue +
                    witnessObjectName(E, W)))
      return;
    noteSpawn(W);
    note(W.StartedAt, Name + " is started here");
    noteExit(W, "without stopping " + Name);
    return;
  }
  std::string Message;
  if (W.Spawn && W.Spawn->Spawner->PassesStopToken && !W.Spawn->ReadsStopToken)
    Message = "thread never ends: its loop ignores its stop_token, so the destructor of its " +
              W.Spawn->Spawner->Name + " waits forever";
  else if (W.JoiningHandle)
    Message = "thread never ends: its loop has no exit, so the destructor of " +
              quoted(W.JoiningHandle) + " waits forever";
  else
    Message = "thread never ends: its loop has no exit and nothing can stop it";
  if (!report(W.Blocked, W.BlockedIn, Message))
    return;
  noteSpawn(W);
}

} // namespace chanleak::tidy
