// A global channel declared for every translation unit that includes this.
#include <boost/fiber/unbuffered_channel.hpp>
extern boost::fibers::unbuffered_channel<int> g_shared_mailbox;
