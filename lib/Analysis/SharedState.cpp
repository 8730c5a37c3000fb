//===- SharedState.cpp - The variables condition-variable waits read ------===//
//
// A thread waiting on a condition variable is rescued by a thread that
// changes what the wait's predicate reads and then notifies. The variables
// such predicates read (a stop flag, a pending count, a task queue), and the
// conditions of loops that wait or poll, are the translation unit's shared
// state: the extractor records writes to them and branches on them as
// events, and the explorer keeps their values.
//
//===----------------------------------------------------------------------===//

#include "chanleak/Analysis/Engine.h"
#include "chanleak/Analysis/MainFileVisitor.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace chanleak {

namespace {

class SharedStateFinder : public MainFileVisitor<SharedStateFinder> {
public:
  SharedStateFinder(const ModelIndex &Index, const SourceManager &SM,
                    llvm::DenseSet<const ValueDecl *> &Out)
      : MainFileVisitor(SM), Index(Index), Out(Out) {}

  /// A local variable only its own thread can write: no lambda captures it
  /// by reference, no pointer or reference to it is made.
  bool ownedByItsThread(const ValueDecl *D) const {
    const auto *V = dyn_cast<VarDecl>(D);
    return V && V->hasLocalStorage() && !V->getType()->isReferenceType() &&
           !Referenced.count(V);
  }

  bool VisitLambdaExpr(LambdaExpr *L) {
    for (const LambdaCapture &C : L->captures())
      if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef)
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
          Referenced.insert(V);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *U) {
    if (U->getOpcode() == UO_AddrOf)
      referenced(U->getSubExpr());
    return true;
  }
  /// An argument bound to a reference parameter (`std::ref(n)`, `f(n)`).
  bool VisitCallExpr(CallExpr *Call) {
    if (const Expr *Pred = waitPredicate(Index, Call))
      readsOf(Pred, 0);
    const FunctionDecl *Callee = Call->getDirectCallee();
    for (unsigned I = 0; Callee && I < Call->getNumArgs(); ++I) {
      unsigned P = I - (isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Callee) ? 1 : 0);
      if (I == 0 && P != I)
        continue; // the object of a member operator
      if (P >= Callee->getNumParams() ||
          Callee->getParamDecl(P)->getType()->isReferenceType())
        referenced(Call->getArg(I));
    }
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *Construct) {
    const CXXConstructorDecl *Ctor = Construct->getConstructor();
    if (Ctor && Ctor->isCopyOrMoveConstructor())
      return true;
    for (const Expr *Arg : Construct->arguments())
      referenced(Arg);
    return true;
  }

  bool VisitWhileStmt(WhileStmt *S) { return loop(S->getCond(), S->getBody()); }
  bool VisitDoStmt(DoStmt *S) { return loop(S->getCond(), S->getBody()); }
  bool VisitForStmt(ForStmt *S) { return loop(S->getCond(), S->getBody()); }

private:
  /// A loop that waits on a condition variable or polls (sleeps) re-reads
  /// its condition after each wake.
  bool loop(const Expr *Cond, const Stmt *Body) {
    if (Cond && waitsOrSleeps(Body))
      readsOf(Cond, 0);
    return true;
  }
  bool waitsOrSleeps(const Stmt *S) {
    if (!S)
      return false;
    if (const auto *E = dyn_cast<Expr>(S))
      if (std::optional<ModelOp> M = Index.classifyCall(E))
        if (M->Kind == OpKind::Sleep ||
            (M->Channel && M->Channel->isSignal() && opIsRecv(M->Kind)))
          return true;
    return llvm::any_of(S->children(), [&](const Stmt *C) { return waitsOrSleeps(C); });
  }
  /// The variables and members S reads, through the bodies of the small
  /// functions it calls (`[this] { return HasWork(); }`).
  void readsOf(const Stmt *S, unsigned Depth) {
    if (!S || Depth > 3)
      return;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
      if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
        Out.insert(V);
        // A ticket reads as the counter it was drawn from.
        if (const UnaryOperator *Draw = ticketDraw(V))
          readsOf(Draw->getSubExpr(), Depth + 1);
      }
    } else if (const auto *Member = dyn_cast<MemberExpr>(S)) {
      if (const auto *F = dyn_cast<FieldDecl>(Member->getMemberDecl()))
        Out.insert(F);
    } else if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      // What decides the predicate: its returns and its branches.
      if (const auto *Body = dyn_cast_or_null<CompoundStmt>(Lambda->getBody()))
        for (const Stmt *X : Body->body()) {
          if (const auto *Ret = dyn_cast<ReturnStmt>(X))
            readsOf(Ret->getRetValue(), Depth + 1);
          else if (const auto *If = dyn_cast<IfStmt>(X))
            readsOf(If->getCond(), Depth + 1);
        }
      return;
    } else if (const auto *Call = dyn_cast<CallExpr>(S)) {
      // A helper that only returns a condition (`bool HasWork() const`).
      const FunctionDecl *Callee = Call->getDirectCallee();
      const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
      if (Def && !isStandardLibrary(Def))
        if (const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
            Body && Body->size() == 1 && isa<ReturnStmt>(Body->body_front()))
          readsOf(Body, Depth + 1);
    }
    for (const Stmt *Child : S->children())
      readsOf(Child, Depth);
  }

  /// A variable named by E itself (not a value read from it).
  void referenced(const Expr *E) {
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParens()))
      if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
        Referenced.insert(V);
  }

  const ModelIndex &Index;
  llvm::DenseSet<const ValueDecl *> &Out;
  llvm::DenseSet<const VarDecl *> Referenced;
};

