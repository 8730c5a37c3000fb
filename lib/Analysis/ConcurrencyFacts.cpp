//===- ConcurrencyFacts.cpp - What a function does with threads -----------===//

#include "chanleak/Analysis/ConcurrencyFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "chanleak/Analysis/MainFileVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>

using namespace clang;

namespace chanleak {

namespace {

/// Parameters of a body bound to the channels passed in by its caller.
using Bindings = llvm::DenseMap<const ValueDecl *, ChannelId>;

/// How deep helper calls and nested spawns are followed.
constexpr unsigned MaxDepth = 4;

bool isLoop(const Stmt *S) {
  return isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S) ||
         isa<CXXForRangeStmt>(S);
}

const Expr *loopCondition(const Stmt *Loop) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return For->getCond();
  if (const auto *While = dyn_cast<WhileStmt>(Loop))
    return While->getCond();
  if (const auto *Do = dyn_cast<DoStmt>(Loop))
    return Do->getCond();
  return nullptr;
}

bool contains(const Stmt *Outer, const Stmt *Inner) {
  if (!Outer)
    return false;
  if (Outer == Inner)
    return true;
  for (const Stmt *Child : Outer->children())
    if (contains(Child, Inner))
      return true;
  return false;
}

/// A loop that only ends through a break, a return or an exception.
bool isEndless(const Stmt *Loop, ASTContext &Ctx) {
  if (isa<CXXForRangeStmt>(Loop))
    return false;
  const Expr *Cond = loopCondition(Loop);
  if (!Cond)
    return true;
  bool Value = false;
  return !Cond->isValueDependent() && Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value;
}

std::optional<unsigned long long> constantTripCount(const Stmt *Loop,
                                                    ASTContext &Ctx) {
  auto Eval = [&](const Expr *E) -> std::optional<long long> {
    Expr::EvalResult R;
    if (E && !E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
      return R.Val.getInt().getExtValue();
    return std::nullopt;
  };
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    const auto *Init = dyn_cast_or_null<DeclStmt>(For->getInit());
    const auto *Cond = dyn_cast_or_null<BinaryOperator>(
        For->getCond() ? For->getCond()->IgnoreParenImpCasts() : nullptr);
    if (!Init || !Init->isSingleDecl() || !Cond)
      return std::nullopt;
    const auto *Var = dyn_cast<VarDecl>(Init->getSingleDecl());
    if (!Var)
      return std::nullopt;
    std::optional<long long> From = Eval(Var->getInit());
    std::optional<long long> To = Eval(Cond->getRHS());
    if (!From || !To)
      return std::nullopt;
    long long N = *To - *From;
    if (Cond->getOpcode() == BO_LE)
      ++N;
    else if (Cond->getOpcode() != BO_LT && Cond->getOpcode() != BO_NE)
      return std::nullopt;
    return N < 0 ? 0 : static_cast<unsigned long long>(N);
  }
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    QualType T = Range->getRangeInit()->getType();
    if (const auto *Array = Ctx.getAsConstantArrayType(T))
      return Array->getSize().getZExtValue();
    if (const auto *List = dyn_cast<InitListExpr>(
            Range->getRangeInit()->IgnoreImplicit()))
      return List->getNumInits();
    if (const auto *Std = dyn_cast<CXXStdInitializerListExpr>(
            Range->getRangeInit()->IgnoreImplicit()))
      if (const auto *List = dyn_cast<InitListExpr>(
              Std->getSubExpr()->IgnoreImplicit()))
        return List->getNumInits();
  }
  return std::nullopt;
}

bool isSmartPointer(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  return RD && RD->isInStdNamespace() &&
         (RD->getName() == "shared_ptr" || RD->getName() == "unique_ptr");
}

/// Whether a declaration owns a channel (as opposed to referring to one).
bool ownsChannel(const ValueDecl *D) {
  QualType T = D->getType();
  if (T->isReferenceType() || T->isPointerType() || isa<ParmVarDecl>(D))
    return false;
  return true;
}

