//===- Objects.cpp - Abstract objects and what may escape -----------------===//

#include "chanleak/Analysis/Engine.h"
#include "chanleak/Analysis/MainFileVisitor.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <functional>

using namespace clang;

namespace chanleak {

static std::string declName(const void *Key, ObjectKind K) {
  if (K == ObjectKind::This)
    return "this";
  if (K == ObjectKind::Allocated)
    return "";
  if (const auto *D = static_cast<const NamedDecl *>(Key))
    return D->getNameAsString();
  return "";
}

ObjectId ObjectTable::intern(ObjectKind K, const void *Key, ObjectId Base,
                             QualType Type, llvm::StringRef Name,
                             SourceLocation Loc, const Expr *Init) {
  auto [It, Inserted] = Keys.try_emplace({K, Key, Base}, Objects.size());
  if (!Inserted)
    return It->second;
  AbstractObject O;
  O.Kind = K;
  O.Key = Key;
  O.Base = Base;
  O.Name = Name.str();
  O.Loc = Loc;
  if (!Type.isNull()) {
    O.Channel = Index.channelForType(Type);
    O.Lifecycle = O.Channel ? nullptr : Index.lifecycleForType(Type);
    O.Handle = Index.spawnerForType(Type);
    QualType Plain = Type.getNonReferenceType();
    // A pointer or reference names a channel made elsewhere; so does a
    // smart pointer unless its initializer makes the channel here.
    bool Owns = !Plain->isPointerType() && !Type->isReferenceType() &&
                (Init || !isSmartPointer(Plain));
    if (O.Channel) {
      O.Capacity = Owns ? Index.capacityOf(*O.Channel, Init, Ctx)
                        : ChannelCapacity::unknown();
      O.CancelledReceiveDisablesBuffer = Index.cancelledReceiveDisablesBuffer(Type);
    }
  }
  Objects.push_back(std::move(O));
  return It->second;
}

ObjectId ObjectTable::local(const ValueDecl *D) {
  const Expr *Init = nullptr;
  if (const auto *VD = dyn_cast<VarDecl>(D))
    Init = VD->getInit();
  return intern(ObjectKind::Local, D, NoObject, D->getType(), D->getName(),
                D->getLocation(), Init);
}

ObjectId ObjectTable::allocated(const Expr *E, QualType Type) {
  return intern(ObjectKind::Allocated, E, NoObject, Type, "", E->getBeginLoc(), E);
}

ObjectId ObjectTable::remade(ObjectId O, const Expr *Site, ChannelCapacity C) {
  auto [It, Inserted] = Keys.try_emplace({ObjectKind::Allocated, Site, NoObject}, Objects.size());
  if (Inserted) {
    AbstractObject Copy = Objects[O];
    Copy.Key = Site;
    Copy.Capacity = C;
    Objects.push_back(std::move(Copy));
  }
  return It->second;
}

ObjectId ObjectTable::global(const VarDecl *D) {
  return intern(ObjectKind::Global, D, NoObject, D->getType(), D->getName(),
                D->getLocation(), D->getInit());
}

/// The member whose channel F names when F is made from it
/// (`stopped_ = stop_.get_future().share()`): a future made from a promise
/// shares its one value.
static const FieldDecl *sameObjectAs(const FieldDecl *F, const ModelIndex &Index) {
  const Expr *Init = F->getInClassInitializer();
  if (!Init)
    if (const auto *Record = dyn_cast<CXXRecordDecl>(F->getParent()))
      for (const CXXConstructorDecl *Ctor : Record->ctors())
        for (const CXXCtorInitializer *CI : Ctor->inits())
          if (CI->getMember() == F && CI->isWritten() && !Init)
            Init = CI->getInit();
  for (const Expr *E = Init; E;) {
    E = ignoreWrappers(E);
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E);
        Call && Index.channelForType(Call->getType()) &&
        Index.channelForType(Call->getImplicitObjectArgument()->getType())) {
      E = Call->getImplicitObjectArgument();
      continue;
    }
    const auto *Member = dyn_cast<MemberExpr>(E);
    const auto *Other = Member ? dyn_cast<FieldDecl>(Member->getMemberDecl()) : nullptr;
    if (Other && Other != F && Other->getParent() == F->getParent() &&
        isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()))
      return Other;
    return nullptr;
  }
  return nullptr;
}

/// Whether St may acquire the work guard held in member F: `guard_.emplace(..)`,
/// `guard_ = ...`, `work_.reset(new ...)`; it does when it names a loop.
static bool acquiresGuard(const Stmt *St, const FieldDecl *F) {
  auto IsF = [&](const Expr *E) {
    const auto *M = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts());
    return M && M->getMemberDecl() == F;
  };
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(St)) {
    const CXXMethodDecl *M = Call->getMethodDecl();
    return M && M->getIdentifier() && IsF(Call->getImplicitObjectArgument()) &&
           (M->getName() == "emplace" || M->getName() == "reset");
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(St))
    return Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 && IsF(Op->getArg(0));
  return false;
}

