//===- Suppression.cpp - What silences a finding, in every front end ------===//

#include "chanleak/Analysis/Suppression.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/GlobPattern.h"

using namespace clang;

namespace chanleak {

namespace {

std::string tidyName(LeakLabel Label) { return ("chanleak-" + leakLabelName(Label)).str(); }
std::string checkerName(LeakLabel Label) {
  return ("chanleak." + leakLabelCheckerName(Label)).str();
}

bool namesCheck(const SuppressAttr *A, LeakLabel Label) {
  if (A->diagnosticIdentifiers_size() == 0)
    return true;
  std::string Tidy = tidyName(Label), Checker = checkerName(Label);
  for (llvm::StringRef Id : A->diagnosticIdentifiers())
    if (Id == "chanleak" || llvm::StringRef(Tidy).starts_with(Id) ||
        llvm::StringRef(Checker).starts_with(Id))
      return true;
  return false;
}

bool declSuppressed(const Decl *D, LeakLabel Label) {
  for (const auto *Suppress : D->specific_attrs<SuppressAttr>())
    if (namesCheck(Suppress, Label))
      return true;
  return false;
}

/// The lambda expression whose call operator is Operator, in Body.
const LambdaExpr *findLambda(const Stmt *Body, const CXXMethodDecl *Operator) {
  if (!Body)
    return nullptr;
  if (const auto *Lambda = dyn_cast<LambdaExpr>(Body);
      Lambda && Lambda->getCallOperator() == Operator)
    return Lambda;
  for (const Stmt *Child : Body->children())
    if (const LambdaExpr *Found = findLambda(Child, Operator))
      return Found;
  return nullptr;
}

/// Whether a NOLINT-style comment's check list (none: every check) covers
/// the label.
bool listCovers(llvm::StringRef Rest, LeakLabel Label) {
  if (!Rest.consume_front("("))
    return true;
  size_t Close = Rest.find(')');
  if (Close == llvm::StringRef::npos)
    return false;
  llvm::SmallVector<llvm::StringRef, 4> Items;
  Rest.take_front(Close).split(Items, ',', -1, false);
  std::string Tidy = tidyName(Label);
  for (llvm::StringRef Item : Items) {
    llvm::Expected<llvm::GlobPattern> Pattern = llvm::GlobPattern::create(Item.trim());
    if (!Pattern) {
      llvm::consumeError(Pattern.takeError());
      continue;
    }
    if (Pattern->match(Tidy))
      return true;
  }
  return false;
}

/// Whether Line holds `Marker` (NOLINT, NOLINTNEXTLINE) covering the label.
bool lineSuppresses(llvm::StringRef Line, llvm::StringRef Marker, LeakLabel Label) {
  for (size_t At = Line.find(Marker); At != llvm::StringRef::npos;
       At = Line.find(Marker, At + 1)) {
    llvm::StringRef Rest = Line.substr(At + Marker.size());
    // NOLINT is a prefix of NOLINTNEXTLINE and NOLINTBEGIN.
    if (!Rest.empty() && (isalpha(static_cast<unsigned char>(Rest[0])) || Rest[0] == '_'))
      continue;
    if (listCovers(Rest, Label))
      return true;
  }
  return false;
}

} // namespace

// The walk uses a ParentMap of the enclosing function rather than the
// ASTContext's parent map, which clang builds for the whole translation unit
// (headers included) on first use and which cost more than the analysis.
bool isSuppressedByAttribute(const Stmt *At, const FunctionDecl *Within, LeakLabel Label) {
  const Stmt *From = At;
  for (const FunctionDecl *Fn = Within; Fn && From;) {
    const Stmt *Body = Fn->getBody();
    if (!Body)
      break;
    ParentMap Parents(const_cast<Stmt *>(Body));
    for (const Stmt *S = From; S; S = Parents.getParent(S)) {
      if (const auto *Attributed = dyn_cast<AttributedStmt>(S))
        for (const Attr *A : Attributed->getAttrs())
          if (const auto *Suppress = dyn_cast<SuppressAttr>(A); Suppress && namesCheck(Suppress, Label))
            return true;
      if (const auto *DS = dyn_cast<DeclStmt>(S))
        for (const Decl *D : DS->decls())
          if (declSuppressed(D, Label))
            return true;
    }
    if (declSuppressed(Fn, Label))
      return true;
    // A lambda: go on from the lambda expression in its enclosing function.
    const auto *Method = dyn_cast<CXXMethodDecl>(Fn);
    if (!Method || !Method->getParent()->isLambda())
      break;
    Fn = dyn_cast_or_null<FunctionDecl>(
        Method->getParent()->getDeclContext()->getNonClosureAncestor());
    From = Fn ? findLambda(Fn->getBody(), Method) : nullptr;
  }
  for (const DeclContext *DC = Within ? Within->getDeclContext() : nullptr; DC;
       DC = DC->getParent())
    if (const auto *D = dyn_cast<Decl>(DC); D && declSuppressed(D, Label))
      return true;
  return false;
}

bool isSuppressedByNoLint(SourceLocation Loc, const SourceManager &SM, LeakLabel Label) {
  Loc = SM.getExpansionLoc(Loc);
  if (Loc.isInvalid())
    return false;
  FileID File = SM.getFileID(Loc);
  bool Invalid = false;
  llvm::StringRef Buffer = SM.getBufferData(File, &Invalid);
  if (Invalid)
    return false;
  unsigned Offset = SM.getFileOffset(Loc);
  // rfind(C, From) looks below From.
  size_t LineStart = Buffer.rfind('\n', Offset);
  LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
  size_t LineEnd = Buffer.find('\n', Offset);
  llvm::StringRef Line = Buffer.slice(LineStart, LineEnd);
  if (lineSuppresses(Line, "NOLINT", Label))
    return true;
  if (LineStart > 0) {
    size_t PrevStart = Buffer.rfind('\n', LineStart - 1);
    PrevStart = PrevStart == llvm::StringRef::npos ? 0 : PrevStart + 1;
    if (lineSuppresses(Buffer.slice(PrevStart, LineStart - 1), "NOLINTNEXTLINE", Label))
      return true;
  }
  // Inside a NOLINTBEGIN ... NOLINTEND block that covers the check.
  int Open = 0;
  for (llvm::StringRef Before = Buffer.take_front(LineStart); !Before.empty();) {
    auto [Text, Rest] = Before.split('\n');
    Before = Rest;
    if (lineSuppresses(Text, "NOLINTBEGIN", Label))
      ++Open;
    else if (Open > 0 && lineSuppresses(Text, "NOLINTEND", Label))
      --Open;
  }
  return Open > 0;
}

} // namespace chanleak
