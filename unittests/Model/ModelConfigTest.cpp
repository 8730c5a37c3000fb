//===- ModelConfigTest.cpp - The model a front end's options describe -----===//

#include "chanleak/Model/ModelConfig.h"
#include "gtest/gtest.h"
#include <algorithm>

using namespace chanleak;

namespace {

TEST(ModelConfigTest, OptionListsAreTrimmedAndBlanksSkipped) {
  ModelIndexCache Cache;
  std::string Error;
  auto Index = Cache.get({"", " app::Queue ;; ; app::Inbox", "app::spawn; "}, Error);
  ASSERT_TRUE(Index);
  EXPECT_EQ(Error, "");
  const ApiModel &Model = Index->model();
  ASSERT_NE(Model.findChannel("app::Queue"), nullptr);
  EXPECT_EQ(Model.findChannel("app::Queue")->opFor("push"), OpKind::Send);
  EXPECT_NE(Model.findChannel("app::Inbox"), nullptr);
  EXPECT_NE(Model.findSpawner("app::spawn"), nullptr);
  EXPECT_TRUE(std::none_of(Model.channels().begin(), Model.channels().end(),
                           [](const ChannelModel &C) { return C.TypeName.empty(); }));
}

TEST(ModelConfigTest, OneIndexPerConfiguration) {
  ModelIndexCache Cache;
  std::string Error;
  auto A = Cache.get({"", "app::Queue", ""}, Error);
  EXPECT_EQ(A, Cache.get({"", "app::Queue", ""}, Error));
  EXPECT_NE(A, Cache.get({"", "app::Inbox", ""}, Error));
}

TEST(ModelConfigTest, UnreadableModelFileIsReportedOnceAndTheRestWorks) {
  ModelIndexCache Cache;
  std::string First, Second;
  auto Index = Cache.get({"/nonexistent/chanleak-model.yaml", "app::Queue", ""}, First);
  ASSERT_TRUE(Index);
  EXPECT_NE(First.find("/nonexistent/chanleak-model.yaml"), std::string::npos) << First;
  EXPECT_NE(Index->model().findChannel("app::Queue"), nullptr);
  // Another configuration with the same file: the error was already said.
  Cache.get({"/nonexistent/chanleak-model.yaml", "", ""}, Second);
  EXPECT_EQ(Second, "");
}

} // namespace
