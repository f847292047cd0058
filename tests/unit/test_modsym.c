/* Module code named from hand-built dump memory (decode_modsym.c): the
 * modules list, the text of 7.2 (mod->mem[], offsets of Debian 7.2's
 * debuginfo) and of 6.1 (core_layout/init_layout), and the kallsyms
 * search of the kernel's find_kallsyms_symbol(): unnamed, undefined and
 * mapping symbols skipped, the size up to the next symbol or the end of
 * the text, as the oops line "RIP: 0010:zdx_page_owner_ino+0x22/0x50
 * [zdx_walker]" of the 7.2 walk-altmap-reserve dump has it.  Then
 * unformed modules, lists that never return to their head, and tables the
 * dump lacks. */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include "zdx/modsym.h"
#include "layout_fixture.h"
#include "fake_mem.h"
#include "bytes_fixture.h"

#define HEAD    0xffffffff83000000ULL    /* the list_head `modules` */
#define MOD_A   0xffffffffc0400000ULL
#define MOD_B   0xffffffffc0500000ULL
#define TEXT    0xffffffffc0434000ULL
#define ITEXT   0xffffffffc0440000ULL
#define KSYMS   0xffff888004100000ULL
#define SYMTAB  0xffff888004200000ULL
#define STRTAB  0xffff888004300000ULL

static unsigned char head[16], mod_a[1280], mod_b[1280], ksyms[32], symtab[8 * sizeof(Elf64_Sym)],
	strtab[128];

static void layout_72(struct zdx_layout *l)
{
	fixture_layout_61(l);
	l->sym_modules = HEAD;
	l->off_list_next = 0;
	l->off_module_state = 0;
	l->module_state_unformed = 3;
	l->off_module_list = 8;
	l->off_module_name = 0x18;
	l->sz_module_name = 56;
	l->off_module_mem = 0x140;
	l->sz_module_memory = 72;
	l->off_modmem_base = 0;
	l->off_modmem_size = 12;
	l->mod_text = 0;
	l->mod_init_text = 4;
	l->off_module_core_layout = ZDX_ABSENT;
	l->off_module_init_layout = ZDX_ABSENT;
	l->off_module_kallsyms = 0x388;
	l->off_modks_symtab = 0;
	l->off_modks_num_symtab = 8;
	l->off_modks_strtab = 16;
}

static void layout_61(struct zdx_layout *l)
{
	layout_72(l);
	l->off_module_mem = ZDX_ABSENT;
	l->sz_module_memory = ZDX_ABSENT;
	l->mod_text = l->mod_init_text = ZDX_ABSENT;
	l->off_module_core_layout = 0x140;
	l->off_module_init_layout = 0x190;
	l->off_modlayout_base = 0;
	l->off_modlayout_text_size = 12;
	l->off_module_kallsyms = 0x220;
}

static size_t strs;

static void sym(int i, const char *name, uint16_t shndx, uint64_t value)
{
	Elf64_Sym s = { .st_name = (uint32_t)strs, .st_shndx = shndx, .st_value = value };

	memcpy(strtab + strs, name, strlen(name) + 1);
	strs += strlen(name) + 1;
	memcpy(symtab + i * sizeof(Elf64_Sym), &s, sizeof(s));
}

/* Two modules on the list: zdx_walker (MOD_A, with kallsyms) and nd_pmem
 * (MOD_B, none); the text of each where the layout l puts it. */
