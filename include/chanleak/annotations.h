/*===- chanleak/annotations.h - Declare user concurrency types -----------===*
 *
 * Annotate your own channel, spawner and worker types so that every chanleak
 * engine understands them as it understands the built-in ones. Under clang
 * the macros expand to [[clang::annotate("chanleak.<role>...")]]; under other
 * compilers they expand to nothing, like clang's thread-safety annotations.
 *
 *   class CHANLEAK_CHANNEL_CAPACITY_ARG(0) Queue {
 *   public:
 *     explicit Queue(std::size_t capacity);
 *     CHANLEAK_SEND void Push(int v);
 *     CHANLEAK_RECV bool Pop(int &v);   // false once closed and drained
 *     CHANLEAK_CLOSE void Close();
 *   };
 *
 * See docs/model.md for every macro and the equivalent model-file entries.
 *===----------------------------------------------------------------------===*/

#ifndef CHANLEAK_ANNOTATIONS_H
#define CHANLEAK_ANNOTATIONS_H

#if defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::annotate)
#define CHANLEAK_ANNOTATE_(role) [[clang::annotate(role)]]
#endif
#endif
#ifndef CHANLEAK_ANNOTATE_
#define CHANLEAK_ANNOTATE_(role)
#endif

#define CHANLEAK_STRINGIFY_(x) #x
#define CHANLEAK_STR_(x) CHANLEAK_STRINGIFY_(x)

/* Channel classes: how many values fit before a send blocks. */
#define CHANLEAK_CHANNEL_RENDEZVOUS CHANLEAK_ANNOTATE_("chanleak.channel=rendezvous")
#define CHANLEAK_CHANNEL_UNBOUNDED CHANLEAK_ANNOTATE_("chanleak.channel=unbounded")
#define CHANLEAK_CHANNEL_CAPACITY_ARG(index)                                   \
  CHANLEAK_ANNOTATE_("chanleak.channel=capacity-arg:" CHANLEAK_STR_(index))
/* Plain CHANLEAK_CHANNEL: capacity from the first constructor argument. */
#define CHANLEAK_CHANNEL CHANLEAK_CHANNEL_CAPACITY_ARG(0)
/* On a channel class: close() does not wake blocked senders (like Asio). */
#define CHANLEAK_CLOSE_STRANDS_SENDERS                                         \
  CHANLEAK_ANNOTATE_("chanleak.close-strands-senders")

/* Channel methods. A receive returning bool (false once closed) or a status
 * enum ends a `while (ch.Pop(v))` loop when the channel is closed. */
#define CHANLEAK_SEND CHANLEAK_ANNOTATE_("chanleak.op=send")
#define CHANLEAK_RECV CHANLEAK_ANNOTATE_("chanleak.op=recv")
#define CHANLEAK_TRY_SEND CHANLEAK_ANNOTATE_("chanleak.op=try_send")
#define CHANLEAK_TRY_RECV CHANLEAK_ANNOTATE_("chanleak.op=try_recv")
#define CHANLEAK_TIMED_SEND CHANLEAK_ANNOTATE_("chanleak.op=timed_send")
#define CHANLEAK_TIMED_RECV CHANLEAK_ANNOTATE_("chanleak.op=timed_recv")
#define CHANLEAK_CLOSE CHANLEAK_ANNOTATE_("chanleak.op=close")
#define CHANLEAK_CANCEL CHANLEAK_ANNOTATE_("chanleak.op=cancel")

/* Functions and constructors that start a thread running a callable; the
 * argument is the index of the callable parameter. */
#define CHANLEAK_SPAWN(callable_index)                                         \
  CHANLEAK_ANNOTATE_("chanleak.spawn=" CHANLEAK_STR_(callable_index))

/* Worker classes whose Start must be paired with Stop. */
#define CHANLEAK_MUST_STOP CHANLEAK_ANNOTATE_("chanleak.must-stop")
#define CHANLEAK_STOPS_ON_DESTROY CHANLEAK_ANNOTATE_("chanleak.stops-on-destroy")
#define CHANLEAK_START CHANLEAK_ANNOTATE_("chanleak.op=start")
#define CHANLEAK_STOP CHANLEAK_ANNOTATE_("chanleak.op=stop")

/* Functions that sleep or wait on a timer, and those that read a stop request. */
#define CHANLEAK_SLEEP CHANLEAK_ANNOTATE_("chanleak.op=sleep")
#define CHANLEAK_STOP_CHECK CHANLEAK_ANNOTATE_("chanleak.op=stop_check")

#endif /* CHANLEAK_ANNOTATIONS_H */