/// Whether D belongs to the standard library, members of std classes too.
bool isStandardLibrary(const Decl *D) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (DC->isStdNamespace())
      return true;
  return false;
}

bool isInSystemHeader(const Decl *D, const SourceManager &SM) {
  return SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation()));
}

} // namespace

class FactsBuilder {
public:
  FactsBuilder(ConcurrencyFacts &F) : F(F), Index(F.Index), Ctx(F.Ctx) {}

  void build(const FunctionDecl &Root) {
    const Stmt *Body = Root.getBody();
    F.Threads.push_back({&Root, Body, nullptr, nullptr});
    Thread &T = F.Threads.back();
    Visited.insert(&Root);
    // Member initializers run first: `std::jthread worker_{[this] {...}};`
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(&Root))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (const Expr *E = Init->getInit()) {
          // An implicit constructor uses the default member initializer.
          if (const auto *Default = dyn_cast<CXXDefaultInitExpr>(E))
            E = Default->getExpr();
          ParentMaps.try_emplace(E, std::make_unique<ParentMap>(const_cast<Expr *>(E)));
          walk(E, Frame{&T, &NoBindings, nullptr, 0, E, &Root});
        }
    // The analysed function's channel parameters belong to its callers.
    for (const ParmVarDecl *P : Root.parameters())
      if (Index.channelForType(P->getType()))
        markEscape(P, nullptr);
    walkThread(T, Body, NoBindings, 0);
    // A lambda that captures a channel but is never spawned runs at a time
    // we cannot see.
    for (const LambdaExpr *Lambda : UnspawnedLambdas)
      if (!SpawnedLambdas.count(Lambda))
        for (const LambdaCapture &C : Lambda->captures())
          if (C.capturesVariable())
            if (ChannelId Id = resolveDecl(C.getCapturedVar(), NoBindings))
              markEscape(Id, Lambda);
    // A member the class keeps to itself is private to the code we saw when
    // every method that touches it was analysed here.
    for (Channel &C : F.Channels)
      if (const auto *Field = dyn_cast<FieldDecl>(C.Id); Field && !C.EscapeSite)
        if (auto Use = fieldUse(Field, Index))
          C.Escapes = !llvm::all_of(Use->Users, [&](const FunctionDecl *User) {
            return Visited.count(User) != 0;
          });
    // Likewise a global no other translation unit can name.
    for (Channel &C : F.Channels)
      if (const auto *Global = dyn_cast<VarDecl>(C.Id);
          Global && !C.EscapeSite && Global->hasGlobalStorage() && !Global->isLocalVarDecl())
        if (auto Users = globalUsers(Global, Ctx))
          C.Escapes = !llvm::all_of(*Users, [&](const FunctionDecl *User) {
            return Visited.count(User) != 0;
          });
  }

