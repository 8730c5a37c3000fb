// RPC dispatcher: each request is served on a worker thread which replies
// through a Handoff; the dispatcher reads one reply per request.
#include <functional>
#include <string>
#include <thread>

#include "annotated/work_queue.h"
#include "scenario.h"

struct Reply {
  int status = 0;
  std::string body;
};

void Respond(work::Handoff<Reply> &out, const std::string &method) {
  auto &reply_to = out;
  if (method != "GET" && method != "HEAD") {
    reply_to.Push(Reply{405, "method not allowed"});
  }
  reply_to.Push(Reply{200, "ok"}); // CHANLEAK: chanleak-double-send
}

int Dispatch(work::Handoff<Reply> &replies, const std::string &method) {
  std::thread(Respond, std::ref(replies), method).detach(); // CHANLEAK-SPAWN
  Reply r;
  replies.Pop(r);
  return r.status;
}

// The reply slot lives as long as the server.
work::Handoff<Reply> g_replies;

void ServeOne() { Dispatch(g_replies, "DELETE"); }

CHANLEAK_SCENARIO_MAIN(ServeOne)
