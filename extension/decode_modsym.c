/*
 * Module code named from the dump (pure): what the kernel's own oops line
 * does for "RIP: 0010:func+0x22/0x50 [mod]", on the dump's data.  The
 * kernel keeps every loaded module on the `modules` list; each module's
 * text is mod->mem[MOD_TEXT] and mem[MOD_INIT_TEXT] on 6.4+ (ac3b43283923
 * ("module: replace module_layout with module_memory")), the first
 * text_size bytes of core_layout and init_layout before; its symbols are
 * mod->kallsyms, an Elf64_Sym table and its string table the loader kept
 * (layout_symtab()/add_kallsyms(), kernel/module/kallsyms.c).  Elf64_Sym
 * is the ELF ABI (elf.h), not a kernel struct.  Every list and table read
 * here is bounded: the dump may be corrupt.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include "zdx/modsym.h"

/* More modules than a machine loads (kernel/module: no limit, but a few
 * hundred in practice): a longer list is circular without its head. */
#define MAX_LIST_STEPS 65536
/* More symbols than a .ko has (the largest in-tree modules keep ~50k). */
#define MAX_SYMTAB (1 << 20)
/* Symbols read per call of rd. */
#define SYM_CHUNK 64

/* Text ranges: mem[] of 6.4+, else core_layout/init_layout. */
static int read_text(const struct zdx_layout *l, uint64_t addr, zdx_read_fn rd, void *ctx,
		     struct zdx_module *m)
{
	int i;

	for (i = 0; i < 2; i++) {
		uint64_t at;

		if (l->off_module_mem >= 0 && l->sz_module_memory > 0 && l->mod_text >= 0 &&
		    l->mod_init_text >= 0) {
			long t = i ? l->mod_init_text : l->mod_text;

			at = zdx_field_addr(addr, l->off_module_mem) + (uint64_t)t * l->sz_module_memory;
			if (zdx_field_read(rd, ctx, at, l->off_modmem_base, 8, &m->text[i].base) ||
			    zdx_field_read(rd, ctx, at, l->off_modmem_size, (unsigned)l->sz_modmem_size,
					   &m->text[i].size))
				return -1;
		} else {
			/* a layout field absent: address 0, and the read fails */
			at = zdx_field_addr(addr, i ? l->off_module_init_layout : l->off_module_core_layout);
			if (zdx_field_read(rd, ctx, at, l->off_modlayout_base, 8, &m->text[i].base) ||
			    zdx_field_read(rd, ctx, at, l->off_modlayout_text_size,
					   (unsigned)l->sz_modlayout_text_size, &m->text[i].size))
				return -1;
		}
		if (!m->text[i].base)
			m->text[i].size = 0;
	}
	return 0;
}

int zdx_module_read(const struct zdx_layout *l, uint64_t addr, zdx_read_fn rd, void *ctx,
		    struct zdx_module *m)
{
	uint64_t state;
	long n = l->sz_module_name;

	memset(m, 0, sizeof(*m));
	m->addr = addr;
	if (l->off_module_name < 0 || n <= 0)
		return -1;
	if (n > ZDX_MODULE_NAME - 1)
		n = ZDX_MODULE_NAME - 1;
	if (rd(ctx, zdx_field_addr(addr, l->off_module_name), m->name, (unsigned long)n))
		return -1;
	m->name[n] = 0;
	if (l->off_module_state >= 0 && l->module_state_unformed >= 0 &&
	    (zdx_field_read(rd, ctx, addr, l->off_module_state, (unsigned)l->sz_module_state, &state) ||
	     state == (uint64_t)l->module_state_unformed))
		return -1;
	if (read_text(l, addr, rd, ctx, m))
		return -1;
	if (zdx_field_read(rd, ctx, addr, l->off_module_kallsyms, 8, &m->kallsyms))
		m->kallsyms = 0;
	return 0;
}

int zdx_modules_walk(const struct zdx_layout *l, zdx_read_fn rd, void *ctx, struct zdx_module *out,
		     int max, int *more)
{
	uint64_t head = l->sym_modules, pos;
	int n = 0, steps;

	*more = 0;
	if (!head || l->off_module_list < 0 || l->off_list_next < 0)
		return -1;
	if (zdx_field_read(rd, ctx, head, l->off_list_next, 8, &pos))
		return (*more = 1), 0;
	for (steps = 0; pos && pos != head; steps++) {
		if (steps == MAX_LIST_STEPS) {
			*more = 1;
			break;
		}
		if (n < max && !zdx_module_read(l, zdx_field_container(pos, l->off_module_list), rd, ctx, &out[n]))
			n++;
		else if (n == max)
			*more = 1;
		if (zdx_field_read(rd, ctx, pos, l->off_list_next, 8, &pos)) {
			*more = 1;
			break;
		}
	}
	return n;
}

int zdx_module_text_of(const struct zdx_module *m, uint64_t addr)
{
	int i;

	for (i = 0; i < 2; i++)
		if (m->text[i].size && addr >= m->text[i].base && addr - m->text[i].base < m->text[i].size)
			return i;
	return -1;
}

struct symtab {
	uint64_t symtab, strtab, num;
};

