/* Module code named from the dump through the read callback: the input is
 * kernel memory at BASE, the `modules` list head first.  Every next
 * pointer, module text base and size, the kallsyms pointer, num_symtab,
 * the Elf64_Sym entries and their string offsets are the input's own
 * words: they may point anywhere in it, at themselves or out of it, the
 * list may never return to its head and the table may be huge.  The first
 * byte picks the text form (mem[] of 6.4+, module_layout before); the
 * next eight the address asked about, as an offset from BASE. */
#include "fuzz.h"
#include "zdx/modsym.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	int form = (int)take(&c, 1) & 1, n, i, more;
	uint64_t at = BASE + take(&c, 8), v;
	struct mem m = { c.p, c.n };
	struct zdx_layout l;
	struct zdx_module mods[4];
	struct zdx_modsym s;

	fixture_layout_61(&l);
	l.sym_modules = BASE;
	l.off_list_next = 0;
	l.off_module_state = 0;
	l.module_state_unformed = 3;
	l.off_module_list = 8;
	l.off_module_name = 0x18;
	l.sz_module_name = 56;
	l.off_module_kallsyms = 0x68;
	l.off_modks_symtab = 0;
	l.off_modks_num_symtab = 8;
	l.off_modks_strtab = 16;
	l.off_module_mem = form ? 0x70 : ZDX_ABSENT;
	l.sz_module_memory = form ? 16 : ZDX_ABSENT;
	l.off_modmem_base = 0;
	l.off_modmem_size = 8;
	l.mod_text = form ? 0 : ZDX_ABSENT;
	l.mod_init_text = form ? 1 : ZDX_ABSENT;
	l.off_module_core_layout = form ? ZDX_ABSENT : 0x70;
	l.off_module_init_layout = form ? ZDX_ABSENT : 0x80;
	l.off_modlayout_base = 0;
	l.off_modlayout_text_size = 8;
	n = zdx_modules_walk(&l, mem_read, &m, mods, 4, &more);
	for (i = 0; i < n; i++) {
		zdx_find_kallsyms_symbol(&l, &mods[i], at, mem_read, &m, &s);
		zdx_module_kallsyms_lookup_name(&l, &mods[i], "f", mem_read, &m, &v);
	}
	return 0;
}