private:
  struct Frame {
    const Thread *In;
    const Bindings *Bound;
    const Stmt *Anchor; // the helper call in In's body, when inside a helper
    unsigned Depth;
    const Stmt *Body; // the body being walked (In's or a helper's)
    const FunctionDecl *Function; // the function Body belongs to
  };

  void walkThread(const Thread &T, const Stmt *Body, const Bindings &Bound,
                  unsigned Depth) {
    if (!Body)
      return;
    Frame Fr{&T, &Bound, nullptr, Depth, Body, T.Function};
    ParentMaps.try_emplace(Body, std::make_unique<ParentMap>(const_cast<Stmt *>(Body)));
    walk(Body, Fr);
  }

  void walk(const Stmt *S, const Frame &Fr) {
    if (!S)
      return;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      if (!ConsumedCallables.count(Lambda))
        UnspawnedLambdas.push_back(Lambda);
      for (const Expr *Init : Lambda->capture_inits())
        walk(Init, Fr);
      return;
    }
    // co_await repeats its operand in the await_* calls: walk it once.
    if (const auto *Await = dyn_cast<CoroutineSuspendExpr>(S)) {
      walk(Await->getOperand(), Fr);
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          if (Index.channelForType(VD->getType()))
            resolveDecl(VD, *Fr.Bound);
    if (const auto *Range = dyn_cast<CXXForRangeStmt>(S))
      if (ChannelId Id = resolve(Range->getRangeInit(), *Fr.Bound)) {
        Op O{OpKind::Recv, Range->getRangeInit(), Id, nullptr, Fr.In,
             anchor(Range, Fr), /*LoopsUntilClosed=*/true, nullptr};
        O.Function = Fr.Function;
        O.Loop = loopAround(O.Anchor, *Fr.In);
        if (!Fr.Anchor)
          O.Loop = Range;
        F.Ops.push_back(O);
        walk(Range->getBody(), Fr);
        return;
      }
    if (const auto *Ret = dyn_cast<ReturnStmt>(S))
      if (const Expr *Value = Ret->getRetValue())
        if (ChannelId Id = resolve(Value, *Fr.Bound))
          markEscape(Id, Ret);
    if (const auto *Assign = dyn_cast<BinaryOperator>(S);
        Assign && Assign->isAssignmentOp())
      if (ChannelId Id = resolve(Assign->getRHS(), *Fr.Bound))
        if (!isLocal(Assign->getLHS()))
          markEscape(Id, Assign);
    // `member = ch_ptr;` on a class type (shared_ptr::operator=) stores it too.
    if (const auto *Assign = dyn_cast<CXXOperatorCallExpr>(S);
        Assign && Assign->getOperator() == OO_Equal && Assign->getNumArgs() == 2)
      if (ChannelId Id = resolve(Assign->getArg(1), *Fr.Bound))
        if (!isLocal(Assign->getArg(0)))
          markEscape(Id, Assign);

    if (const auto *E = dyn_cast<Expr>(S)) {
      if (std::optional<ModelSpawn> Spawn = Index.classifySpawn(E)) {
        recordSpawn(*Spawn, Fr);
        return;
      }
      if (const auto *Call = dyn_cast<CallExpr>(E)) {
        if (std::optional<ModelOp> ModelOp = Index.classifyCall(Call))
          recordOp(*ModelOp, Fr);
        else
          followCall(Call, Fr);
      }
    }
    for (const Stmt *Child : S->children())
      walk(Child, Fr);
  }

  const Stmt *anchor(const Stmt *S, const Frame &Fr) const {
    return Fr.Anchor ? Fr.Anchor : S;
  }

  const Stmt *loopAround(const Stmt *S, const Thread &T) {
    return enclosingLoopIn(S, T.Body);
  }

  const Stmt *enclosingLoopIn(const Stmt *S, const Stmt *Body) {
    auto It = ParentMaps.find(Body);
    if (It == ParentMaps.end())
      It = ParentMaps.try_emplace(Body, std::make_unique<ParentMap>(const_cast<Stmt *>(Body))).first;
    const ParentMap &PM = *It->second;
    for (const Stmt *Cur = PM.getParent(S); Cur; Cur = PM.getParent(Cur)) {
      if (isa<LambdaExpr>(Cur))
        return nullptr;
      if (isLoop(Cur))
        return Cur;
    }
    return nullptr;
  }

  void recordOp(const ModelOp &M, const Frame &Fr) {
    Op O;
    O.Kind = M.Kind;
    O.Call = M.Call;
    O.In = Fr.In;
    O.Anchor = anchor(M.Call, Fr);
    O.Function = Fr.Function;
    O.Loop = loopAround(O.Anchor, *Fr.In);
    O.Repeats = O.Loop || enclosingLoopIn(M.Call, Fr.Body);
    // `co_await (ch.async_receive(...) || timer.async_wait(...))`: the
    // receive races a timer and may lose.
    if (O.Kind == OpKind::Recv && racesAnotherOp(M.Call, Fr.Body))
      O.Kind = OpKind::TimedRecv;
    if (M.Object) {
      O.Channel = M.Channel ? resolve(M.Object, *Fr.Bound) : nullptr;
      if (!O.Channel)
        O.Object = declOf(M.Object);
    }
    if (O.Channel && opIsRecv(O.Kind) && M.Channel->endsReceiveLoops()) {
      // Receive loops: the receive is the loop's condition, or the loop has
      // no other way out than the receive failing.
      const Stmt *Loop = enclosingLoopIn(M.Call, Fr.Body);
      if (Loop && (contains(loopCondition(Loop), M.Call) || isEndless(Loop, Ctx)))
        O.LoopsUntilClosed = true;
    }
    F.Ops.push_back(O);
  }

  bool racesAnotherOp(const Stmt *Call, const Stmt *Body) {
    auto It = ParentMaps.find(Body);
    if (It == ParentMaps.end())
      return false;
    for (const Stmt *Cur = It->second->getParent(Call); Cur && isa<Expr>(Cur);
         Cur = It->second->getParent(Cur))
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Cur);
          Op && (Op->getOperator() == OO_PipePipe || Op->getOperator() == OO_AmpAmp))
        return Op->getOperator() == OO_PipePipe;
    return false;
  }

  /// Whether a class holds a channel member: its methods are where that
  /// channel is sent on, received from, closed and looped over
  /// (worker.Start(), worker->Stop()).
  bool ownsChannelMember(const CXXRecordDecl *RD) {
    if (!RD || !RD->hasDefinition())
      return false;
    auto [It, Inserted] = ChannelOwners.try_emplace(RD, false);
    if (Inserted)
      It->second = llvm::any_of(RD->fields(), [&](const FieldDecl *Field) {
        return Index.channelForType(Field->getType()) != nullptr;
      });
    return It->second;
  }

  /// Follows a call into a helper of this translation unit when it is handed
  /// a channel, is a method of the same object or of an object that holds a
  /// channel; a channel handed to a function we cannot see escapes.
  void followCall(const CallExpr *Call, const Frame &Fr) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    Bindings Bound;
    llvm::SmallVector<ChannelId, 4> Passed;
    unsigned ParamOffset = isa<CXXOperatorCallExpr>(Call) &&
                                   isa_and_nonnull<CXXMethodDecl>(Callee)
                               ? 1
                               : 0;
    for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
      ChannelId Id = resolve(Call->getArg(I), *Fr.Bound);
      if (!Id)
        continue;
      Passed.push_back(Id);
      if (Callee && I >= ParamOffset && I - ParamOffset < Callee->getNumParams())
        Bound[Callee->getParamDecl(I - ParamOffset)] = Id;
    }
    bool OnThisObject = false, OnChannelOwner = false;
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call)) {
      const Expr *Object = Member->getImplicitObjectArgument()->IgnoreParenImpCasts();
      OnThisObject = isa<CXXThisExpr>(Object);
      OnChannelOwner = ownsChannelMember(Member->getRecordDecl());
    }
    if (Passed.empty() && !OnThisObject && !OnChannelOwner)
      return;

    const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
    const Stmt *Body = Def ? Def->getBody() : nullptr;
    if (!Body || isInSystemHeader(Def, Ctx.getSourceManager())) {
      // The standard library only moves or stores what it is given (std::ref,
      // std::make_shared, container inserts): not an unknown user.
      if (!Callee || !isStandardLibrary(Callee))
        for (ChannelId Id : Passed)
          markEscape(Id, Call);
      return;
    }
    if (Fr.Depth >= MaxDepth || llvm::is_contained(HelperStack, Def))
      return;
    HelperStack.push_back(Def);
    Visited.insert(Def);
    Bindings Merged = *Fr.Bound;
    for (auto &[Param, Id] : Bound)
      Merged[Param] = Id;
    Frame Inner{Fr.In, &Merged, anchor(Call, Fr), Fr.Depth + 1, Body, Def};
    ParentMaps.try_emplace(Body, std::make_unique<ParentMap>(const_cast<Stmt *>(Body)));
    walk(Body, Inner);
    HelperStack.pop_back();
  }

  /// The function a spawn runs and the parameters the spawn binds.
  struct Callable {
    const FunctionDecl *Function = nullptr;
    const LambdaExpr *Lambda = nullptr;
    /// Arguments bound to the function's parameters, first parameter first.
    llvm::SmallVector<const Expr *, 4> Args;
  };

  std::optional<Callable> resolveCallable(const Expr *E,
                                          llvm::ArrayRef<const Expr *> Forwarded,
                                          unsigned Depth = 0) {
    if (!E || Depth > 3)
      return std::nullopt;
    E = ignoreWrappers(E);
    Callable C;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(E)) {
      C.Lambda = Lambda;
      C.Function = Lambda->getCallOperator();
      C.Args.assign(Forwarded.begin(), Forwarded.end());
      return C;
    }
    if (const auto *Unary = dyn_cast<UnaryOperator>(E);
        Unary && Unary->getOpcode() == UO_AddrOf)
      E = Unary->getSubExpr()->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(Ref->getDecl())) {
        C.Function = FD;
        // &Class::Method takes the object as the first forwarded argument.
        llvm::ArrayRef<const Expr *> Args = Forwarded;
        if (isa<CXXMethodDecl>(FD) && !cast<CXXMethodDecl>(FD)->isStatic() &&
            !Args.empty())
          Args = Args.drop_front();
        C.Args.assign(Args.begin(), Args.end());
        return C;
      }
      if (const auto *VD = dyn_cast<VarDecl>(Ref->getDecl()))
        if (VD->hasLocalStorage() && VD->getInit())
          return resolveCallable(VD->getInit(), Forwarded, Depth + 1);
      return std::nullopt;
    }
    // co_spawn(executor, worker(ch), token): the coroutine call is the body.
    if (const auto *Call = dyn_cast<CallExpr>(E))
      if (const FunctionDecl *FD = Call->getDirectCallee();
          FD && !isStandardLibrary(FD)) {
        C.Function = FD;
        for (const Expr *Arg : Call->arguments())
          C.Args.push_back(Arg);
        return C;
      }
    return std::nullopt;
  }

  void recordSpawn(const ModelSpawn &Site, const Frame &Fr) {
    F.Spawns.push_back({});
    Spawn &S = F.Spawns.back();
    S.Site = Site;
    S.Parent = Fr.In;
    S.Anchor = anchor(Site.Site, Fr);
    S.Loop = loopAround(S.Anchor, *Fr.In);
    // A helper that spawns in a loop, called once.
    if (!S.Loop && Fr.Anchor)
      S.Loop = enclosingLoopIn(Site.Site, Fr.Body);
    if (S.Loop)
      S.TripCount = constantTripCount(S.Loop, Ctx);
    S.Handle = handleOf(Site.Site, Fr.Body);

    // Arguments are evaluated in the parent.
    for (const Expr *Arg : Site.ForwardedArgs)
      walkArgument(Arg, Fr);

    std::optional<Callable> C = resolveCallable(Site.Callable, Site.ForwardedArgs);
    if (!C) {
      walkArgument(Site.Callable, Fr);
      return;
    }
    if (C->Lambda)
      SpawnedLambdas.insert(C->Lambda);
    const FunctionDecl *Def = C->Function->getDefinition();
    const Stmt *Body = Def ? Def->getBody() : nullptr;
    if (!Body || Fr.Depth >= MaxDepth)
      return;

    Bindings Bound = *Fr.Bound;
    unsigned ParamIndex = 0;
    if (Site.Spawner->PassesStopToken && Def->getNumParams() > 0) {
      const ParmVarDecl *First = Def->getParamDecl(0);
      if (const auto *RD = First->getType().getNonReferenceType()->getAsCXXRecordDecl();
          RD && RD->getName() == "stop_token") {
        ParamIndex = 1;
        S.ReadsStopToken = First->isReferenced();
      }
    }
    for (const Expr *Arg : C->Args) {
      if (ParamIndex >= Def->getNumParams())
        break;
      if (ChannelId Id = resolve(Arg, *Fr.Bound))
        Bound[Def->getParamDecl(ParamIndex)] = Id;
      ++ParamIndex;
    }
    F.Threads.push_back({Def, Body, &S, Fr.In});
    Visited.insert(Def);
    S.Child = &F.Threads.back();
    walkThread(*S.Child, Body, Bound, Fr.Depth + 1);
  }

  void walkArgument(const Expr *Arg, const Frame &Fr) {
    // A lambda passed straight to a spawner is its body, not an escape.
    if (const auto *Lambda = dyn_cast<LambdaExpr>(ignoreWrappers(Arg))) {
      ConsumedCallables.insert(Lambda);
      SpawnedLambdas.insert(Lambda);
    }
    walk(Arg, Fr);
  }

  /// The variable that holds a spawn's handle: `std::thread t(...)`,
  /// `auto f = std::async(...)`.
  const VarDecl *handleOf(const Expr *Site, const Stmt *Body) {
    auto It = ParentMaps.find(Body);
    if (It == ParentMaps.end())
      return nullptr;
    const ParentMap &PM = *It->second;
    const Stmt *Cur = Site;
    while (const Stmt *Parent = PM.getParent(Cur)) {
      if (const auto *DS = dyn_cast<DeclStmt>(Parent)) {
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D))
            if (VD->getInit() && contains(VD->getInit(), Site))
              return VD;
        return nullptr;
      }
      if (!isa<Expr>(Parent))
        return nullptr;
      Cur = Parent;
    }
    return nullptr;
  }

  const ValueDecl *declOf(const Expr *E) {
    E = ignoreWrappers(E)->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl();
    if (const auto *Member = dyn_cast<MemberExpr>(E))
      return Member->getMemberDecl();
    return nullptr;
  }

  bool isLocal(const Expr *E) {
    const ValueDecl *D = declOf(E);
    const auto *VD = dyn_cast_or_null<VarDecl>(D);
    return VD && VD->hasLocalStorage();
  }

