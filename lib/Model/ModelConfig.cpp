//===- ModelConfig.cpp - The model a front end's options describe ---------===//

#include "chanleak/Model/ModelConfig.h"
#include "chanleak/Model/ModelFile.h"

namespace chanleak {

namespace {

/// The names of a semicolon-separated option value, trimmed; blanks skipped.
llvm::SmallVector<llvm::StringRef, 4> optionNames(llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 4> Parts, Names;
  List.split(Parts, ';');
  for (llvm::StringRef Part : Parts)
    if (llvm::StringRef Name = Part.trim(); !Name.empty())
      Names.push_back(Name);
  return Names;
}

/// Adds a semicolon-separated list of qualified names as channels with the
/// common op names (push/send/write, pop/recv/receive/read, close, try_*).
void addChannelTypes(ApiModel &Model, llvm::StringRef List) {
  for (llvm::StringRef Name : optionNames(List)) {
    ChannelModel M;
    M.TypeName = Name.str();
    M.Family = "option";
    M.Capacity.DefaultKind = CapacityKind::Rendezvous;
    M.Capacity.Arg = 0;
    for (llvm::StringRef Send : {"push", "send", "write", "Push", "Send", "Write"})
      M.Methods[Send] = OpKind::Send;
    for (llvm::StringRef Recv : {"pop", "recv", "receive", "read", "Pop", "Recv", "Receive", "Read"})
      M.Methods[Recv] = OpKind::Recv;
    for (llvm::StringRef Close : {"close", "Close"})
      M.Methods[Close] = OpKind::Close;
    for (llvm::StringRef Try : {"try_push", "try_send", "TryPush", "TrySend"})
      M.Methods[Try] = OpKind::TrySend;
    for (llvm::StringRef Try : {"try_pop", "try_recv", "TryPop", "TryRecv"})
      M.Methods[Try] = OpKind::TryRecv;
    M.ReceiveStatus = RecvStatus::Bool;
    M.RangeIterable = true;
    Model.addChannel(std::move(M));
  }
}

void addSpawnerFunctions(ApiModel &Model, llvm::StringRef List) {
  for (llvm::StringRef Name : optionNames(List)) {
    SpawnerModel S;
    S.Name = Name.str();
    S.Family = "option";
    S.CallableArg = 0;
    S.FirstForwardedArg = 1;
    Model.addSpawner(std::move(S));
  }
}

} // namespace

std::shared_ptr<const ModelIndex> ModelIndexCache::get(const ModelConfig &Config,
                                                       std::string &Error) {
  std::lock_guard<std::mutex> Guard(Lock);
  std::string Key = Config.ModelFile + "\n" + Config.ChannelTypes + "\n" + Config.SpawnerFunctions;
  std::shared_ptr<const ModelIndex> &Slot = Indexes[Key];
  if (Slot)
    return Slot;
  ApiModel Model = ApiModel::builtin();
  if (!Config.ModelFile.empty()) {
    llvm::Expected<ApiModel> User = loadModelFile(Config.ModelFile);
    if (User)
      Model.merge(*User);
    else if (std::string Message = llvm::toString(User.takeError());
             ReportedErrors.insert(Message).second)
      Error = Message;
  }
  addChannelTypes(Model, Config.ChannelTypes);
  addSpawnerFunctions(Model, Config.SpawnerFunctions);
  Slot = std::make_shared<const ModelIndex>(std::move(Model));
  return Slot;
}

} // namespace chanleak
