//===- ModelConfig.h - The model a front end's options describe -*- C++ -*-===//
//
// Every front end is configured the same way: the built-in model, plus a
// model file, plus two option lists for users without one (channel types
// with the common method names, spawner functions). A run shares one index
// per configuration between all its checks or checkers; the cache that
// holds them belongs to the front end's module, not to a global.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_MODEL_MODELCONFIG_H
#define CHANLEAK_MODEL_MODELCONFIG_H

#include "chanleak/Model/ModelIndex.h"
#include "llvm/ADT/StringSet.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace chanleak {

struct ModelConfig {
  std::string ModelFile;
  /// Qualified names, ';'-separated, of channel types with push/pop/close.
  std::string ChannelTypes;
  /// Qualified names, ';'-separated, of functions that run their first
  /// argument on a new thread.
  std::string SpawnerFunctions;
};

/// The indexes of one run, by configuration.
class ModelIndexCache {
public:
  /// The index for Config. A model file that cannot be read or parsed is
  /// left out (the rest of the model still works) and its error, with its
  /// file:line:col, is put in Error the first time it is seen, so a run says
  /// it once however many checks share the file.
  std::shared_ptr<const ModelIndex> get(const ModelConfig &Config, std::string &Error);

private:
  std::mutex Lock;
  std::map<std::string, std::shared_ptr<const ModelIndex>> Indexes;
  llvm::StringSet<> ReportedErrors;
};

} // namespace chanleak

#endif