/// The variable or member E names, or whose executor it is.
static const ValueDecl *namedDecl(const Expr *E) {
  E = executionContextOf(E);
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    return Ref->getDecl();
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    return Member->getMemberDecl();
  return nullptr;
}

/// What some call stops (a worker's or an execution context's Stop op) or
/// cancels (a timer's Cancel op).
class StopTargetFinder : public MainFileVisitor<StopTargetFinder> {
public:
  StopTargetFinder(const ModelIndex &Index, const SourceManager &SM, LeakEngine::StopFacts &Out)
      : MainFileVisitor(SM), Index(Index), Out(Out) {}

  bool VisitCallExpr(CallExpr *Call) {
    std::optional<ModelOp> M = Index.classifyCall(Call);
    if (!M)
      return true;
    if (M->Kind == OpKind::Stop) {
      Out.AnyStop = true;
      if (const ValueDecl *D = M->Object ? namedDecl(M->Object) : nullptr)
        Out.Stopped.insert(D);
    }
    if (M->Kind == OpKind::Cancel && !M->Channel)
      Out.AnyTimerCancel = true;
    return true;
  }

private:
  const ModelIndex &Index;
  LeakEngine::StopFacts &Out;
};

} // namespace

namespace {
class FunctionCollector : public MainFileVisitor<FunctionCollector> {
public:
  FunctionCollector(const SourceManager &SM, std::vector<const FunctionDecl *> &Out)
      : MainFileVisitor(SM), Out(Out) {}

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && !FD->isDependentContext() && !FD->isInvalidDecl())
      Out.push_back(FD);
    return true;
  }

private:
  std::vector<const FunctionDecl *> &Out;
};
} // namespace

llvm::ArrayRef<const FunctionDecl *> LeakEngine::mainFileFunctions() {
  if (!Functions) {
    Functions.emplace();
    FunctionCollector(Ctx.getSourceManager(), *Functions).TraverseDecl(Ctx.getTranslationUnitDecl());
  }
  return *Functions;
}

const LeakEngine::StopFacts &LeakEngine::stopFacts() {
  if (!Stops) {
    Stops.emplace();
    StopTargetFinder(Index, Ctx.getSourceManager(), *Stops)
        .TraverseDecl(Ctx.getTranslationUnitDecl());
  }
  return *Stops;
}

const UnaryOperator *ticketDraw(const VarDecl *V) {
  if (!V || !V->isLocalVarDecl() || !V->getType()->isIntegerType() || !V->getInit())
    return nullptr;
  const auto *Draw = dyn_cast<UnaryOperator>(ignoreWrappers(V->getInit()));
  return Draw && Draw->isIncrementOp() ? Draw : nullptr;
}

bool LeakEngine::stoppedSomewhere(const Expr *Executor) {
  const ValueDecl *D = namedDecl(Executor);
  return D && stopFacts().Stopped.count(D);
}

bool LeakEngine::stopsEventLoops() { return stopFacts().AnyStop; }

bool LeakEngine::cancelsTimers() { return stopFacts().AnyTimerCancel; }

const Expr *waitPredicate(const ModelIndex &Index, const CallExpr *Call) {
  std::optional<ModelOp> M = Index.classifyCall(Call);
  if (!M || !M->Channel || !M->Channel->isSignal() || !opIsRecv(M->Kind) ||
      Call->getNumArgs() < 2)
    return nullptr;
  const Expr *Last = ignoreWrappers(Call->getArg(Call->getNumArgs() - 1));
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Last))
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()); V && V->getInit())
      if (const auto *Lambda = dyn_cast<LambdaExpr>(ignoreWrappers(V->getInit())))
        return Lambda; // auto ready = [&] { ... }; cv.wait(lk, ready);
  if (isa<LambdaExpr>(Last))
    return Last;
  // A functor (not the lock, a stop token or a time point).
  const auto *RD = Last->getType()->getAsCXXRecordDecl();
  if (RD && RD->hasDefinition() && !RD->isInStdNamespace() &&
      !RD->lookup(RD->getASTContext().DeclarationNames.getCXXOperatorName(OO_Call)).empty())
    return Last;
  return nullptr;
}