static int read_symtab(const struct zdx_layout *l, const struct zdx_module *m, zdx_read_fn rd,
		       void *ctx, struct symtab *t)
{
	if (!m->kallsyms || zdx_field_read(rd, ctx, m->kallsyms, l->off_modks_symtab, 8, &t->symtab) ||
	    zdx_field_read(rd, ctx, m->kallsyms, l->off_modks_num_symtab, (unsigned)l->sz_modks_num_symtab,
			   &t->num) ||
	    zdx_field_read(rd, ctx, m->kallsyms, l->off_modks_strtab, 8, &t->strtab) ||
	    !t->symtab || !t->strtab)
		return -1;
	if (t->num > MAX_SYMTAB)
		t->num = MAX_SYMTAB;
	return 0;
}

/* The symbol's name (cut to n - 1 bytes): 0, or -1 when unreadable.  A
 * name that runs into a page the dump lacks is read a byte at a time. */
static int sym_name(const struct symtab *t, const Elf64_Sym *s, zdx_read_fn rd, void *ctx, char *buf,
		    size_t n)
{
	uint64_t at = t->strtab + s->st_name;
	size_t got = 0;

	while (got + 1 < n) {
		size_t want = n - 1 - got < 16 ? n - 1 - got : 16;

		if (rd(ctx, at + got, buf + got, want)) {
			want = 1;
			if (rd(ctx, at + got, buf + got, 1))
				return -1;
		}
		if (memchr(buf + got, 0, want))
			return 0;
		got += want;
	}
	buf[got] = 0;
	return 0;
}

/* The kernel's find_kallsyms_symbol() skips unnamed symbols and the
 * mapping symbols of is_mapping_symbol() (include/linux/module_symbol.h). */
static int uninformative(const char *nm)
{
	if (!nm[0])
		return 1;
	if (nm[0] == '.' && nm[1] == 'L')
		return 1;
	if (nm[0] == 'L' && nm[1] == '0')
		return 1;
	return nm[0] == '$' && nm[1] && strchr("axtd", nm[1]) && (!nm[2] || nm[2] == '.');
}

/* Symbol i of the table into *s: 0, or -1 when unreadable. */
static int sym_at(const struct symtab *t, uint64_t i, zdx_read_fn rd, void *ctx, Elf64_Sym *chunk,
		  uint64_t *first, Elf64_Sym *s)
{
	if (i < *first || i >= *first + SYM_CHUNK) {
		uint64_t cnt = t->num - i < SYM_CHUNK ? t->num - i : SYM_CHUNK;

		if (rd(ctx, t->symtab + i * sizeof(Elf64_Sym), chunk, cnt * sizeof(Elf64_Sym))) {
			*first = UINT64_MAX;
			return rd(ctx, t->symtab + i * sizeof(Elf64_Sym), s, sizeof(*s));
		}
		*first = i;
	}
	*s = chunk[i - *first];
	return 0;
}

int zdx_find_kallsyms_symbol(const struct zdx_layout *l, const struct zdx_module *m, uint64_t addr,
			     zdx_read_fn rd, void *ctx, struct zdx_modsym *s)
{
	Elf64_Sym chunk[SYM_CHUNK];
	struct symtab t;
	uint64_t i, first = UINT64_MAX, bestval = 0, nextval, best = 0;
	int r = zdx_module_text_of(m, addr);
	char nm[128];

	memset(s, 0, sizeof(*s));
	if (r < 0 || read_symtab(l, m, rd, ctx, &t))
		return -1;
	nextval = m->text[r].base + m->text[r].size;
	/* symbol 0 is the ELF null symbol: the search starts past it */
	for (i = 1; i < t.num; i++) {
		Elf64_Sym sym;
		uint64_t v;

		/* the table is one allocation: past an unreadable symbol the
		 * rest is not in the dump either (and a corrupt num_symtab
		 * costs no million failing reads) */
		if (sym_at(&t, i, rd, ctx, chunk, &first, &sym))
			break;
		v = sym.st_value;
		if (sym.st_shndx == SHN_UNDEF || !((v <= addr && v > bestval) || (v > addr && v < nextval)))
			continue;
		if (sym_name(&t, &sym, rd, ctx, nm, sizeof(nm)) || uninformative(nm))
			continue;
		if (v <= addr) {
			best = i;
			bestval = v;
			snprintf(s->name, sizeof(s->name), "%s", nm);
		} else {
			nextval = v;
		}
	}
	if (!best)
		return -1;
	snprintf(s->module, sizeof(s->module), "%s", m->name);
	s->module_addr = m->addr;
	s->value = bestval;
	s->offset = addr - bestval;
	s->size = nextval - bestval;
	return 0;
}

int zdx_module_kallsyms_lookup_name(const struct zdx_layout *l, const struct zdx_module *m,
				    const char *name, zdx_read_fn rd, void *ctx, uint64_t *value)
{
	Elf64_Sym chunk[SYM_CHUNK];
	struct symtab t;
	uint64_t i, first = UINT64_MAX;
	char nm[128];

	if (read_symtab(l, m, rd, ctx, &t))
		return -1;
	for (i = 1; i < t.num; i++) {
		Elf64_Sym sym;

		if (sym_at(&t, i, rd, ctx, chunk, &first, &sym))
			break;
		if (sym.st_shndx == SHN_UNDEF || sym_name(&t, &sym, rd, ctx, nm, sizeof(nm)) ||
		    strcmp(nm, name))
			continue;
		*value = sym.st_value;
		return 0;
	}
	return -1;
}
