//===- ModelIndex.h - Map clang AST nodes onto the API model ----*- C++ -*-===//
//
// The one place where declarations and calls in a translation unit are
// recognised as channels, channel ops, spawns, stop checks, sleeps and
// start/stop lifecycles. It reads the ApiModel (built-ins plus a model file)
// and the chanleak annotation attributes on user declarations.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_MODEL_MODELINDEX_H
#define CHANLEAK_MODEL_MODELINDEX_H

#include "chanleak/Model/ApiModel.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <memory>
#include <optional>

namespace clang {
class ASTContext;
class Preprocessor;
}

namespace chanleak {

/// The number of values a channel holds before a send blocks.
struct ChannelCapacity {
  enum KindTy { Known, Unbounded, Unknown } Kind = Unknown;
  unsigned long long Values = 0; ///< meaningful when Kind == Known

  static ChannelCapacity known(unsigned long long N) { return {Known, N}; }
  static ChannelCapacity unbounded() { return {Unbounded, 0}; }
  static ChannelCapacity unknown() { return {Unknown, 0}; }
  /// True when Count sends with no receiver surely fit.
  bool fits(unsigned long long Count) const {
    return Kind == Unbounded || (Kind == Known && Values >= Count);
  }
  /// True when Count sends with no receiver surely block one of them.
  bool surelyBlocks(unsigned long long Count) const {
    return Kind == Known && Values < Count;
  }
};

/// A call recognised as an operation of the model.
struct ModelOp {
  OpKind Kind;
  const clang::Expr *Call = nullptr;
  /// The object the op acts on (the channel, promise, thread, worker), or
  /// null for free functions such as sleep_for.
  const clang::Expr *Object = nullptr;
  /// The channel model when the object is a channel.
  const ChannelModel *Channel = nullptr;
  /// A wait handed a std::stop_token: the token. A stop requested on its
  /// source ends the wait.
  const clang::Expr *StopToken = nullptr;
  /// An op handed a completion handler: the handler (FunctionRole::HandlerArg).
  const clang::Expr *Handler = nullptr;
};

/// A call or construction that starts a thread or task.
struct ModelSpawn {
  const SpawnerModel *Spawner = nullptr;
  const clang::Expr *Site = nullptr;
  const clang::Expr *Callable = nullptr;
  llvm::SmallVector<const clang::Expr *, 4> ForwardedArgs;
};

class ModelIndex {
public:
  explicit ModelIndex(ApiModel Model);

  const ApiModel &model() const { return Model; }

  /// Forgets what was learnt from annotations: declarations are only valid
  /// within one translation unit.
  void startTranslationUnit() const;

  /// The channel model of a type, seeing through references, pointers,
  /// std::shared_ptr/unique_ptr and typedefs; null when not a channel.
  const ChannelModel *channelForType(clang::QualType T) const;
  const LifecycleModel *lifecycleForType(clang::QualType T) const;
  /// The work guard a value of type T is, or holds through a reference, a
  /// pointer, a smart pointer or a std::optional; null when none.
  const WorkGuardModel *workGuardForType(clang::QualType T) const;
  /// A std::stop_source or std::stop_token: a handle on a stop state that
  /// request_stop sets and stop-aware waits read.
  bool isStopState(clang::QualType T) const;
  /// std::error_code or boost::system::error_code: what a completion
  /// handler is told, empty when its op succeeded.
  bool isErrorCode(clang::QualType T) const;
  /// Whether M returns the stop state of its object (a stop_source's
  /// get_token, a jthread's get_stop_token and get_stop_source).
  bool returnsStopState(const clang::CXXMethodDecl *M) const;
  /// The variable or member naming an event loop inside E, a work guard's
  /// construction (`asio::make_work_guard(io_)`, `io.get_executor()`): the
  /// loop the guard holds work on; null when E names none.
  const clang::Expr *eventLoopIn(const clang::Stmt *E) const;
  /// The spawner whose handle has this type (std::thread, std::jthread).
  const SpawnerModel *spawnerForType(clang::QualType T) const;

  /// Recognises channel ops, lifecycle ops and function roles.
  std::optional<ModelOp> classifyCall(const clang::Expr *E) const;
  /// Recognises thread/task starts (constructors and functions).
  std::optional<ModelSpawn> classifySpawn(const clang::Expr *E) const;

  /// How many values the channel constructed by Init holds without a
  /// receiver (Init is a construction or a std::make_shared/make_unique).
  /// ValueOf, when given, evaluates an argument that is not a constant
  /// (a factory's parameter, seen from one call).
  ChannelCapacity
  capacityOf(const ChannelModel &Channel, const clang::Expr *Init, const clang::ASTContext &Ctx,
             llvm::function_ref<std::optional<long long>(const clang::Expr *)> ValueOf =
                 nullptr) const;

  /// The preprocessor of the translation unit being analysed, for the
  /// library version macros the model names; may be null.
  void setPreprocessor(const clang::Preprocessor *PP) const { this->PP = PP; }
  /// Whether cancelled receives disable the buffer of a channel of type T
  /// in the library version this translation unit includes; false when the
  /// version is unknown (no false alarm on a guess).
  bool cancelledReceiveDisablesBuffer(clang::QualType T) const;

private:
  const ChannelModel *channelForRecord(const clang::CXXRecordDecl *RD) const;
  const LifecycleModel *lifecycleForRecord(const clang::CXXRecordDecl *RD) const;
  std::optional<OpKind> annotatedOp(const clang::FunctionDecl *FD) const;
  /// modelName(), computed once per declaration: it is asked for every call
  /// and construction the analysis walks.
  const std::string &nameOf(const clang::NamedDecl *D) const;

  /// The version a VersionBound names, from its macro or its header.
  std::optional<unsigned long long> libraryVersion(const VersionBound &Bound,
                                                   const clang::CXXRecordDecl *RD) const;

  ApiModel Model;
  mutable const clang::Preprocessor *PP = nullptr;
  /// Versions read from version headers, by header path.
  mutable llvm::StringMap<std::optional<unsigned long long>> HeaderVersions;
  /// Models synthesised from annotations, owned here and cached per class.
  mutable llvm::DenseMap<const clang::CXXRecordDecl *,
                         std::unique_ptr<ChannelModel>>
      AnnotatedChannels;
  mutable llvm::DenseMap<const clang::CXXRecordDecl *,
                         std::unique_ptr<LifecycleModel>>
      AnnotatedLifecycles;
  mutable llvm::DenseMap<const clang::FunctionDecl *,
                         std::unique_ptr<SpawnerModel>>
      AnnotatedSpawners;
  mutable llvm::DenseMap<const clang::NamedDecl *, std::string> Names;
};

/// The name the model uses for a declaration: qualified, without template
/// arguments, inline namespaces (std::__1, std::__cxx11) dropped.
std::string modelName(const clang::NamedDecl *D);

/// Strips parentheses, implicit casts, temporaries and std::move/std::ref.
const clang::Expr *ignoreWrappers(const clang::Expr *E);

/// The execution context an executor comes from (`io.get_executor()` is
/// io's), else the expression itself, wrappers stripped.
const clang::Expr *executionContextOf(const clang::Expr *Executor);

} // namespace chanleak

#endif
