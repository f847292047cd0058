/* zdx report's renderers over recorded command outputs: what each input
 * says must reach the markdown and the JSON, nothing else. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "zdx/report.h"
#include "zdx/verdicts.h"

static const char meta[] =
"{\"dump\":{\"path\":\"/d/vmcore.kdump\",\"bytes\":51200000,\"build_id\":\"aabb\",\"osrelease\":\"6.1.0-50-amd64\","
"\"build_id_error\":null},\"kernel\":{\"release\":\"6.1.0-50-amd64\",\"vmlinux\":\"/k/vmlinux\","
"\"vmlinux_build_id\":\"aabb\",\"crash\":\"8.0.2\"},\"features\":[{\"name\":\"pgmap_pfn_valid()\","
"\"present\":true,\"commit\":\"34dc45be4563\",\"what\":\"metadata vs data\"}],"
"\"backtrace\":[{\"func\":\"zdx_pagecache_scan\",\"module\":\"zdx_walker\"},{\"func\":\"do_one_initcall\",\"module\":null}]}";

static const char explain[] =
"{\"verdict\":\"altmap-metadata\",\"confidence\":\"high\",\"panic\":\"BUG: unable to handle page fault\","
"\"oops\":\"BUG: unable to handle page fault for address: 8d79\",\"faulting_function\":\"zdx_page_owner_ino\","
"\"pfn\":\"0x60001\",\"owner\":\"pgmap ffff888004 (fsdax, namespace0.0, reserve)\",\"device\":\"namespace0.0\","
"\"pgmap\":\"0xffff888004\",\"region\":\"reserve\",\"why\":\"pfn 0x60001 is altmap reserve\",\"fix\":\"check pgmap_pfn_valid()\","
"\"walker\":\"zdx_pagecache_scan\",\"walker_in_catalogue\":false,\"evidence\":[{\"cause\":true,\"source\":\"dwarf\","
"\"value\":\"0x60001\",\"pfn\":\"0x60001\",\"class\":\"altmap-metadata\",\"verdict_if_cause\":\"altmap-metadata\","
"\"origin\":\"unsigned long pfn = 60001 (rbx)\",\"check\":\"log | grep -i 'unable to handle'\"}],"
"\"notes\":[\"frame at x: no zdx_walker.ko found\"]}";

static const char pfn[] = "{\"pfn\":\"0x60001\",\"pfn_valid\":true,\"pfn_to_online_page\":false,"
"\"subsection_populated\":null,\"owner\":\"device\",\"region\":\"reserve\",\"struct_page_verdict\":\"never initialised\"}";

static const char map[] = "{\"runs\":["
"{\"start_pfn\":\"0x0\",\"end_pfn\":\"0x1\",\"owner\":\"hole\",\"mixed_section\":false},"
"{\"start_pfn\":\"0x1\",\"end_pfn\":\"0x9f\",\"owner\":\"ram\",\"mixed_section\":false,\"online\":true,\"early\":true,\"node\":0,\"zone\":\"DMA\"},"
"{\"start_pfn\":\"0x9f\",\"end_pfn\":\"0x100\",\"owner\":\"hole\",\"mixed_section\":false},"
"{\"start_pfn\":\"0x100\",\"end_pfn\":\"0x1000\",\"owner\":\"ram\",\"mixed_section\":false,\"online\":true,\"early\":true,\"node\":0,\"zone\":\"DMA\"},"
"{\"start_pfn\":\"0x1000\",\"end_pfn\":\"0x60000\",\"owner\":\"ram\",\"mixed_section\":false,\"online\":true,\"early\":true,\"node\":0,\"zone\":\"DMA32\"},"
"{\"start_pfn\":\"0x60000\",\"end_pfn\":\"0x60002\",\"owner\":\"device\",\"mixed_section\":false,\"pgmap\":\"0xffff888004\",\"kind\":\"fsdax\",\"device\":\"namespace0.0\",\"region\":\"reserve\"},"
"{\"start_pfn\":\"0x60002\",\"end_pfn\":\"0x60a00\",\"owner\":\"device\",\"mixed_section\":false,\"pgmap\":\"0xffff888004\",\"kind\":\"fsdax\",\"device\":\"namespace0.0\",\"region\":\"memmap\"},"
"{\"start_pfn\":\"0x60a00\",\"end_pfn\":\"0x80000\",\"owner\":\"device\",\"mixed_section\":false,\"pgmap\":\"0xffff888004\",\"kind\":\"fsdax\",\"device\":\"namespace0.0\",\"region\":\"data\"},"
"{\"start_pfn\":\"0x80000\",\"end_pfn\":\"0x90000\",\"owner\":\"hole\",\"mixed_section\":false},"
"{\"start_pfn\":\"0x90000\",\"end_pfn\":\"0xa0000\",\"owner\":\"ram\",\"mixed_section\":false,\"online\":false,\"early\":false,\"node\":0,\"zone\":\"Movable\"}]}";

static const char pgmap[] = "{\"pgmaps\":[{\"addr\":\"0xffff888004\",\"kind\":\"fsdax\",\"type_name\":\"MEMORY_DEVICE_FS_DAX\","
"\"owner\":\"namespace0.0\",\"altmap\":{\"base_pfn\":\"0x60000\",\"reserve\":\"0x2\",\"free\":\"0x9fe\",\"align\":\"0x1fe\",\"alloc\":\"0x800\"},"
"\"regions\":[{\"region\":\"reserve\",\"first_pfn\":\"0x60000\",\"end_pfn\":\"0x60002\",\"struct_pages\":\"never initialised\"}],"
"\"memmap_home_text\":\"on the device\",\"memmap_in_dump\":false}]}";

static const char dumpcheck[] = "{\"dumpfile\":{\"path\":\"/d/vmcore.kdump\",\"format\":\"kdump-compressed\",\"dump_level\":31},"
"\"classes\":[{\"class\":\"section_roots\",\"name\":\"mem_section roots\",\"needed_pages\":2,\"present_pages\":2,\"missing_pages\":0},"
"{\"class\":\"pgmap_memmap\",\"name\":\"memmap of pgmap 0xffff888004 on the device\",\"needed_pages\":2048,\"present_pages\":0,\"missing_pages\":2048}],"
"\"consequences\":[\"the memmap of pgmap ffff888004 is not in this dump\"],\"advice\":[\"create the namespace with --map=mem\"]}";

static char *render(const struct zdx_report_in *in, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json)
		zdx_report_json(f, in);
	else
		zdx_report_markdown(f, in);
	fclose(f);
	return buf;
}

static struct zdx_jv *P(const char *s)
{
	char err[128];
	struct zdx_jv *v = zdx_jv_parse(s, err, sizeof(err));

	if (!v)
		printf("# fixture: %s\n", err);
	return v;
}

static void check_markdown(const struct zdx_report_in *in)
{
	char *md = render(in, 0);

	ok(strstr(md, "# zdx report: altmap-metadata (confidence high)") != NULL, "markdown title has the verdict");
	ok(strstr(md, "`log \\| grep -i 'unable to handle'`") != NULL, "a check command's | is escaped in a table");
	ok(strstr(md, "(the vmlinux matches)") != NULL, "build-ids compared");
	ok(strstr(md, "| **here** | `60001-60001`") == NULL && strstr(md, "| **here** | `60000-60001`") != NULL,
	   "the pfn's map run is marked");
	ok(strstr(md, "`1-9e`") == NULL && strstr(md, "`9f-ff`") != NULL && strstr(md, "`80000-8ffff`") != NULL &&
	   strstr(md, "`90000-9ffff`") == NULL,
	   "three runs either side, no more");
	ok(strstr(md, "memmap of pgmap 0xffff888004 on the device (2048 of 2048 pages)") != NULL,
	   "the summary says what the dump lacks");
	ok(strstr(md, "- create the namespace with --map=mem") != NULL, "capture advice from dumpcheck");
	ok(strstr(md, "Shown by: `zdx pgmap 0xffff888004`") != NULL, "the pgmap section names its command");
	ok(strstr(md, "| subsection_populated | unknown |") != NULL, "an unknown (null) fact is said to be unknown");
	ok(strstr(md, " #1  do_one_initcall\n") != NULL && strstr(md, "zdx_pagecache_scan [zdx_walker]") != NULL,
	   "the backtrace with module names");
	ok(strstr(md, "## Not readable\n\n- zdx pfn -j 0x60001: boom") != NULL, "errors are listed");
	free(md);
}

static void check_json(const struct zdx_report_in *in)
{
	char *js = render(in, 1);
	struct zdx_jv *r = P(js);
	const struct zdx_jv *nb = zdx_jv_get(r, "neighbourhood");

	ok(r != NULL, "the JSON report parses");
	ok(!strcmp(zdx_jv_str(r, "schema"), ZDX_REPORT_SCHEMA), "schema %s", ZDX_REPORT_SCHEMA);
	ok(!strcmp(zdx_jv_str(zdx_jv_get(r, "verdict"), "pfn"), "0x60001"), "verdict.pfn from explain");
	ok(!strcmp(zdx_jv_str(zdx_jv_get(r, "panic"), "faulting_function"), "zdx_page_owner_ino"),
	   "panic.faulting_function from explain");
	ok(zdx_jv_get(zdx_jv_get(r, "panic"), "backtrace")->n == 2, "panic.backtrace from the session");
	ok(zdx_jv_bool(zdx_jv_get(r, "kernel"), "build_id_match") == 1, "kernel.build_id_match");
	ok(zdx_jv_int(nb, "pfn_run", -1) == 5 && zdx_jv_get(nb, "runs")->n == 7, "neighbourhood: run 5 and 3 either side");
	ok(zdx_jv_get(zdx_jv_get(r, "dumpcheck"), "lacking")->n == 1, "dumpcheck.lacking: only classes with missing pages");
	ok(zdx_jv_get(zdx_jv_get(r, "capture_advice"), NULL) == NULL && zdx_jv_get(r, "capture_advice")->n == 2,
	   "capture advice: dumpcheck's, and the module debuginfo explain lacked");
	ok(!strcmp(zdx_jv_str(zdx_jv_get(zdx_jv_get(r, "inputs"), "explain"), "verdict"),
		   zdx_verdict_word(ZDX_VERDICT_ALTMAP_METADATA)),
	   "inputs.explain is explain's own JSON");
	zdx_jv_free(r);
	free(js);
}

static void check_degraded(void)
{
	struct zdx_jv *m = P("{\"dump\":{\"path\":\"/x\",\"build_id\":\"aa\"},\"kernel\":{\"vmlinux_build_id\":\"bb\"}}");
	struct zdx_report_in in = { .meta = m };
	char *md = render(&in, 0), *js = render(&in, 1);
	struct zdx_jv *r = P(js);

	ok(strstr(md, "no verdict (zdx explain printed nothing)") != NULL, "no explain: said in the title");
	ok(strstr(md, "(the vmlinux DIFFERS)") != NULL, "a build-id mismatch is flagged");
	ok(strstr(md, "Unknown: zdx dumpcheck printed nothing.") != NULL, "no dumpcheck: said");
	ok(r && zdx_jv_get(r, "verdict")->type == ZJV_NULL && zdx_jv_bool(zdx_jv_get(r, "kernel"), "build_id_match") == 0,
	   "JSON: verdict null, build_id_match false");
	zdx_jv_free(r);
	zdx_jv_free(m);
	free(md);
	free(js);
}

/* Every input's incomplete entries reach both forms, each once (the
 * model's are in every command's list), and failures beyond the table are
 * counted, not dropped. */
