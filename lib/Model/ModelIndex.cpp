//===- ModelIndex.cpp - Map clang AST nodes onto the API model ------------===//

#include "chanleak/Model/ModelIndex.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/OperatorKinds.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace chanleak {

static constexpr llvm::StringLiteral AnnotationPrefix = "chanleak.";

std::string modelName(const NamedDecl *D) {
  llvm::SmallVector<std::string, 4> Parts;
  Parts.push_back(D->getNameAsString());
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS->getNameAsString());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      Parts.push_back(RD->getNameAsString());
    }
  }
  std::string Name;
  for (const std::string &Part : llvm::reverse(Parts)) {
    if (!Name.empty())
      Name += "::";
    Name += Part;
  }
  return Name;
}

static bool isStdWrapperCall(const CallExpr *Call) {
  const FunctionDecl *FD = Call->getDirectCallee();
  if (!FD || Call->getNumArgs() != 1 || !FD->isInStdNamespace())
    return false;
  llvm::StringRef Name = FD->getName();
  return Name == "move" || Name == "ref" || Name == "cref" ||
         Name == "forward" || Name == "addressof";
}

const Expr *executionContextOf(const Expr *Executor) {
  const Expr *E = ignoreWrappers(Executor);
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E);
      Call && Call->getMethodDecl() && Call->getMethodDecl()->getIdentifier() &&
      Call->getMethodDecl()->getName() == "get_executor")
    return ignoreWrappers(Call->getImplicitObjectArgument());
  return E;
}

const Expr *ignoreWrappers(const Expr *E) {
  while (E) {
    const Expr *Prev = E;
    E = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
      E = EWC->getSubExpr();
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MTE->getSubExpr();
    if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
      E = BTE->getSubExpr();
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    // static_cast<T&&>(x), as in coroutine parameter moves.
    if (const auto *Cast = dyn_cast<CXXStaticCastExpr>(E);
        Cast && Cast->getCastKind() == CK_NoOp)
      E = Cast->getSubExpr();
    if (const auto *Call = dyn_cast<CallExpr>(E); Call && isStdWrapperCall(Call))
      E = Call->getArg(0);
    // Copies and moves of the same object keep its identity.
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E);
        CE && CE->getNumArgs() == 1 && CE->getConstructor()->isCopyOrMoveConstructor())
      E = CE->getArg(0);
    if (E == Prev)
      return E;
  }
  return E;
}

/// The annotation strings ("chanleak.op=send") attached to a declaration or
/// to the template pattern it was instantiated from.
static llvm::SmallVector<llvm::StringRef, 2> annotations(const Decl *D) {
  llvm::SmallVector<llvm::StringRef, 2> Result;
  auto Collect = [&](const Decl *From) {
    if (!From)
      return;
    for (const auto *A : From->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation().starts_with(AnnotationPrefix))
        Result.push_back(A->getAnnotation().drop_front(AnnotationPrefix.size()));
  };
  Collect(D);
  if (Result.empty()) {
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      Collect(FD->getTemplateInstantiationPattern());
    else if (const auto *RD = dyn_cast<CXXRecordDecl>(D))
      Collect(RD->getTemplateInstantiationPattern());
  }
  return Result;
}

ModelIndex::ModelIndex(ApiModel M) : Model(std::move(M)) {}

void ModelIndex::startTranslationUnit() const {
  AnnotatedChannels.clear();
  AnnotatedLifecycles.clear();
  AnnotatedSpawners.clear();
  Names.clear();
}

const std::string &ModelIndex::nameOf(const NamedDecl *D) const {
  auto [It, Inserted] = Names.try_emplace(D);
  if (Inserted)
    It->second = modelName(D);
  return It->second;
}