/// The event-loop member of the same object that the work guard held in
/// member F holds work on, from the guard's initializer or from where a
/// method of the class acquires it: a guard member names its loop, so
/// that resetting it in one method releases what another method acquired.
static const FieldDecl *guardedLoop(const FieldDecl *F, const ModelIndex &Index) {
  const auto *Record = dyn_cast<CXXRecordDecl>(F->getParent());
  if (!Record || !Index.workGuardForType(F->getType()))
    return nullptr;
  auto LoopMember = [&](const Stmt *Acquisition) -> const FieldDecl * {
    const auto *M = dyn_cast_or_null<MemberExpr>(Index.eventLoopIn(Acquisition));
    const auto *Loop = M ? dyn_cast<FieldDecl>(M->getMemberDecl()) : nullptr;
    return Loop && Loop->getParent() == Record &&
                   isa<CXXThisExpr>(M->getBase()->IgnoreParenImpCasts())
               ? Loop
               : nullptr;
  };
  if (const Expr *Init = F->getInClassInitializer())
    return LoopMember(Init);
  std::function<const FieldDecl *(const Stmt *)> Search = [&](const Stmt *St) -> const FieldDecl * {
    if (!St)
      return nullptr;
    if (acquiresGuard(St, F))
      return LoopMember(St);
    for (const Stmt *Child : St->children())
      if (const FieldDecl *Found = Search(Child))
        return Found;
    return nullptr;
  };
  for (const CXXMethodDecl *Method : Record->methods()) {
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Method))
      for (const CXXCtorInitializer *CI : Ctor->inits())
        if (CI->getMember() == F && CI->isWritten())
          return LoopMember(CI->getInit());
    if (const FieldDecl *Found = Search(Method->getBody()))
      return Found;
  }
  return nullptr;
}

ObjectId ObjectTable::field(ObjectId Base, const FieldDecl *F) {
  auto [It, New] = Named.try_emplace(F, F);
  if (New) {
    if (const FieldDecl *Same = sameObjectAs(F, Index))
      It->second = Same;
    else if (const FieldDecl *Loop = guardedLoop(F, Index))
      It->second = Loop;
  }
  F = It->second;
  return intern(ObjectKind::Field, F, Base, F->getType(), F->getName(),
                F->getLocation(), F->getInClassInitializer());
}

ObjectId ObjectTable::elements(ObjectId Container, QualType ElementType) {
  std::string Name = Objects[Container].Name;
  return intern(ObjectKind::Elements, nullptr, Container, ElementType, Name,
                Objects[Container].Loc, nullptr);
}

void ObjectTable::putElement(ObjectId Elements, ChannelCapacity C) {
  AbstractObject &O = Objects[Elements];
  bool Agrees = C.Kind == O.Capacity.Kind && C.Values == O.Capacity.Values;
  O.Capacity = !O.ElementPut || Agrees ? C : ChannelCapacity::unknown();
  O.ElementPut = true;
}

void ObjectTable::aliasElements(ObjectId Elements, const ObjectSet &Targets) {
  auto [It, New] = ElementAliases.try_emplace(Elements, Targets);
  if (New)
    return;
  if (Targets.empty() || It->second.empty()) {
    It->second.clear();
    return;
  }
  for (ObjectId T : Targets)
    if (!llvm::is_contained(It->second, T))
      It->second.push_back(T);
}

ObjectId ObjectTable::placeholder(ObjectKind K, const void *Key, QualType Type,
                                  llvm::StringRef Name) {
  SourceLocation Loc;
  if (K == ObjectKind::Parameter || K == ObjectKind::Capture)
    Loc = static_cast<const Decl *>(Key)->getLocation();
  return intern(K, Key, NoObject, Type, Name.empty() ? declName(Key, K) : Name,
                Loc, nullptr);
}

bool isConstantFormula(llvm::ArrayRef<Formula> Fs, int F) {
  if (F < 0 || F >= static_cast<int>(Fs.size()))
    return false;
  const Formula &X = Fs[F];
  switch (X.K) {
  case Formula::Unknown:
  case Formula::Value:
  case Formula::Status:
    return false;
  case Formula::Constant:
    return true;
  case Formula::Not:
    return isConstantFormula(Fs, X.Left);
  case Formula::Plus:
    return isConstantFormula(Fs, X.Left) && (X.Right < 0 || isConstantFormula(Fs, X.Right));
  case Formula::And:
  case Formula::Or:
  case Formula::Compare:
    return isConstantFormula(Fs, X.Left) && isConstantFormula(Fs, X.Right);
  }
  return false;
}