public:
  /// The channel an expression denotes, through aliases and wrappers.
  ChannelId resolve(const Expr *E, const Bindings &Bound, unsigned Depth = 0) {
    if (!E || Depth > 8)
      return nullptr;
    E = ignoreWrappers(E);
    if (const auto *Unary = dyn_cast<UnaryOperator>(E);
        Unary && (Unary->getOpcode() == UO_Deref || Unary->getOpcode() == UO_AddrOf))
      return resolve(Unary->getSubExpr(), Bound, Depth + 1);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
        Op && Op->getNumArgs() == 1 &&
        (Op->getOperator() == OO_Star || Op->getOperator() == OO_Arrow))
      return resolve(Op->getArg(0), Bound, Depth + 1);
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E)) {
      // p.get() on a smart pointer; promise.get_future() names the promise.
      if (isSmartPointer(Member->getImplicitObjectArgument()->getType()) ||
          Index.channelForType(Member->getType()))
        return resolve(Member->getImplicitObjectArgument(), Bound, Depth + 1);
      return nullptr;
    }
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return resolveDecl(Ref->getDecl(), Bound, Depth + 1);
    if (const auto *Member = dyn_cast<MemberExpr>(E)) {
      if (const auto *Field = dyn_cast<FieldDecl>(Member->getMemberDecl()))
        return resolveDecl(Field, Bound, Depth + 1);
      return nullptr;
    }
    return nullptr;
  }

  ChannelId resolveDecl(const ValueDecl *D, const Bindings &Bound,
                        unsigned Depth = 0) {
    if (!D || !Index.channelForType(D->getType()))
      return nullptr;
    if (auto It = Bound.find(D); It != Bound.end())
      return It->second;
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      if (!ownsChannel(VD) || isSmartPointer(VD->getType()) || VD->isInitCapture()) {
        // An alias (reference, pointer, shared_ptr copy, init-capture) names
        // the channel its initializer names.
        if (const Expr *Init = VD->getInit())
          if (ChannelId Target = resolve(Init, Bound, Depth + 1))
            return Target;
      }
    }
    ensureChannel(D);
    return D;
  }