/// The record a value of type T refers to, through references, pointers and
/// smart pointers.
static const CXXRecordDecl *pointeeRecord(QualType T) {
  for (int Depth = 0; Depth < 4 && !T.isNull(); ++Depth) {
    T = T.getNonReferenceType().getCanonicalType();
    if (const auto *PT = T->getAs<PointerType>()) {
      T = PT->getPointeeType();
      continue;
    }
    const auto *RD = T->getAsCXXRecordDecl();
    if (!RD)
      return nullptr;
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
        Spec && RD->isInStdNamespace() &&
        (RD->getName() == "shared_ptr" || RD->getName() == "unique_ptr") &&
        Spec->getTemplateArgs().size() > 0 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
      T = Spec->getTemplateArgs()[0].getAsType();
      continue;
    }
    return RD;
  }
  return nullptr;
}

const ChannelModel *ModelIndex::channelForType(QualType T) const {
  return channelForRecord(pointeeRecord(T));
}

const LifecycleModel *ModelIndex::lifecycleForType(QualType T) const {
  return lifecycleForRecord(pointeeRecord(T));
}

const WorkGuardModel *ModelIndex::workGuardForType(QualType T) const {
  const CXXRecordDecl *RD = pointeeRecord(T);
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD);
      Spec && isOptional(nameOf(Spec)) && Spec->getTemplateArgs().size() > 0 &&
      Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
    RD = pointeeRecord(Spec->getTemplateArgs()[0].getAsType());
  return RD ? Model.findWorkGuard(nameOf(RD)) : nullptr;
}

const Expr *ModelIndex::eventLoopIn(const Stmt *E) const {
  if (!E || isa<LambdaExpr>(E))
    return nullptr;
  // A member's default initializer, run by a constructor.
  if (const auto *Default = dyn_cast<CXXDefaultInitExpr>(E))
    return eventLoopIn(Default->getExpr());
  if (isa<DeclRefExpr, MemberExpr>(E)) {
    const ChannelModel *C = channelForType(cast<Expr>(E)->getType());
    if (C && C->EventLoop)
      return cast<Expr>(E);
  }
  for (const Stmt *Child : E->children())
    if (const Expr *Found = eventLoopIn(Child))
      return Found;
  return nullptr;
}

static bool isStopStateRecord(const CXXRecordDecl *RD) {
  return RD && RD->isInStdNamespace() && RD->getIdentifier() &&
         (RD->getName() == "stop_source" || RD->getName() == "stop_token");
}

bool ModelIndex::isStopState(QualType T) const { return isStopStateRecord(pointeeRecord(T)); }

bool ModelIndex::isErrorCode(QualType T) const {
  const CXXRecordDecl *RD = T.isNull() ? nullptr : T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD)
    return false;
  std::string Name = nameOf(RD);
  return Name == "std::error_code" || Name == "boost::system::error_code";
}

bool ModelIndex::returnsStopState(const CXXMethodDecl *M) const {
  if (!M || !M->getIdentifier() || !isStopState(M->getReturnType()))
    return false;
  const SpawnerModel *Handle = Model.findSpawner(nameOf(M->getParent()));
  return isStopStateRecord(M->getParent()) || (Handle && Handle->IsConstructor);
}

const SpawnerModel *ModelIndex::spawnerForType(QualType T) const {
  if (T.isNull())
    return nullptr;
  const CXXRecordDecl *RD = pointeeRecord(T);
  if (!RD)
    return nullptr;
  const SpawnerModel *S = Model.findSpawner(nameOf(RD));
  return S && S->IsConstructor ? S : nullptr;
}