std::optional<long long> stateConstant(const Expr *E, ASTContext &Ctx) {
  if (!E || E->isValueDependent())
    return std::nullopt;
  E = ignoreWrappers(E);
  if (const auto *Default = dyn_cast<CXXDefaultInitExpr>(E))
    return stateConstant(Default->getExpr(), Ctx);
  // A container made empty, an atomic made from a value (or zero).
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    if (Construct->getNumArgs() == 0)
      return 0;
    if (Construct->getNumArgs() == 1 && !Construct->getConstructor()->isCopyOrMoveConstructor())
      return stateConstant(Construct->getArg(0), Ctx);
    return std::nullopt;
  }
  if (const auto *List = dyn_cast<InitListExpr>(E)) {
    if (List->getNumInits() == 0)
      return 0;
    return List->getNumInits() == 1 ? stateConstant(List->getInit(0), Ctx) : std::nullopt;
  }
  Expr::EvalResult R;
  if (!E->getType().isNull() && !E->isInstantiationDependent() && !E->containsErrors() &&
      E->getType()->isIntegralOrEnumerationType() && E->EvaluateAsInt(R, Ctx))
    return R.Val.getInt().getExtValue();
  return std::nullopt;
}

/// The value a constructor gives F when the object is made by Construct:
/// its initializer, with the constructor's parameters bound to the
/// arguments (`Chan g_ch{0}` with `Chan(size_t c) : cap(c)`).
static std::optional<long long> constructedValue(const FieldDecl *F,
                                                 const CXXConstructExpr *Construct,
                                                 ASTContext &Ctx) {
  const CXXConstructorDecl *Ctor = Construct->getConstructor();
  if (const FunctionDecl *Def = Ctor ? Ctor->getDefinition() : nullptr)
    Ctor = cast<CXXConstructorDecl>(Def);
  if (!Ctor)
    return std::nullopt;
  for (const CXXCtorInitializer *Init : Ctor->inits()) {
    if (Init->getMember() != F || !Init->getInit())
      continue;
    const Expr *Value = ignoreWrappers(Init->getInit());
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Value);
        Construct && Construct->getNumArgs() == 1)
      Value = ignoreWrappers(Construct->getArg(0));
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Value->IgnoreParenImpCasts()))
      if (const auto *P = dyn_cast<ParmVarDecl>(Ref->getDecl()))
        return P->getFunctionScopeIndex() < Construct->getNumArgs()
                   ? stateConstant(Construct->getArg(P->getFunctionScopeIndex()), Ctx)
                   : std::nullopt;
    return stateConstant(Value, Ctx);
  }
  return std::nullopt;
}

/// What made an object whose fields start from its constructor: a global's
/// initializer, or a member's default initializer that no constructor of
/// its class replaces.
static const Expr *constructorOf(const AbstractObject &O) {
  if (O.Kind == ObjectKind::Global)
    return static_cast<const VarDecl *>(O.Key)->getInit();
  if (O.Kind != ObjectKind::Field)
    return nullptr;
  const auto *Member = static_cast<const FieldDecl *>(O.Key);
  const auto *Owner = dyn_cast<CXXRecordDecl>(Member->getParent());
  if (!Member->hasInClassInitializer() || !Owner)
    return nullptr;
  for (const CXXConstructorDecl *Ctor : Owner->ctors())
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->isWritten() && Init->getMember() == Member)
        return nullptr;
  return Member->getInClassInitializer();
}

std::optional<long long> initialValue(const ObjectTable &Objects, ObjectId Id, ASTContext &Ctx) {
  const AbstractObject &O = Objects[Id];
  if (O.Kind == ObjectKind::Local || O.Kind == ObjectKind::Global) {
    const auto *V = static_cast<const VarDecl *>(O.Key);
    if (V->getInit())
      return stateConstant(V->getInit(), Ctx);
    if (V->getType()->isRecordType() || V->hasGlobalStorage())
      return 0;
    return std::nullopt;
  }
  if (O.Kind == ObjectKind::Field) {
    const auto *F = static_cast<const FieldDecl *>(O.Key);
    // A global's constructor ran before anything the engine sees; so did a
    // member's, from its default initializer (`Chan ch_{0};`).
    if (const Expr *Init = O.Base != NoObject ? constructorOf(Objects[O.Base]) : nullptr)
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(ignoreWrappers(Init)))
        if (std::optional<long long> V = constructedValue(F, Construct, Ctx))
          return V;
    if (F->hasInClassInitializer())
      return stateConstant(F->getInClassInitializer(), Ctx);
    // A constructor's initializer, if any, is a write the explorer sees.
    if (F->getType()->isRecordType())
      return 0;
  }
  return std::nullopt;
}

bool LeakEngine::isSharedState(const ValueDecl *D) {
  if (!SharedState) {
    SharedState.emplace();
    SharedStateFinder Finder(Index, Ctx.getSourceManager(), *SharedState);
    Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
    // A loop counter, a local flag no other thread can reach: the thread's
    // own data, whose branches are its own choices.
    llvm::SmallVector<const ValueDecl *, 8> Own;
    for (const ValueDecl *D : *SharedState)
      if (Finder.ownedByItsThread(D))
        Own.push_back(D);
    for (const ValueDecl *D : Own)
      SharedState->erase(D);
  }
  if (!D || SharedState->empty())
    return false;
  // Channels, threads and workers are objects of their own.
  return SharedState->count(D) && !Index.channelForType(D->getType()) &&
         !Index.spawnerForType(D->getType());
}

} // namespace chanleak
