//===- ApiModel.cpp - Op vocabulary and model lookups ---------------------===//

#include "chanleak/Model/ApiModel.h"
#include "llvm/ADT/StringSwitch.h"

namespace chanleak {

static constexpr std::pair<OpKind, llvm::StringLiteral> OpNames[] = {
    {OpKind::Send, "send"},           {OpKind::Recv, "recv"},
    {OpKind::TrySend, "try_send"},    {OpKind::TryRecv, "try_recv"},
    {OpKind::TimedSend, "timed_send"}, {OpKind::TimedRecv, "timed_recv"},
    {OpKind::Close, "close"},         {OpKind::Cancel, "cancel"},
    {OpKind::SetValue, "set_value"},  {OpKind::Wait, "wait"},
    {OpKind::TimedWait, "timed_wait"}, {OpKind::RequestStop, "request_stop"},
    {OpKind::StopCheck, "stop_check"}, {OpKind::Sleep, "sleep"},
    {OpKind::Start, "start"},         {OpKind::Stop, "stop"},
    {OpKind::Join, "join"},           {OpKind::Detach, "detach"},
    {OpKind::Arrive, "arrive"},       {OpKind::ArriveAndWait, "arrive_and_wait"},
};

static constexpr std::pair<CountKind, llvm::StringLiteral> CountNames[] = {
    {CountKind::None, "none"},
    {CountKind::Permits, "permits"},
    {CountKind::Arrivals, "arrivals"},
    {CountKind::Phases, "phases"},
};

/// A kind's name in its table, and back.
template <typename Kind, size_t N>
static llvm::StringRef nameIn(const std::pair<Kind, llvm::StringLiteral> (&Table)[N], Kind K) {
  for (const auto &[Entry, Name] : Table)
    if (Entry == K)
      return Name;
  return "unknown";
}

template <typename Kind, size_t N>
static std::optional<Kind> kindIn(const std::pair<Kind, llvm::StringLiteral> (&Table)[N],
                                  llvm::StringRef Name) {
  for (const auto &[Entry, EntryName] : Table)
    if (EntryName == Name)
      return Entry;
  return std::nullopt;
}

llvm::StringRef opKindName(OpKind K) { return nameIn(OpNames, K); }
std::optional<OpKind> parseOpKind(llvm::StringRef Name) { return kindIn(OpNames, Name); }
llvm::StringRef countKindName(CountKind K) { return nameIn(CountNames, K); }
std::optional<CountKind> parseCountKind(llvm::StringRef Name) { return kindIn(CountNames, Name); }

std::optional<bool> statusMeansSuccess(llvm::StringRef Enumerator) {
  for (llvm::StringRef Success : {"success", "ready", "no_timeout"})
    if (Enumerator == Success)
      return true;
  for (llvm::StringRef GaveUp : {"timeout", "empty", "closed", "full", "deferred"})
    if (Enumerator == GaveUp)
      return false;
  return std::nullopt;
}

bool opBlocks(OpKind K) {
  switch (K) {
  case OpKind::Send:
  case OpKind::Recv:
  case OpKind::Wait:
  case OpKind::Join:
  case OpKind::ArriveAndWait:
    return true;
  default:
    return false;
  }
}

bool opIsSend(OpKind K) {
  return K == OpKind::Send || K == OpKind::TrySend || K == OpKind::TimedSend ||
         K == OpKind::SetValue;
}

bool opIsRecv(OpKind K) {
  return K == OpKind::Recv || K == OpKind::TryRecv || K == OpKind::TimedRecv ||
         K == OpKind::Wait || K == OpKind::TimedWait || K == OpKind::ArriveAndWait;
}

llvm::StringRef capacityKindName(CapacityKind K) {
  switch (K) {
  case CapacityKind::Rendezvous:
    return "rendezvous";
  case CapacityKind::Bounded:
    return "bounded";
  case CapacityKind::Unbounded:
    return "unbounded";
  }
  return "unknown";
}

std::optional<unsigned long long>
CapacityRule::effectiveCapacity(std::optional<long long> ArgValue) const {
  CapacityKind Kind = DefaultKind;
  if (Arg && ArgValue)
    Kind = *ArgValue == 0 ? ZeroMeans : CapacityKind::Bounded;
  switch (Kind) {
  case CapacityKind::Rendezvous:
    return 0;
  case CapacityKind::Unbounded:
    return std::nullopt;
  case CapacityKind::Bounded: {
    long long Fits = ArgValue.value_or(0) + Adjust;
    return Fits < 0 ? 0 : static_cast<unsigned long long>(Fits);
  }
  }
  return 0;
}

std::optional<OpKind> ChannelModel::opFor(llvm::StringRef Method) const {
  auto It = Methods.find(Method);
  if (It == Methods.end())
    return std::nullopt;
  return It->second;
}

bool ChannelModel::endsReceiveLoops() const {
  if (RangeIterable || ReceiveStatus != RecvStatus::None)
    return true;
  for (const auto &Entry : Methods)
    if (Entry.second == OpKind::Close)
      return true;
  return false;
}

bool ChannelModel::isSignal() const {
  return Methods.count("notify_one") != 0;
}

StateEffect stateEffect(llvm::StringRef Method, bool IsConst) {
  if (IsConst || Method == "load" || Method.starts_with("operator "))
    return StateEffect::None;
  return llvm::StringSwitch<StateEffect>(Method)
      .Cases("push", "push_back", "push_front", "emplace", StateEffect::Grows)
      .Cases("emplace_back", "emplace_front", "insert", "emplace_hint", StateEffect::Grows)
      .Cases("pop", "pop_front", "pop_back", StateEffect::Shrinks)
      .Cases("clear", "reset", StateEffect::Empties)
      .Cases("store", "exchange", StateEffect::Stores)
      .Case("fetch_add", StateEffect::Adds)
      .Case("fetch_sub", StateEffect::Subtracts)
      .Cases("begin", "end", "front", "back", "top", StateEffect::None)
      .Default(StateEffect::Unknown);
}

StateRead stateRead(llvm::StringRef Method, bool IsConversion) {
  if (IsConversion || Method == "size" || Method == "load" || Method == "has_value")
    return StateRead::Value;
  return Method == "empty" ? StateRead::Empty : StateRead::None;
}

LockEffect lockEffect(llvm::StringRef Method) {
  return llvm::StringSwitch<LockEffect>(Method)
      .Case("lock", LockEffect::Acquires)
      .Case("unlock", LockEffect::Releases)
      .Default(LockEffect::None);
}

bool namesElements(llvm::StringRef Method) {
  return llvm::is_contained({"at", "front", "back", "begin", "cbegin", "rbegin", "crbegin"},
                            Method);
}

bool isOptional(llvm::StringRef QualifiedName) {
  return QualifiedName == "std::optional" || QualifiedName == "boost::optional";
}

bool isEmptyOptionalTag(llvm::StringRef QualifiedName) {
  return QualifiedName == "std::nullopt_t" || QualifiedName == "boost::none_t";
}

bool isScopedLock(llvm::StringRef QualifiedName) {
  return llvm::is_contained({"std::lock_guard", "std::unique_lock", "std::scoped_lock",
                             "std::shared_lock", "boost::unique_lock", "boost::lock_guard"},
                            QualifiedName);
}

bool isMutex(llvm::StringRef QualifiedName) {
  return llvm::is_contained({"std::mutex", "std::timed_mutex", "std::shared_mutex",
                             "std::shared_timed_mutex", "boost::mutex", "boost::timed_mutex",
                             "boost::fibers::mutex", "boost::fibers::timed_mutex"},
                            QualifiedName);
}

template <typename T, typename KeyFn>
static const T *findByName(const std::vector<T> &Items, llvm::StringRef Name,
                           KeyFn Key) {
  for (const T &Item : Items)
    if (Key(Item) == Name)
      return &Item;
  return nullptr;
}

const ChannelModel *ApiModel::findChannel(llvm::StringRef Name) const {
  return findByName(Channels, Name,
                    [](const ChannelModel &M) { return M.TypeName; });
}

const SpawnerModel *ApiModel::findSpawner(llvm::StringRef Name) const {
  return findByName(Spawners, Name,
                    [](const SpawnerModel &M) { return M.Name; });
}

const LifecycleModel *ApiModel::findLifecycle(llvm::StringRef Name) const {
  return findByName(Lifecycles, Name,
                    [](const LifecycleModel &M) { return M.TypeName; });
}

const WorkGuardModel *ApiModel::findWorkGuard(llvm::StringRef Name) const {
  return findByName(WorkGuards, Name, [](const WorkGuardModel &M) { return M.TypeName; });
}

const FunctionRole *ApiModel::functionRole(llvm::StringRef Name) const {
  return findByName(Roles, Name, [](const FunctionRole &R) { return R.Name; });
}

std::optional<OpKind> ApiModel::findFunctionRole(llvm::StringRef Name) const {
  if (const FunctionRole *R = functionRole(Name))
    return R->Kind;
  return std::nullopt;
}

template <typename T, typename KeyFn>
static void addOrReplace(std::vector<T> &Items, T Item, KeyFn Key) {
  for (T &Existing : Items)
    if (Key(Existing) == Key(Item)) {
      Existing = std::move(Item);
      return;
    }
  Items.push_back(std::move(Item));
}

void ApiModel::addChannel(ChannelModel M) {
  addOrReplace(Channels, std::move(M),
               [](const ChannelModel &C) { return C.TypeName; });
}
void ApiModel::addSpawner(SpawnerModel M) {
  addOrReplace(Spawners, std::move(M),
               [](const SpawnerModel &S) { return S.Name; });
}
void ApiModel::addLifecycle(LifecycleModel M) {
  addOrReplace(Lifecycles, std::move(M),
               [](const LifecycleModel &L) { return L.TypeName; });
}
void ApiModel::addWorkGuard(WorkGuardModel M) {
  addOrReplace(WorkGuards, std::move(M), [](const WorkGuardModel &G) { return G.TypeName; });
}
void ApiModel::addFunctionRole(FunctionRole R) {
  addOrReplace(Roles, std::move(R),
               [](const FunctionRole &F) { return F.Name; });
}

void ApiModel::merge(const ApiModel &Other) {
  for (const ChannelModel &C : Other.Channels)
    addChannel(C);
  for (const SpawnerModel &S : Other.Spawners)
    addSpawner(S);
  for (const LifecycleModel &L : Other.Lifecycles)
    addLifecycle(L);
  for (const WorkGuardModel &G : Other.WorkGuards)
    addWorkGuard(G);
  for (const FunctionRole &R : Other.Roles)
    addFunctionRole(R);
}

} // namespace chanleak