const ChannelModel *
ModelIndex::channelForRecord(const CXXRecordDecl *RD) const {
  if (!RD)
    return nullptr;
  if (const ChannelModel *M = Model.findChannel(nameOf(RD)))
    return M;
  auto Cached = AnnotatedChannels.find(RD);
  if (Cached != AnnotatedChannels.end())
    return Cached->second.get();

  std::unique_ptr<ChannelModel> M;
  for (llvm::StringRef Note : annotations(RD)) {
    llvm::StringRef Capacity;
    if (Note.consume_front("channel=")) {
      M = std::make_unique<ChannelModel>();
      M->TypeName = modelName(RD);
      M->Family = "user";
      M->RangeIterable = true;
      M->ReceiveStatus = RecvStatus::Bool;
      if (Note == "unbounded") {
        M->Capacity.DefaultKind = CapacityKind::Unbounded;
      } else if (Note.consume_front("capacity-arg:")) {
        unsigned Index = 0;
        if (!Note.getAsInteger(10, Index)) {
          M->Capacity.DefaultKind = CapacityKind::Bounded;
          M->Capacity.Arg = Index;
        }
      }
    }
  }
  if (M)
    for (llvm::StringRef Note : annotations(RD))
      if (Note == "close-strands-senders")
        M->CloseWakesSenders = false;
  const ChannelModel *Result = M.get();
  AnnotatedChannels[RD] = std::move(M);
  return Result;
}

const LifecycleModel *
ModelIndex::lifecycleForRecord(const CXXRecordDecl *RD) const {
  if (!RD)
    return nullptr;
  if (const LifecycleModel *M = Model.findLifecycle(nameOf(RD)))
    return M;
  auto Cached = AnnotatedLifecycles.find(RD);
  if (Cached != AnnotatedLifecycles.end())
    return Cached->second.get();
  std::unique_ptr<LifecycleModel> M;
  auto Notes = annotations(RD);
  if (llvm::is_contained(Notes, "must-stop")) {
    M = std::make_unique<LifecycleModel>();
    M->TypeName = modelName(RD);
    M->DestructorStops = llvm::is_contained(Notes, "stops-on-destroy");
  }
  const LifecycleModel *Result = M.get();
  AnnotatedLifecycles[RD] = std::move(M);
  return Result;
}

std::optional<OpKind>
ModelIndex::annotatedOp(const FunctionDecl *FD) const {
  for (llvm::StringRef Note : annotations(FD))
    if (Note.consume_front("op="))
      return parseOpKind(Note);
  return std::nullopt;
}

static std::string methodName(const FunctionDecl *FD) {
  if (FD->isOverloadedOperator())
    return (llvm::Twine("operator") +
            getOperatorSpelling(FD->getOverloadedOperator()))
        .str();
  return FD->getNameAsString();
}

std::optional<ModelOp> ModelIndex::classifyCall(const Expr *E) const {
  const auto *Call = dyn_cast_or_null<CallExpr>(E);
  if (!Call)
    return std::nullopt;
  const FunctionDecl *FD = Call->getDirectCallee();
  if (!FD)
    return std::nullopt;

  ModelOp Op;
  Op.Call = Call;
  // The object the op acts on: the implicit object of a member call, or for
  // operators the first argument that is a channel (msd's `ch << v`).
  const Expr *Object = nullptr;
  unsigned ObjectArgIndex = 0;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    // Methods inherited from a base (Asio's channel_send_functions) see the
    // object through a derived-to-base cast.
    Object = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
  } else if (isa<CXXOperatorCallExpr>(Call) || FD->isOverloadedOperator()) {
    for (unsigned I = 0; I < Call->getNumArgs(); ++I)
      if (channelForType(Call->getArg(I)->getType())) {
        Object = Call->getArg(I);
        ObjectArgIndex = I;
        break;
      }
  }

  if (Object) {
    if (const ChannelModel *Channel = channelForType(Object->getType())) {
      std::optional<OpKind> Kind = Channel->opFor(methodName(FD));
      if (!Kind)
        Kind = annotatedOp(FD);
      if (Kind) {
        // msd before 0.8 reversed the stream operators: `v >> ch` sends.
        if (FD->isOverloadedOperator() && ObjectArgIndex == 1 &&
            (*Kind == OpKind::Send || *Kind == OpKind::Recv))
          Kind = *Kind == OpKind::Send ? OpKind::Recv : OpKind::Send;
        // A wait handed a stop_token also ends when stop is requested.
        if (*Kind == OpKind::Recv)
          for (const Expr *Arg : Call->arguments())
            if (isStopState(Arg->getType()))
              Op.StopToken = Arg;
        Op.Kind = *Kind;
        Op.Object = Object;
        Op.Channel = Channel;
        return Op;
      }
    }
    if (const LifecycleModel *Life = lifecycleForType(Object->getType())) {
      std::string Name = methodName(FD);
      std::optional<OpKind> Kind = annotatedOp(FD);
      if (llvm::is_contained(Life->StartMethods, Name))
        Kind = OpKind::Start;
      else if (llvm::is_contained(Life->StopMethods, Name))
        Kind = OpKind::Stop;
      if (Kind && (*Kind == OpKind::Start || *Kind == OpKind::Stop)) {
        Op.Kind = *Kind;
        Op.Object = Object;
        return Op;
      }
    }
  }

  std::optional<OpKind> Role;
  if (const FunctionRole *R = Model.functionRole(nameOf(FD))) {
    Role = R->Kind;
    if (R->HandlerArg && *R->HandlerArg < Call->getNumArgs() &&
        !isa<CXXDefaultArgExpr>(Call->getArg(*R->HandlerArg)))
      Op.Handler = Call->getArg(*R->HandlerArg);
  } else {
    Role = annotatedOp(FD);
  }
  if (!Role)
    return std::nullopt;
  Op.Kind = *Role;
  Op.Object = Object;
  return Op;
}

