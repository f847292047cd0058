/*
 * The verdict vocabulary of `zdx explain`: the one file that defines its
 * words.  Everything else reads them from here:
 *   - C code through ZDX_VERDICT_LIST (the `zdx` help text, zdx_verdict_word());
 *   - dumps/factory.sh (a scenario's EXPECT_VERDICT must be one of them);
 *   - dumps/check_truth.py (truth.json walker.expected_verdict);
 *   - tests/dump/test_explain.py (which verdicts name an owning device);
 *   - tests/lint/lint.py (a verdict word quoted anywhere else is an error).
 * Scripts parse the X(...) lines below with a regular expression: keep one
 * verdict per line, in the form X(ID, "word", device).
 *
 * device: 1 when the pfn the verdict names is device memory whose owner
 * (the namespace or dax device holding the pgmap) zdx reports; 0 for RAM
 * (its owner, when it has one, is a memory block: memoryN).
 *
 * memmap-on-memory is the RAM twin of altmap-metadata: a pfn among the
 * first pages of an online hot-plugged memory block that hold the block's
 * own memmap (memory_hotplug.memmap_on_memory).  The word is the kernel
 * parameter's, so it can be searched for; a vmemmap pfn of an offline block
 * is offline-memory (the fix is the offline one), its owner saying where.
 */
#ifndef ZDX_VERDICTS_H
#define ZDX_VERDICTS_H

#define ZDX_VERDICT_LIST(X) \
	X(ALTMAP_METADATA,  "altmap-metadata",  1) \
	X(ZONE_DEVICE_PAGE, "zone-device-page", 1) \
	X(MEMMAP_ON_MEMORY, "memmap-on-memory", 0) \
	X(MIXED_SECTION,    "mixed-section",    1) \
	X(NO_MEMMAP,        "no-memmap",        0) \
	X(OFFLINE_MEMORY,   "offline-memory",   0) \
	X(UNRELATED,        "unrelated",        0)

/* What zdx answers when the deciding candidate's sub-section map is not in
 * the dump.  Not a verdict: no scenario expects it. */
#define ZDX_NO_VERDICT "undetermined"

enum zdx_verdict_id {
#define ZDX_VERDICT_ENUM(id, word, device) ZDX_VERDICT_##id,
	ZDX_VERDICT_LIST(ZDX_VERDICT_ENUM)
#undef ZDX_VERDICT_ENUM
	ZDX_VERDICT_NR
};

/* The word of a verdict; ZDX_NO_VERDICT for an id out of range. */
static inline const char *zdx_verdict_word(enum zdx_verdict_id v)
{
	static const char *const word[ZDX_VERDICT_NR] = {
#define ZDX_VERDICT_WORD(id, word, device) word,
		ZDX_VERDICT_LIST(ZDX_VERDICT_WORD)
#undef ZDX_VERDICT_WORD
	};

	return (unsigned)v < ZDX_VERDICT_NR ? word[v] : ZDX_NO_VERDICT;
}

#endif
