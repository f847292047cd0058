/*
 * The dump file crash opened (pc->dumpfile), parsed once per session with
 * the pure decoder.  Plain file reads: the headers and bitmaps are file
 * metadata that crash's readmem cannot reach.
 */
#include "defs.h"
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "zdx/dumpfile.h"

/* Bitmaps up to this size each (covers 8 TiB of 4 KiB pages per 256 MiB). */
#define ZDX_MAX_BITMAP (256UL << 20)

static struct zdx_dumpfile df;
static int df_state;              /* 0 unread, 1 parsed, -1 none */
static uint64_t df_bytes;

const struct zdx_dumpfile *zdx_dumpfile_of_session(const char **path, uint64_t *bytes)
{
	struct stat st;
	int fd;

	*path = pc->dumpfile;
	*bytes = df_bytes;
	if (df_state)
		return df_state > 0 ? &df : NULL;
	df_state = -1;
	if (!pc->dumpfile || (fd = open(pc->dumpfile, O_RDONLY)) < 0)
		return NULL;
	if (!fstat(fd, &st))
		*bytes = df_bytes = (uint64_t)st.st_size;
	if (zdx_dumpfile_parse(zdx_fd_read, &fd, ZDX_MAX_BITMAP, &df) == 0)
		df_state = 1;
	close(fd);
	return df_state > 0 ? &df : NULL;
}

int zdx_crash_zero_excluded(void)
{
	return DISKDUMP_DUMPFILE() && diskdump_flags && (*diskdump_flags & ZERO_EXCLUDED);
}

/* `extend -u` unloads us: free what the session parsed. */
void __attribute__((destructor)) zdx_dumpfile_fini(void)
{
	zdx_dumpfile_free(&df);
	df_state = 0;
}