/// The element type of a standard container (its first template argument).
static QualType containerElementType(QualType Container) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Container.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || !Spec->isInStdNamespace() || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return QualType();
  return Spec->getTemplateArgs()[0].getAsType();
}

/// Launch policies, allocator tags and similar leading arguments are not the
/// callable.
static bool isPolicyOrTag(const Expr *Arg) {
  QualType T = Arg->getType().getNonReferenceType();
  if (T->isEnumeralType())
    return true;
  if (const auto *RD = T->getAsCXXRecordDecl())
    return RD->getName().ends_with("_t") || RD->getName().ends_with("_tag");
  return false;
}

/// Whether a std::async-style launch policy argument may start a thread.
static bool policyMayStartThread(const Expr *Policy,
                                 llvm::StringRef RequiredEnumerator) {
  bool SawEnumerator = false, SawRequired = false;
  llvm::SmallVector<const Stmt *, 4> Work{Policy};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *ECD = dyn_cast<EnumConstantDecl>(DRE->getDecl())) {
        SawEnumerator = true;
        SawRequired |= ECD->getName() == RequiredEnumerator;
      }
    for (const Stmt *Child : S->children())
      if (Child)
        Work.push_back(Child);
  }
  // A policy computed at run time may start a thread.
  return !SawEnumerator || SawRequired;
}

