/*
 * The read callback the dump-file decoders take (zdx_file_read_fn), over
 * an open file descriptor: used by the crash side (the session's dump) and
 * by zdx-buildid.  A short read is an error: the decoders never act on
 * bytes past the end of a truncated dump.
 */
#include <unistd.h>
#include "zdx/dumpfile.h"

int zdx_fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}