private:
  void ensureChannel(const ValueDecl *D) {
    if (F.channel(D))
      return;
    Channel C;
    C.Id = D;
    C.Model = Index.channelForType(D->getType());
    const Expr *Init = nullptr;
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      Init = VD->getInit();
      if (!VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
        C.Escapes = true;
    } else if (const auto *Field = dyn_cast<FieldDecl>(D)) {
      Init = Field->getInClassInitializer();
      C.Escapes = true; // other members may use it
    }
    C.Capacity = ownsChannel(D) || isSmartPointer(D->getType())
                     ? Index.capacityOf(*C.Model, Init, Ctx)
                     : ChannelCapacity::unknown();
    C.CancelledReceiveDisablesBuffer = Index.cancelledReceiveDisablesBuffer(D->getType());
    F.Channels.push_back(C);
  }

  void markEscape(ChannelId Id, const Stmt *Where) {
    ensureChannel(Id);
    for (Channel &C : F.Channels)
      if (C.Id == Id && !C.Escapes) {
        C.Escapes = true;
        C.EscapeSite = Where;
      }
  }

  ConcurrencyFacts &F;
  const ModelIndex &Index;
  ASTContext &Ctx;
  const Bindings NoBindings;
  llvm::DenseMap<const Stmt *, std::unique_ptr<ParentMap>> ParentMaps;
  llvm::SmallVector<const FunctionDecl *, 8> HelperStack;
  /// The functions whose bodies this analysis walked.
  llvm::SmallPtrSet<const FunctionDecl *, 8> Visited;
  llvm::DenseMap<const CXXRecordDecl *, bool> ChannelOwners;
  llvm::SmallPtrSet<const LambdaExpr *, 8> ConsumedCallables;
  llvm::SmallPtrSet<const LambdaExpr *, 8> SpawnedLambdas;
  llvm::SmallVector<const LambdaExpr *, 8> UnspawnedLambdas;
};