std::optional<ModelSpawn> ModelIndex::classifySpawn(const Expr *E) const {
  if (!E)
    return std::nullopt;
  const SpawnerModel *Spawner = nullptr;
  llvm::ArrayRef<const Expr *> Args;
  llvm::SmallVector<const Expr *, 6> ArgStorage;
  const FunctionDecl *Callee = nullptr;

  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    const CXXConstructorDecl *Ctor = Construct->getConstructor();
    if (Ctor->isCopyOrMoveConstructor())
      return std::nullopt;
    Spawner = Model.findSpawner(nameOf(Ctor->getParent()));
    if (Spawner && !Spawner->IsConstructor)
      Spawner = nullptr;
    Callee = Ctor;
    for (const Expr *Arg : Construct->arguments())
      ArgStorage.push_back(Arg);
  } else if (const auto *Call = dyn_cast<CallExpr>(E)) {
    Callee = Call->getDirectCallee();
    if (!Callee)
      return std::nullopt;
    Spawner = Model.findSpawner(nameOf(Callee));
    if (Spawner && Spawner->IsConstructor)
      Spawner = nullptr;
    // `threads.emplace_back(f, args...)` constructs a std::thread in place.
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call);
        !Spawner && Member && Callee->getName().starts_with("emplace"))
      Spawner = spawnerForType(containerElementType(
          Member->getImplicitObjectArgument()->getType()));
    for (const Expr *Arg : Call->arguments())
      ArgStorage.push_back(Arg);
  } else {
    return std::nullopt;
  }
  Args = ArgStorage;

  if (!Spawner && Callee) {
    auto Cached = AnnotatedSpawners.find(Callee);
    if (Cached == AnnotatedSpawners.end()) {
      std::unique_ptr<SpawnerModel> S;
      for (llvm::StringRef Note : annotations(Callee)) {
        unsigned Index = 0;
        if (Note.consume_front("spawn=") && !Note.getAsInteger(10, Index)) {
          S = std::make_unique<SpawnerModel>();
          S->Name = modelName(Callee);
          S->Family = "user";
          S->IsConstructor = isa<CXXConstructorDecl>(Callee);
          S->CallableArg = Index;
          S->FirstForwardedArg = Index + 1;
        }
      }
      Cached = AnnotatedSpawners.try_emplace(Callee, std::move(S)).first;
    }
    Spawner = Cached->second.get();
  }
  if (!Spawner)
    return std::nullopt;

  unsigned CallableIndex = Spawner->CallableArg;
  if (!Spawner->RequiredPolicy.empty()) {
    if (Args.empty())
      return std::nullopt;
    if (isPolicyOrTag(Args[0])) {
      if (!policyMayStartThread(Args[0], Spawner->RequiredPolicy))
        return std::nullopt;
    } else {
      CallableIndex = 0; // the policy was omitted
    }
  } else {
    while (CallableIndex < Args.size() && isPolicyOrTag(Args[CallableIndex]))
      ++CallableIndex;
  }
  if (CallableIndex >= Args.size())
    return std::nullopt;

  ModelSpawn Spawn;
  Spawn.Spawner = Spawner;
  Spawn.Site = E;
  Spawn.Callable = Args[CallableIndex];
  if (Spawner->FirstForwardedArg) {
    unsigned Shift = CallableIndex - Spawner->CallableArg;
    for (unsigned I = *Spawner->FirstForwardedArg + Shift; I < Args.size(); ++I)
      if (!isa<CXXDefaultArgExpr>(Args[I]))
        Spawn.ForwardedArgs.push_back(Args[I]);
  }
  return Spawn;
}

std::optional<unsigned long long>
ModelIndex::libraryVersion(const VersionBound &Bound, const CXXRecordDecl *RD) const {
  auto Parse = [](llvm::StringRef Digits) -> std::optional<unsigned long long> {
    unsigned long long Version = 0;
    if (Digits.getAsInteger(10, Version))
      return std::nullopt;
    return Version;
  };
  if (PP)
    if (const clang::IdentifierInfo *Name = PP->getIdentifierInfo(Bound.Macro))
      if (const clang::MacroInfo *Macro = PP->getMacroInfo(Name);
          Macro && Macro->getNumTokens() == 1 &&
          Macro->getReplacementToken(0).is(clang::tok::numeric_constant))
        return Parse(PP->getSpelling(Macro->getReplacementToken(0)));

  const SourceManager &SM = RD->getASTContext().getSourceManager();
  llvm::StringRef DeclFile = SM.getFilename(SM.getSpellingLoc(RD->getLocation()));
  for (llvm::StringRef Dir = llvm::sys::path::parent_path(DeclFile); !Dir.empty();
       Dir = llvm::sys::path::parent_path(Dir)) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, Bound.Header);
    auto [It, Inserted] = HeaderVersions.try_emplace(Candidate);
    if (Inserted) {
      auto Buffer = llvm::MemoryBuffer::getFile(Candidate);
      if (!Buffer)
        continue;
      // #define ASIO_VERSION 102201 // 1.22.1
      llvm::Regex Define("^[ \t]*#[ \t]*define[ \t]+" + llvm::Regex::escape(Bound.Macro) +
                         "[ \t]+([0-9]+)");
      llvm::SmallVector<llvm::StringRef, 2> Match;
      llvm::SmallVector<llvm::StringRef, 64> Lines;
      (*Buffer)->getBuffer().split(Lines, '\n');
      for (llvm::StringRef Line : Lines)
        if (Define.match(Line, &Match)) {
          It->second = Parse(Match[1]);
          break;
        }
    } else if (!It->second) {
      continue;
    }
    return It->second;
  }
  return std::nullopt;
}