static void check_incomplete(void)
{
	static const char *const model_entry =
		"{\"what\":\"dev_pagemap\",\"addr\":\"0xffff888004\",\"why\":\"not in this dump: skipped\"}";
	char ex[1024], dc[1024];
	struct zdx_jv *e, *d, *r;
	struct zdx_report_in in = { 0 };
	char *md, *js;

	snprintf(ex, sizeof(ex), "{\"verdict\":\"unrelated\",\"incomplete\":[%s,{\"what\":\"candidates\","
		 "\"addr\":\"0x0\",\"why\":\"3 candidate pages/pfns beyond the first 64 not judged\"}],"
		 "\"incomplete_not_listed\":0}", model_entry);
	snprintf(dc, sizeof(dc), "{\"classes\":[],\"incomplete\":[%s,{\"what\":\"log_buf\",\"addr\":"
		 "\"0xffffffff82a00000\",\"why\":\"not in this dump: the printk log cannot be located\"}],"
		 "\"incomplete_not_listed\":2}", model_entry);
	in.explain = e = P(ex);
	in.dumpcheck = d = P(dc);
	in.errors_dropped = 5;
	md = render(&in, 0);
	js = render(&in, 1);
	r = P(js);
	ok(strstr(md, "## Incomplete") && strstr(md, "candidates") && strstr(md, "log_buf") &&
	   strstr(md, "(zdx dumpcheck)"), "markdown: every input's entries, with their command");
	ok(strstr(md, "dev_pagemap `") && !strstr(strstr(md, "dev_pagemap `") + 1, "dev_pagemap `"),
	   "markdown: the model's entry (in both inputs) once");
	ok(strstr(md, "at least 2 more not listed") && strstr(md, "5 more failures not listed"),
	   "markdown: counted entries and failures are said");
	ok(r && zdx_jv_get(r, "incomplete") && zdx_jv_get(r, "incomplete")->n == 3 &&
	   zdx_jv_int(r, "incomplete_not_listed", -1) == 2 && zdx_jv_int(r, "unreadable_not_listed", -1) == 5,
	   "JSON: 3 distinct entries, 2 not listed, 5 failures not listed");
	ok(r && !strcmp(zdx_jv_str(zdx_jv_at(zdx_jv_get(r, "incomplete"), 0), "command"), "zdx explain") &&
	   !strcmp(zdx_jv_str(zdx_jv_at(zdx_jv_get(r, "incomplete"), 2), "what"), "log_buf"),
	   "JSON: in input order, the first command to list an entry named");
	zdx_jv_free(r);
	zdx_jv_free(e);
	zdx_jv_free(d);
	free(md);
	free(js);
}

int main(void)
{
	struct zdx_report_in in = { .meta = P(meta), .explain = P(explain), .pfn = P(pfn), .map = P(map),
				    .pgmap = P(pgmap), .dumpcheck = P(dumpcheck),
				    .errors = { "zdx pfn -j 0x60001: boom" }, .nerrors = 1 };

	ok(in.meta && in.explain && in.pfn && in.map && in.pgmap && in.dumpcheck, "fixtures parse");
	check_markdown(&in);
	check_json(&in);
	check_degraded();
	check_incomplete();
	zdx_jv_free((struct zdx_jv *)in.meta);
	zdx_jv_free((struct zdx_jv *)in.explain);
	zdx_jv_free((struct zdx_jv *)in.pfn);
	zdx_jv_free((struct zdx_jv *)in.map);
	zdx_jv_free((struct zdx_jv *)in.pgmap);
	zdx_jv_free((struct zdx_jv *)in.dumpcheck);
	return tap_done();
}