ConcurrencyFacts::ConcurrencyFacts(const FunctionDecl &Root,
                                   const ModelIndex &Index, ASTContext &Ctx)
    : Index(Index), Ctx(Ctx) {
  FactsBuilder(*this).build(Root);
}

const Channel *ConcurrencyFacts::channel(ChannelId Id) const {
  for (const Channel &C : Channels)
    if (C.Id == Id)
      return &C;
  return nullptr;
}

llvm::SmallVector<const Op *, 8> ConcurrencyFacts::opsOn(ChannelId Id) const {
  llvm::SmallVector<const Op *, 8> Result;
  for (const Op &O : Ops)
    if (O.Channel == Id)
      Result.push_back(&O);
  return Result;
}

llvm::SmallVector<const Op *, 8>
ConcurrencyFacts::opsIn(const Thread &T) const {
  llvm::SmallVector<const Op *, 8> Result;
  for (const Op &O : Ops)
    if (O.In == &T)
      Result.push_back(&O);
  return Result;
}

/// Whether E names Field (this->field, field, p->field).
static bool namesField(const Expr *E, const FieldDecl *Field) {
  E = ignoreWrappers(E);
  const auto *Member = dyn_cast<MemberExpr>(E);
  return Member && Member->getMemberDecl() == Field;
}