bool ModelIndex::cancelledReceiveDisablesBuffer(QualType T) const {
  const CXXRecordDecl *RD = pointeeRecord(T);
  const ChannelModel *Channel = channelForRecord(RD);
  if (!Channel || !Channel->CancelledReceiveDisablesBuffer)
    return false;
  std::optional<unsigned long long> Version =
      libraryVersion(*Channel->CancelledReceiveDisablesBuffer, RD);
  return Version && *Version < Channel->CancelledReceiveDisablesBuffer->FixedIn;
}

ChannelCapacity ModelIndex::capacityOf(
    const ChannelModel &Channel, const Expr *Init, const ASTContext &Ctx,
    llvm::function_ref<std::optional<long long>(const Expr *)> ValueOf) const {
  const CapacityRule &Rule = Channel.Capacity;
  llvm::SmallVector<const Expr *, 4> CtorArgs;
  bool Constructed = false;
  if (Init) {
    const Expr *E = ignoreWrappers(Init);
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      Constructed = true;
      for (const Expr *Arg : Construct->arguments())
        CtorArgs.push_back(Arg);
    } else if (const auto *Call = dyn_cast<CallExpr>(E)) {
      // std::make_shared<Chan>(args...) / std::make_unique<Chan>(args...)
      if (const FunctionDecl *FD = Call->getDirectCallee();
          FD && FD->isInStdNamespace() &&
          (FD->getName() == "make_shared" || FD->getName() == "make_unique")) {
        Constructed = true;
        for (const Expr *Arg : Call->arguments())
          CtorArgs.push_back(Arg);
      }
    } else if (const auto *List = dyn_cast<InitListExpr>(E)) {
      Constructed = true;
      for (const Expr *Arg : List->inits())
        CtorArgs.push_back(Arg);
    } else if (isa<CXXNewExpr>(E)) {
      if (const auto *Construct =
              cast<CXXNewExpr>(E)->getConstructExpr()) {
        Constructed = true;
        for (const Expr *Arg : Construct->arguments())
          CtorArgs.push_back(Arg);
      }
    }
  }
  if (!Constructed && Init)
    return ChannelCapacity::unknown(); // a copy of a channel made elsewhere

  std::optional<long long> ArgValue;
  if (Rule.Arg) {
    if (*Rule.Arg < CtorArgs.size()) {
      Expr::EvalResult Result;
      const Expr *Arg = CtorArgs[*Rule.Arg];
      if (!Arg->isValueDependent() && Arg->EvaluateAsInt(Result, Ctx))
        ArgValue = Result.Val.getInt().getExtValue();
      else if (ValueOf)
        ArgValue = ValueOf(Arg);
      if (!ArgValue)
        return ChannelCapacity::unknown();
    }
  }
  // A counter's initial count is its argument, when its rule has one: then
  // there is no default. An event loop's count starts at zero.
  if (Channel.Counts != CountKind::None && Rule.Arg && !ArgValue)
    return ChannelCapacity::unknown();
  std::optional<unsigned long long> Fits = Rule.effectiveCapacity(ArgValue);
  if (!Fits)
    return ChannelCapacity::unbounded();
  return ChannelCapacity::known(*Fits);
}

} // namespace chanleak
