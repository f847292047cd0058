/*
 * zdx-buildid FILE...: which kernel build each file is or needs, one JSON
 * object a line: a dump's BUILD-ID= and OSRELEASE= from its VMCOREINFO (ELF
 * note or kdump-compressed header, flattened too), or an ELF object's GNU
 * build-id note (a vmlinux).  zdx-triage asks it before fetching debuginfo.
 * Exit status: 0 when every file gave a build-id, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include "zdx/buildid.h"
#include "zdx/json.h"

static int one(const char *path)
{
	static const char *const kinds[] = { "unknown", "vmcore", "elf" };
	struct zdx_file_ids ids;
	struct zdx_json j;
	int fd = open(path, O_RDONLY), rc;

	memset(&ids, 0, sizeof(ids));
	if (fd < 0)
		snprintf(ids.why, sizeof(ids.why), "cannot open: %s", strerror(errno));
	rc = fd >= 0 ? zdx_file_ids(zdx_fd_read, &fd, &ids) : -1;
	if (fd >= 0)
		close(fd);
	zj_init(&j, stdout);
	zj_obj(&j, NULL);
	zj_str(&j, "file", path);
	zj_str(&j, "kind", kinds[ids.kind]);
	zj_str(&j, "build_id", ids.build_id[0] ? ids.build_id : NULL);
	zj_str(&j, "osrelease", ids.osrelease[0] ? ids.osrelease : NULL);
	zj_str(&j, "error", rc ? ids.why : NULL);
	zj_end_obj(&j);
	zj_done(&j);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VMCORE|VMLINUX...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		bad |= one(argv[i]);
	return bad;
}
