//===- MainFileVisitor.h - Walks the main file's declarations ---*- C++ -*-===//
//
// A RecursiveASTVisitor over the declarations of the main file only (the code
// chanleak analyses), skipping the far larger headers. It knows the function
// whose body it is in, for questions like "which functions use this global"
// or "which calls pass this argument".
//
//===----------------------------------------------------------------------===//
#ifndef CHANLEAK_ANALYSIS_MAINFILEVISITOR_H
#define CHANLEAK_ANALYSIS_MAINFILEVISITOR_H

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

namespace chanleak {

template <typename Derived>
class MainFileVisitor : public clang::RecursiveASTVisitor<Derived> {
public:
  explicit MainFileVisitor(const clang::SourceManager &SM) : SM(SM) {}

  bool TraverseDecl(clang::Decl *D) {
    if (D && !llvm::isa<clang::TranslationUnitDecl>(D) &&
        !SM.isInMainFile(SM.getExpansionLoc(D->getLocation())))
      return true;
    const auto *FD = llvm::dyn_cast_or_null<clang::FunctionDecl>(D);
    const clang::FunctionDecl *Outer = Function;
    if (FD && FD->doesThisDeclarationHaveABody())
      Function = FD;
    bool Continue = clang::RecursiveASTVisitor<Derived>::TraverseDecl(D);
    Function = Outer;
    return Continue;
  }

  /// The engine analyses the instantiations of templates (their calls
  /// resolve; a dependent pattern's do not), so their bodies are walked too.
  bool shouldVisitTemplateInstantiations() const { return true; }

protected:
  /// The function whose body is being walked; null outside any (a global's
  /// initializer).
  const clang::FunctionDecl *enclosingFunction() const { return Function; }

private:
  const clang::SourceManager &SM;
  const clang::FunctionDecl *Function = nullptr;
};

} // namespace chanleak

#endif