std::optional<FieldUse> fieldUse(const FieldDecl *Field,
                                 const ModelIndex &Index) {
  const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!Record || Field->getAccess() == AS_public || Record->isDependentContext())
    return std::nullopt;
  FieldUse Use;
  bool HandedOut = false;
  const FunctionDecl *Current = nullptr;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S || HandedOut)
      return;
    if (const auto *Member = dyn_cast<MemberExpr>(S); Member && Member->getMemberDecl() == Field)
      Use.Users.insert(Current);
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      std::optional<ModelOp> Op = Index.classifyCall(Call);
      if (Op && Op->Object && namesField(Op->Object, Field) &&
          (Op->Kind == OpKind::Close || Op->Kind == OpKind::Cancel))
        Use.Closes.push_back(Call);
      const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Call->getDirectCallee());
      bool Ours = Method && Method->getParent() == Record;
      for (const Expr *Arg : Call->arguments())
        if (!Op && !Ours && namesField(Arg, Field) &&
            !(Call->getDirectCallee() && isStandardLibrary(Call->getDirectCallee())))
          HandedOut = true;
    }
    if (const auto *Ret = dyn_cast<ReturnStmt>(S);
        Ret && Ret->getRetValue() && namesField(Ret->getRetValue(), Field))
      HandedOut = true;
    for (const Stmt *Child : S->children())
      Walk(Child);
  };
  for (const CXXMethodDecl *Method : Record->methods()) {
    if (Method->isImplicit() || Method->isDeleted() || Method->isDefaulted())
      continue;
    const FunctionDecl *Def = Method->getDefinition();
    if (!Def || !Def->getBody())
      return std::nullopt;
    Current = Def;
    Walk(Def->getBody());
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        Walk(Init->getInit());
  }
  if (HandedOut)
    return std::nullopt;
  return Use;
}