bool isSmartPointer(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  return RD && RD->isInStdNamespace() && RD->getIdentifier() &&
         (RD->getName() == "shared_ptr" || RD->getName() == "unique_ptr" ||
          RD->getName() == "weak_ptr");
}

bool isStandardLibrary(const Decl *D) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (DC->isStdNamespace())
      return true;
  return false;
}

ObjectId ObjectTable::rebase(ObjectId Member, ObjectId NewBase) {
  const AbstractObject Old = Objects[Member];
  auto [It, Inserted] = Keys.try_emplace({Old.Kind, Old.Key, NewBase}, Objects.size());
  if (Inserted) {
    AbstractObject O = Old;
    O.Base = NewBase;
    O.Escapes = false;
    O.EscapeSite = nullptr;
    Objects.push_back(std::move(O));
  }
  return It->second;
}

ObjectId ObjectTable::earlier(ObjectId O) {
  if (Objects[O].Base != NoObject)
    return rebase(O, earlier(Objects[O].Base));
  // Keyed as made from O: no other object has a holder of that kind.
  auto [It, Inserted] = Keys.try_emplace({ObjectKind::Allocated, Objects[O].Key, O},
                                         Objects.size());
  if (Inserted) {
    AbstractObject Copy = Objects[O];
    Copy.Kind = ObjectKind::Allocated;
    Copy.MadeIn = nullptr; // no call's own any more
    Objects.push_back(std::move(Copy));
  }
  return It->second;
}

bool ObjectTable::escapes(ObjectId Id) const {
  for (ObjectId Cur = Id; Cur != NoObject; Cur = Objects[Cur].Base) {
    if (Objects[Cur].Escapes || Objects[Cur].isPlaceholder())
      return true;
  }
  return false;
}

void ObjectTable::markEscape(ObjectId Id, const Stmt *Where) {
  if (Objects[Id].Escapes)
    return;
  Objects[Id].Escapes = true;
  Objects[Id].EscapeSite = Where;
}

namespace {
/// Whether E names Field (this->field, field, p->field).
bool namesField(const Expr *E, const FieldDecl *Field) {
  const auto *Member = dyn_cast<MemberExpr>(ignoreWrappers(E));
  return Member && Member->getMemberDecl() == Field;
}

/// Made from another member in a way the analysis does not follow: the
/// two may name one object it does not see.
static bool madeFromAnotherMember(const FieldDecl *Field, const ModelIndex &Index) {
  if (sameObjectAs(Field, Index))
    return false; // the table names them as one object
  std::function<bool(const Stmt *)> NamesMember = [&](const Stmt *S) {
    if (!S)
      return false;
    if (isa<MemberExpr>(S))
      return true;
    // A lambda is made from what it captures; its body runs later.
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S))
      return llvm::any_of(Lambda->capture_inits(), NamesMember);
    return llvm::any_of(S->children(), NamesMember);
  };
  if (NamesMember(Field->getInClassInitializer()))
    return true;
  if (const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent()))
    for (const CXXConstructorDecl *Ctor : Record->ctors())
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Init->getMember() == Field && Init->isWritten() && NamesMember(Init->getInit()))
          return true;
  return false;
}

/// Whether destroying a T does something a thread may wait for: a handle
/// that joins (std::jthread), a worker whose destructor stops it, a user
/// type with a destructor of its own, a standard container of those.
static bool destructionActs(QualType T, const ModelIndex &Index, unsigned Depth = 0) {
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || Depth > 2)
    return false;
  if (const SpawnerModel *H = Index.spawnerForType(T))
    return H->JoinsOnDestroy;
  if (const LifecycleModel *L = Index.lifecycleForType(T))
    return L->DestructorStops;
  if (!isStandardLibrary(RD))
    return RD->getDestructor() && RD->getDestructor()->isUserProvided();
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  return Spec && Spec->getTemplateArgs().size() > 0 &&
         Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
         destructionActs(Spec->getTemplateArgs()[0].getAsType(), Index, Depth + 1);
}

