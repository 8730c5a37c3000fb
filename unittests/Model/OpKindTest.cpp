//===- OpKindTest.cpp - The op vocabulary ----------------------------------===//

#include "chanleak/Model/ApiModel.h"
#include "gtest/gtest.h"
#include <iterator>
#include <set>
#include <string>

using namespace chanleak;

namespace {

constexpr OpKind AllOps[] = {
    OpKind::Send,      OpKind::Recv,      OpKind::TrySend,
    OpKind::TryRecv,   OpKind::TimedSend, OpKind::TimedRecv,
    OpKind::Close,     OpKind::Cancel,    OpKind::SetValue,
    OpKind::Wait,      OpKind::TimedWait, OpKind::RequestStop,
    OpKind::StopCheck, OpKind::Sleep,     OpKind::Start,
    OpKind::Stop,      OpKind::Join,      OpKind::Detach,
    OpKind::Arrive,    OpKind::ArriveAndWait,
};
static_assert(AllOps[std::size(AllOps) - 1] == LastOpKind, "every kind is listed");

TEST(OpKindTest, NameRoundTripsForEveryKind) {
  std::set<std::string> Seen;
  for (OpKind K : AllOps) {
    llvm::StringRef Name = opKindName(K);
    EXPECT_NE(Name, "unknown") << static_cast<int>(K);
    EXPECT_TRUE(Seen.insert(Name.str()).second) << "duplicate name " << Name.str();
    std::optional<OpKind> Back = parseOpKind(Name);
    ASSERT_TRUE(Back.has_value()) << Name.str();
    EXPECT_EQ(*Back, K) << Name.str();
  }
  EXPECT_EQ(Seen.size(), std::size(AllOps));
}

TEST(OpKindTest, ExactNames) {
  EXPECT_EQ(opKindName(OpKind::Send), "send");
  EXPECT_EQ(opKindName(OpKind::Recv), "recv");
  EXPECT_EQ(opKindName(OpKind::TrySend), "try_send");
  EXPECT_EQ(opKindName(OpKind::TryRecv), "try_recv");
  EXPECT_EQ(opKindName(OpKind::TimedSend), "timed_send");
  EXPECT_EQ(opKindName(OpKind::TimedRecv), "timed_recv");
  EXPECT_EQ(opKindName(OpKind::Close), "close");
  EXPECT_EQ(opKindName(OpKind::Cancel), "cancel");
  EXPECT_EQ(opKindName(OpKind::SetValue), "set_value");
  EXPECT_EQ(opKindName(OpKind::Wait), "wait");
  EXPECT_EQ(opKindName(OpKind::TimedWait), "timed_wait");
  EXPECT_EQ(opKindName(OpKind::RequestStop), "request_stop");
  EXPECT_EQ(opKindName(OpKind::StopCheck), "stop_check");
  EXPECT_EQ(opKindName(OpKind::Sleep), "sleep");
  EXPECT_EQ(opKindName(OpKind::Start), "start");
  EXPECT_EQ(opKindName(OpKind::Stop), "stop");
  EXPECT_EQ(opKindName(OpKind::Join), "join");
  EXPECT_EQ(opKindName(OpKind::Detach), "detach");
}

TEST(OpKindTest, UnknownNamesAreRejected) {
  for (llvm::StringRef Bad : {"", "Send", "SEND", "send ", " send", "push",
                              "try-send", "timedrecv", "unknown"})
    EXPECT_FALSE(parseOpKind(Bad).has_value()) << "'" << Bad.str() << "'";
}

TEST(OpKindTest, Classification) {
  for (OpKind K : AllOps) {
    bool Blocks = K == OpKind::Send || K == OpKind::Recv || K == OpKind::Wait ||
                  K == OpKind::Join || K == OpKind::ArriveAndWait;
    EXPECT_EQ(opBlocks(K), Blocks) << opKindName(K).str();
    // Nothing is both a send and a receive.
    EXPECT_FALSE(opIsSend(K) && opIsRecv(K)) << opKindName(K).str();
  }
  EXPECT_TRUE(opIsSend(OpKind::SetValue));
  EXPECT_FALSE(opBlocks(OpKind::SetValue)); // promise::set_value never blocks
  EXPECT_FALSE(opBlocks(OpKind::TimedRecv));
  EXPECT_FALSE(opBlocks(OpKind::TrySend));
  EXPECT_TRUE(opIsRecv(OpKind::TimedWait));
  EXPECT_FALSE(opIsSend(OpKind::Close));
  EXPECT_FALSE(opIsRecv(OpKind::Close));
}

TEST(OpKindTest, CapacityKindNames) {
  EXPECT_EQ(capacityKindName(CapacityKind::Rendezvous), "rendezvous");
  EXPECT_EQ(capacityKindName(CapacityKind::Bounded), "bounded");
  EXPECT_EQ(capacityKindName(CapacityKind::Unbounded), "unbounded");
}

} // namespace