namespace {
/// Collects the functions of the main file that name a global; gives up on
/// a use outside any function (another global's initializer).
class GlobalUseFinder : public MainFileVisitor<GlobalUseFinder> {
public:
  GlobalUseFinder(const VarDecl *Global, const SourceManager &SM)
      : MainFileVisitor(SM), Global(Global) {}

  bool VisitDeclRefExpr(DeclRefExpr *Ref) {
    if (Ref->getDecl()->getCanonicalDecl() != Global->getCanonicalDecl())
      return true;
    if (!enclosingFunction()) {
      Unknown = true;
      return false;
    }
    Users.insert(enclosingFunction());
    return true;
  }

  const VarDecl *Global;
  llvm::SmallPtrSet<const FunctionDecl *, 4> Users;
  bool Unknown = false;
};
} // namespace

std::optional<llvm::SmallPtrSet<const FunctionDecl *, 4>>
globalUsers(const VarDecl *Global, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  // Another translation unit names a global only through a declaration,
  // which it gets from a header; a global declared only in the main file is
  // private to it, as -Wmissing-variable-declarations assumes.
  for (const VarDecl *Redecl : Global->redecls())
    if (!SM.isInMainFile(SM.getExpansionLoc(Redecl->getLocation())))
      return std::nullopt;
  GlobalUseFinder Finder(Global, SM);
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  if (Finder.Unknown)
    return std::nullopt;
  return Finder.Users;
}

void dumpFacts(const ConcurrencyFacts &F, llvm::raw_ostream &OS) {
  const SourceManager &SM = F.context().getSourceManager();
  auto Where = [&](const Stmt *S) {
    return S ? S->getBeginLoc().printToString(SM) : std::string("-");
  };
  auto ThreadIndex = [&](const Thread *T) {
    for (unsigned I = 0; I < F.threads().size(); ++I)
      if (&F.threads()[I] == T)
        return I;
    return ~0u;
  };
  OS << "chanleak facts for " << F.root().Function->getQualifiedNameAsString() << "\n";
  for (const Channel &C : F.channels())
    OS << "  channel " << channelName(C.Id) << " model=" << C.Model->TypeName
       << " capacity=" << (C.Capacity.Kind == ChannelCapacity::Known ? std::to_string(C.Capacity.Values)
                           : C.Capacity.Kind == ChannelCapacity::Unbounded ? "unbounded" : "unknown")
       << (C.Escapes ? " escapes at " + Where(C.EscapeSite) : "")
       << (C.CancelledReceiveDisablesBuffer ? " cancelled-receive-disables-buffer" : "")
       << "\n";
  for (const Spawn &S : F.spawns())
    OS << "  spawn " << S.Site.Spawner->Name << " at " << Where(S.Site.Site)
       << " in thread " << ThreadIndex(S.Parent) << " -> thread "
       << ThreadIndex(S.Child) << (S.Loop ? " in loop" : "") << "\n";
  for (const Op &O : F.ops())
    OS << "  op " << opKindName(O.Kind) << " on "
       << (O.Channel ? channelName(O.Channel) : O.Object ? O.Object->getNameAsString() : "-")
       << " at " << Where(O.Call) << " thread " << ThreadIndex(O.In)
       << (O.LoopsUntilClosed ? " loops-until-closed" : "") << (O.Loop ? " in-loop" : "") << "\n";
}

std::string channelName(ChannelId Id) {
  return Id ? Id->getNameAsString() : std::string("<channel>");
}

} // namespace chanleak