/// The methods of Field's class that touch it, when the class keeps it to
/// itself: not public, every method defined here, never handed out.
std::optional<llvm::SmallPtrSet<const FunctionDecl *, 4>>
privateFieldUsers(const FieldDecl *Field, const ModelIndex &Index) {
  const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!Record || Field->getAccess() == AS_public || Record->isDependentContext() ||
      madeFromAnotherMember(Field, Index))
    return std::nullopt;
  llvm::SmallPtrSet<const FunctionDecl *, 4> Users;
  bool HandedOut = false;
  // A number or a flag passed or returned by value hands out nothing.
  auto HandsOut = [&](const Expr *E) {
    QualType T = E->getType();
    return namesField(E, Field) && !T->isArithmeticType() && !T->isEnumeralType();
  };
  const FunctionDecl *Current = nullptr;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S || HandedOut)
      return;
    if (const auto *Member = dyn_cast<MemberExpr>(S); Member && Member->getMemberDecl() == Field)
      Users.insert(Current);
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      std::optional<ModelOp> Op = Index.classifyCall(Call);
      const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Call->getDirectCallee());
      bool Ours = Method && Method->getParent() == Record;
      // Making a work guard on it, or a task to run on it, keeps nothing.
      bool Keeps = !Index.workGuardForType(Call->getType()) && !Index.classifySpawn(Call);
      for (const Expr *Arg : Call->arguments())
        if (!Op && !Ours && Keeps && HandsOut(Arg) &&
            !(Call->getDirectCallee() && isStandardLibrary(Call->getDirectCallee())))
          HandedOut = true;
    }
    if (const auto *Ret = dyn_cast<ReturnStmt>(S);
        Ret && Ret->getRetValue() && HandsOut(Ret->getRetValue()))
      HandedOut = true;
    for (const Stmt *Child : S->children())
      Walk(Child);
  };
  for (const CXXMethodDecl *Method : Record->methods()) {
    if (Method->isImplicit() || Method->isDeleted() || Method->isDefaulted())
      continue;
    const FunctionDecl *Def = Method->getDefinition();
    // A member of a class template that nothing here uses is never made.
    if (!Def && Method->getTemplateInstantiationPattern() &&
        Method->getTemplateInstantiationPattern()->hasBody())
      continue;
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
  // The class's destructor, its own or the implicit one, destroys a member
  // whose destruction acts (a joining handle, a guard).
  if (destructionActs(Field->getType(), Index)) {
    const CXXDestructorDecl *Dtor = Record->getDestructor();
    if (!Dtor)
      return std::nullopt;
    Users.insert(Dtor->getDefinition() ? Dtor->getDefinition() : Dtor);
  }
  return Users;
}

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

/// The functions that use a global, when no other translation unit can:
/// declared only in the main file (the -Wmissing-variable-declarations
/// convention) and named by no other global's initializer.
std::optional<llvm::SmallPtrSet<const FunctionDecl *, 4>>
globalUsers(const VarDecl *Global, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  for (const VarDecl *Redecl : Global->redecls())
    if (!SM.isInMainFile(SM.getExpansionLoc(Redecl->getLocation())))
      return std::nullopt;
  GlobalUseFinder Finder(Global, SM);
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  if (Finder.Unknown)
    return std::nullopt;
  return Finder.Users;
}
} // namespace

bool LeakEngine::escapes(ObjectId Id,
                         const llvm::DenseSet<const FunctionDecl *> &Seen) {
  auto AllSeen = [&](const llvm::SmallPtrSet<const FunctionDecl *, 4> &Users) {
    return llvm::all_of(Users, [&](const FunctionDecl *F) { return Seen.count(F); });
  };
  for (ObjectId Cur = Id; Cur != NoObject; Cur = Objects[Cur].Base) {
    const AbstractObject &O = Objects[Cur];
    if (O.Escapes)
      return true;
    if (O.Kind == ObjectKind::Field) {
      // A reference, pointer or shared pointer member names an object
      // someone else may own (a constructor's argument).
      QualType T = static_cast<const FieldDecl *>(O.Key)->getType();
      const auto *RD = T->getAsCXXRecordDecl();
      if (T->isReferenceType() || T->isPointerType() ||
          (RD && RD->isInStdNamespace() &&
           (RD->getName() == "shared_ptr" || RD->getName() == "weak_ptr")))
        return true;
    }
    // A member of a `this` its class keeps to methods we saw; a member of
    // an object the code made is as private as that object, unless it is
    // made from another member (`done_ = ready_.get_future()`).
    if (O.Kind == ObjectKind::Field && !Objects[O.Base].isPlaceholder()) {
      const auto *F = static_cast<const FieldDecl *>(O.Key);
      if (madeFromAnotherMember(F, Index) ||
          (!privateFieldUsers(F, Index) && F->getAccess() != AS_public))
        return true;
      continue;
    }
    if (O.Kind == ObjectKind::Field && Objects[O.Base].Kind == ObjectKind::This) {
      auto Users = privateFieldUsers(static_cast<const FieldDecl *>(O.Key), Index);
      return !Users || !AllSeen(*Users);
    }
    if (O.Kind == ObjectKind::Global) {
      const auto *VD = static_cast<const VarDecl *>(O.Key);
      auto Users = globalUsers(VD, Ctx);
      return !Users || !AllSeen(*Users);
    }
    if (O.isPlaceholder())
      return true;
  }
  return false;
}

std::string LeakEngine::objectName(ObjectId Id) const {
  if (Id == NoObject)
    return "the channel";
  const AbstractObject &O = Objects[Id];
  if (!O.Name.empty())
    return "'" + O.Name + "'";
  return "the channel";
}

} // namespace chanleak