static void setup(struct fake_mem *m, const struct zdx_layout *l)
{
	memset(m, 0, sizeof(*m));
	memset(mod_a, 0, sizeof(mod_a));
	memset(mod_b, 0, sizeof(mod_b));
	memset(symtab, 0, sizeof(symtab));
	strs = 1;
	strtab[0] = 0;
	put(head, MOD_A + 8, 8);
	put(mod_a + 8, MOD_B + 8, 8);
	put(mod_b + 8, HEAD, 8);
	strcpy((char *)mod_a + 0x18, "zdx_walker");
	strcpy((char *)mod_b + 0x18, "nd_pmem");
	if (l->off_module_mem >= 0) {
		put(mod_a + 0x140, TEXT, 8);
		put(mod_a + 0x140 + 12, 0x1000, 4);
		put(mod_a + 0x140 + 4 * 72, ITEXT, 8);
		put(mod_a + 0x140 + 4 * 72 + 12, 0x100, 4);
		put(mod_b + 0x140, MOD_B + 0x10000, 8);
		put(mod_b + 0x140 + 12, 0x1000, 4);
	} else {
		put(mod_a + 0x140, TEXT, 8);
		put(mod_a + 0x140 + 12, 0x1000, 4);    /* text_size; size (data too) at 8 */
		put(mod_a + 0x140 + 8, 0x3000, 4);
		put(mod_a + 0x190, ITEXT, 8);
		put(mod_a + 0x190 + 12, 0x100, 4);
	}
	put(mod_a + l->off_module_kallsyms, KSYMS, 8);
	put(ksyms, SYMTAB, 8);
	put(ksyms + 8, 7, 4);
	put(ksyms + 16, STRTAB, 8);
	sym(1, "printk", SHN_UNDEF, 0);                /* undefined: skipped */
	sym(2, "", 2, TEXT + 0x10);                    /* unnamed: skipped */
	sym(3, "zdx_page_owner_ino", 2, TEXT + 0x1c0);
	sym(4, "$x", 2, TEXT + 0x1e8);                 /* mapping symbol: skipped */
	sym(5, "zdx_walk_pfns", 2, TEXT + 0x210);
	sym(6, "zdx_walker_init", 3, ITEXT);
	fake_add(m, HEAD, head, sizeof(head));
	fake_add(m, MOD_A, mod_a, sizeof(mod_a));
	fake_add(m, MOD_B, mod_b, sizeof(mod_b));
	fake_add(m, KSYMS, ksyms, sizeof(ksyms));
	fake_add(m, SYMTAB, symtab, sizeof(symtab));
	fake_add(m, STRTAB, strtab, sizeof(strtab));
}

static void test_layout(const char *form, void (*lay)(struct zdx_layout *))
{
	struct zdx_layout l;
	struct fake_mem m;
	struct zdx_module mods[4];
	struct zdx_modsym s;
	uint64_t v = 0;
	int n, more;

	lay(&l);
	setup(&m, &l);
	n = zdx_modules_walk(&l, fake_read, &m, mods, 4, &more);
	ok(n == 2 && !more && !strcmp(mods[0].name, "zdx_walker") && mods[0].addr == MOD_A &&
	   !strcmp(mods[1].name, "nd_pmem"), "%s: the modules list gives both modules (%d)", form, n);
	ok(zdx_module_text_of(&mods[0], TEXT + 0x1e2) == 0 && zdx_module_text_of(&mods[0], ITEXT + 8) == 1 &&
	   zdx_module_text_of(&mods[0], TEXT + 0x1000) < 0, "%s: core and init text, end excluded", form);
	ok(zdx_find_kallsyms_symbol(&l, &mods[0], TEXT + 0x1e2, fake_read, &m, &s) == 0 &&
	   !strcmp(s.name, "zdx_page_owner_ino") && s.offset == 0x22 && s.size == 0x50 &&
	   !strcmp(s.module, "zdx_walker") && s.module_addr == MOD_A,
	   "%s: zdx_page_owner_ino+0x22/0x50 [zdx_walker], past the mapping symbol (%s+%#llx/%#llx)",
	   form, s.name, (unsigned long long)s.offset, (unsigned long long)s.size);
	ok(zdx_find_kallsyms_symbol(&l, &mods[0], ITEXT + 0x20, fake_read, &m, &s) == 0 &&
	   !strcmp(s.name, "zdx_walker_init") && s.size == 0x100,
	   "%s: init text: size up to the end of the init text (%#llx)", form, (unsigned long long)s.size);
	ok(zdx_find_kallsyms_symbol(&l, &mods[0], TEXT + 0x4, fake_read, &m, &s) < 0,
	   "%s: below every named symbol: no name (the unnamed one is not used)", form);
	ok(zdx_find_kallsyms_symbol(&l, &mods[0], TEXT + 0x2000, fake_read, &m, &s) < 0,
	   "%s: outside the module's text: no name", form);
	ok(zdx_module_kallsyms_lookup_name(&l, &mods[0], "zdx_walk_pfns", fake_read, &m, &v) == 0 &&
	   v == TEXT + 0x210, "%s: the log's name gives its address", form);
	ok(zdx_module_kallsyms_lookup_name(&l, &mods[0], "printk", fake_read, &m, &v) < 0 &&
	   zdx_module_kallsyms_lookup_name(&l, &mods[0], "nosuch", fake_read, &m, &v) < 0,
	   "%s: an undefined or unknown name has no address", form);
	ok(mods[1].kallsyms == 0 && zdx_find_kallsyms_symbol(&l, &mods[1], mods[1].text[0].base + 8,
							     fake_read, &m, &s) < 0,
	   "%s: a module without kallsyms names nothing", form);
}

static void test_damaged(void)
{
	struct zdx_layout l;
	struct fake_mem m;
	struct zdx_module mods[4];
	struct zdx_modsym s;
	int n, more;

	layout_72(&l);
	setup(&m, &l);
	put(mod_b, 3, 4);     /* MODULE_STATE_UNFORMED */
	n = zdx_modules_walk(&l, fake_read, &m, mods, 4, &more);
	ok(n == 1 && !strcmp(mods[0].name, "zdx_walker"), "an unformed module is passed over (%d)", n);

	setup(&m, &l);
	put(mod_b + 8, MOD_A + 8, 8);    /* a cycle that misses the head */
	n = zdx_modules_walk(&l, fake_read, &m, mods, 4, &more);
	ok(n == 4 && more, "a list that never returns to its head stops, bounded (%d, more %d)", n, more);

	setup(&m, &l);
	put(mod_a + 8, 0xffff888009990000ULL, 8);    /* next not in the dump */
	n = zdx_modules_walk(&l, fake_read, &m, mods, 4, &more);
	ok(n == 1 && more, "an unreadable next stops the walk and says so (%d)", n);

	setup(&m, &l);
	n = zdx_modules_walk(&l, fake_read, &m, mods, 1, &more);
	ok(n == 1 && more, "more modules than room: counted as more");

	setup(&m, &l);
	zdx_modules_walk(&l, fake_read, &m, mods, 4, &more);
	put(ksyms + 8, 0xffffffff, 4);    /* num_symtab corrupt: reads stop at the table's end */
	ok(zdx_find_kallsyms_symbol(&l, &mods[0], TEXT + 0x1e2, fake_read, &m, &s) == 0 &&
	   !strcmp(s.name, "zdx_page_owner_ino"), "a huge num_symtab: the readable symbols still name it");
	put(ksyms + 16, 0xffff888009990000ULL, 8);    /* strtab not in the dump */
	ok(zdx_find_kallsyms_symbol(&l, &mods[0], TEXT + 0x1e2, fake_read, &m, &s) < 0,
	   "a string table the dump lacks: no name, not a guess");

	layout_72(&l);
	l.sym_modules = 0;
	ok(zdx_modules_walk(&l, fake_read, &m, mods, 4, &more) < 0, "no `modules` symbol: no walk");
	layout_72(&l);
	l.off_module_name = ZDX_ABSENT;
	setup(&m, &l);
	ok(zdx_modules_walk(&l, fake_read, &m, mods, 4, &more) == 0, "no module.name: no module read");
}

int main(void)
{
	test_layout("7.2 mem[]", layout_72);
	test_layout("6.1 core_layout", layout_61);
	test_damaged();
	return tap_done();
}
