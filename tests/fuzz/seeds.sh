#!/usr/bin/env bash
# Seed corpora for the fuzz harnesses, generated (nothing binary is checked
# in): for each harness a few well-formed inputs — the shapes the unit
# tests use — that libFuzzer then mutates.  Usage: seeds.sh OUTDIR
set -eu
out=${1:?usage: seeds.sh OUTDIR}
/usr/bin/python3 - "$out" <<'PY'
import os, struct, sys
out = sys.argv[1]
def seed(h, name, data):
    d = os.path.join(out, h); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)

# --- dump files: ELF64 with two PT_LOADs, kdump with bitmaps, flattened kdump
def elf(xnum=False):
    ph = [(1, 0x1000, 0, 0x100000, 0x100000), (1, 0x2000, 0x100000000, 0x1000, 0x2000), (4, 0, 0, 0, 0)]
    phoff = 64
    eh = bytearray(64)
    eh[0:4] = b"\x7fELF"; eh[4] = 2; eh[5] = 1; eh[6] = 1
    struct.pack_into("<HHIQQQIHHHHHH", eh, 16, 4, 62, 1, 0, phoff, 0 if not xnum else 64 + 56 * 3,
                     0, 64, 56, 0xffff if xnum else len(ph), 64, 1 if xnum else 0, 0)
    body = b"".join(struct.pack("<IIQQQQQQ", t, 7, o, 0, pa, fs, ms, 0) for t, o, pa, fs, ms in ph)
    sh = bytearray(64)
    struct.pack_into("<I", sh, 44, len(ph))
    return bytes(eh) + body + (bytes(sh) if xnum else b"")
seed("fuzz_dumpfile", "elf", elf())
seed("fuzz_dumpfile", "elf-xnum", elf(True))
hostile = bytearray(elf()); struct.pack_into("<HH", hostile, 54, 0xffff, 0xfffe)
seed("fuzz_dumpfile", "hostile-phentsize", bytes(hostile))
def kdump():
    bs = 4096
    h = bytearray(bs)
    h[0:8] = b"KDUMP   "
    struct.pack_into("<i", h, 8, 6)
    h[12 + 130:12 + 130 + 6] = b"6.1.0\0"
    struct.pack_into("<IIIII", h, 424, 0x20, bs, 1, 2, 0x200)
    struct.pack_into("<i", h, 460, 1)
    sub = bytearray(bs)
    struct.pack_into("<QiiQQ", sub, 0, 0x1000000, 31, 0, 0, 0)
    struct.pack_into("<QQQ", sub, 80, 0, 0, 0x200)
    bm1 = bytes([0xff] * 64) + bytes(bs - 64)
    bm2 = bytes([0x0f] * 64) + bytes(bs - 64)
    return bytes(h) + bytes(sub) + bm1 + bm2
k = kdump()
seed("fuzz_dumpfile", "kdump", k)
flat = bytearray(4096); flat[0:13] = b"makedumpfile\0"
flat += struct.pack(">qq", 0, len(k)) + k + struct.pack(">qq", -1, -1)
seed("fuzz_dumpfile", "kdump-flat", bytes(flat))

# --- section words: absent-mask, pfn (5 bytes), struct mem_section (32)
vmemmap = 0xffffea0000000000
sec = struct.pack("<QQQQ", vmemmap | 0xf, 0xffff888000001000, 0, 0)
seed("fuzz_section", "online", b"\0" + bytes([0, 0, 0x6, 0, 1]) + sec)
seed("fuzz_section", "nid", b"\0" + bytes(5) + struct.pack("<QQQQ", 1 << 6, 0, 0, 0))

# --- usage maps: absent-mask, pfn, width, struct mem_section_usage (24)
use = struct.pack("<QQQ", 0, 0, 0x00ff00ff00ff00ff)
seed("fuzz_usage", "half", b"\0" + bytes([0, 0, 0x6, 0, 1]) + b"\x20" + use)
seed("fuzz_usage", "full", b"\0" + bytes(5) + b"\x40" + struct.pack("<QQQ", 0, 0, 2**64 - 1))

# --- xarray: head, index, then a root (shift 18) and a leaf (shift 12)
BASE = 0xffff888000000000
NODE = 576
def node(shift, slots):
    n = bytearray(NODE); n[0] = shift
    for i, v in slots.items():
        struct.pack_into("<Q", n, 40 + 8 * i, v)
    return bytes(n)
root_at, leaf_at = BASE + 64, BASE + 64 + NODE
leaf = {0x20: 0xffff888010000000}
leaf.update({i: (0x20 << 2) | 2 for i in range(0x21, 0x40)})
mem = struct.pack("<QQ", root_at | 2, 0x60000) + bytes(48)
mem += node(18, {1: leaf_at | 2}) + node(12, leaf)
seed("fuzz_xarray", "multi-index", mem)
# issue 10's hang: 11 nodes, every slot of node i naming node i+1 (64^10 paths)
dag = struct.pack("<QQ", (BASE + 64) | 2, 0) + bytes(48)
for i in range(11):
    nxt = (BASE + 64 + NODE * (i + 1)) | 2 if i < 10 else 0xffff888010000000
    dag += node(60 - 6 * i, {k: nxt for k in range(64)})
seed("fuzz_xarray", "hostile-dag", dag)
seed("fuzz_xarray", "single", struct.pack("<QQ", 0xffff888010000000, 0))

# --- dev_pagemap: absent-mask (2), pfn (5), then the 6.1 struct (152)
def pgmap(start, end, typ, altmap, nr=1):
    p = bytearray(152 + 16 * (nr - 1))
    if altmap:
        struct.pack_into("<QQQQQQ", p, 0, start >> 12, end >> 12, 2, 0x9f0, 0x1fe, 0x800)
    struct.pack_into("<II", p, 96, typ, 0)
    struct.pack_into("<i", p, 128, nr)
    for i in range(nr):
        struct.pack_into("<QQ", p, 136 + 16 * i, start + i * 0x10000000, end + i * 0x10000000)
    return bytes(p)
seed("fuzz_pgmap", "fsdax", bytes(2) + bytes([0, 0, 0x60, 0, 0]) + pgmap(0x60000000, 0x6fffffff, 3, True))
seed("fuzz_pgmap", "devdax", bytes(2) + bytes([0, 0, 0x60, 0, 0]) + pgmap(0x60000000, 0x6fffffff, 4, False))
seed("fuzz_pgmap", "hostile-range-end", bytes(2) + bytes(5) + pgmap(0x60000000, 0xfffffffffffffffe, 4, False))
seed("fuzz_pgmap", "two-ranges", bytes(2) + bytes(5) + pgmap(0x60000000, 0x67ffffff, 4, False, 2))

# --- struct page: absent-mask, then 64 bytes
pg = struct.pack("<QQQQQQII", (2 << 51) | (1 << 12), 0xffff888010000000, 0, 0, 0, 0, 0, 1)
seed("fuzz_page", "reserved", b"\0" + pg)
seed("fuzz_page", "poison", b"\0" + b"\xff" * 64)

# --- IDT gates: Debian 6.1's gate_struct layout, asm_exc_page_fault's
# address (0xffffffff81c00be0) to look for, then gates 0-14 as the dump had them
gate = lambda a: struct.pack("<HHHHII", a & 0xffff, 0x10, 0x8e00, a >> 16 & 0xffff, a >> 32, 0)
seed("fuzz_idt", "debian-6.1", bytes([16, 0, 2, 6, 2, 8, 4]) + struct.pack(">Q", 0xffffffff81c00be0)
     + b"".join(gate(0xffffffff81c00000 + 0x40 * v) for v in range(14)) + gate(0xffffffff81c00be0))
seed("fuzz_idt", "absent-middle", bytes([16, 0, 2, 0xff, 2, 8, 4]) + bytes(8) + gate(0xffffffff81c00be0))

# --- panic text
seed("fuzz_panic", "bt", "PID: 153 TASK: ffff888004b8a100 CPU: 0 COMMAND: \"insmod\"\n"
     " #5 [ffffc900004bbc38] asm_exc_general_protection at ffffffff81c00aa6\n"
     "    [exception RIP: scan_pages+69]\n"
     "    RIP: ffffffffc0a3c045  RSP: ffffc900004bbce8  RFLAGS: 00010206\n"
     "    RAX: 8d793816181d0334  RBX: ffffea0001800040  RCX: 0000000000000000\n"
     " #6 [ffffc900004bbd18] zdx_walker_init at ffffffffc0a3c2a5 [zdx_walker]\n")
seed("fuzz_panic", "log", "[    3.1] BUG: unable to handle page fault for address: ffffea0000000000\n"
     "[    9.0] general protection fault, probably for non-canonical address 0x8d793816181d0334: 0000\n"
     "[    9.2] page:ffffea0001800040 refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x60001\n"
     "[ 1.0] kernel BUG at mm/page_alloc.c:1234!\n")

# --- enum text
seed("fuzz_enum", "zones", "type = enum zone_type {ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, ZONE_DEVICE, __MAX_NR_ZONES}\n")
seed("fuzz_enum", "hostile-overflow", "type = enum z {A = 0x7fffffffffffffff, B}")
seed("fuzz_enum", "values", "type = enum memory_type {MEMORY_DEVICE_PRIVATE = 1, MEMORY_DEVICE_COHERENT, MEMORY_DEVICE_FS_DAX = 0x3}\n")

# --- CXL chain: pmem desc, path length, then (desc byte, name NUL) per entry
seed("fuzz_cxl", "cxl-pmem", b"\x04\x04" + b"\x00CXL Window 0\0" + b"\x04Persistent Memory\0"
     + b"\x00region0\0" + b"\x00namespace0.0\0")
seed("fuzz_cxl", "two-pmem", b"\x04\x04" + b"\x00CXL Window 0\0" + b"\x04Persistent Memory\0"
     + b"\x04region0\0" + b"\x00namespace0.0\0")

# --- DWARF expressions: size byte, then the expression
seed("fuzz_dwarf_expr", "breg-deref", bytes([8 | 3, 0x77, 0x08, 0x06]))          # breg7 8; deref
seed("fuzz_dwarf_expr", "fbreg", bytes([8 | 3, 0x91, 0x58]))                     # fbreg -40
seed("fuzz_dwarf_expr", "pieces", bytes([16, 0x53, 0x93, 0x08, 0x5c, 0x93, 0x08]))  # rbx piece 8, r12 piece 8
seed("fuzz_dwarf_expr", "stack", bytes([8, 0x11, 0x7f, 0x12, 0x22, 0x30, 0x2e, 0x28, 0x01, 0x00, 0x9f]))

# --- module notes: shape byte, then memory at BASE: struct module
# (notes_attrs at 8) -> module_notes_attrs at 0x40 -> one bin_attribute
# (size at 16, private at 24) -> a GNU build-id note at 0x100
BASE = 0xffff888000000000
def modmem(group):
    mem = bytearray(0x140)
    struct.pack_into("<Q", mem, 8, BASE + 0x40)
    note = struct.pack("<III", 4, 20, 3) + b"GNU\0" + bytes(range(1, 21))
    mem[0x100:0x100 + len(note)] = note
    if group:   # bin_attrs list at 0 -> [attr at 0x80, NULL]; attrs from 48
        struct.pack_into("<QQQ", mem, 0x40, BASE + 0xe0, 0, 0)
        struct.pack_into("<QQ", mem, 0xe0, BASE + 0x80, 0)
        struct.pack_into("<QQ", mem, 0x80 + 16, len(note), BASE + 0x100)
    else:       # count 1 at 8, attrs at 16
        struct.pack_into("<Q", mem, 0x48, 1)
        struct.pack_into("<QQ", mem, 0x50 + 16, len(note), BASE + 0x100)
    return bytes([1 if group else 0]) + bytes(mem)
seed("fuzz_modnotes", "count", modmem(False))
seed("fuzz_modnotes", "group", modmem(True))

# --- module kallsyms: form byte, the address asked (offset from BASE, big
# endian), then memory at BASE: the `modules` head (next at 0) -> one
# struct module at 0x100 (list at +8, name at +0x18, kallsyms at +0x68,
# text at +0x70) -> mod_kallsyms at 0x200 -> 4 Elf64_Sym at 0x300 ->
# strings at 0x400; its text is BASE+0x1000..+0x1100
def modsym(form):
    mem = bytearray(0x500)
    struct.pack_into("<Q", mem, 0, BASE + 0x108)
    struct.pack_into("<Q", mem, 0x108, BASE)
    mem[0x118:0x118 + 11] = b"zdx_walker\0"
    struct.pack_into("<QQ", mem, 0x168, BASE + 0x200, BASE + 0x1000)
    struct.pack_into("<Q", mem, 0x178, 0x100)
    struct.pack_into("<QQQ", mem, 0x200, BASE + 0x300, 4, BASE + 0x400)
    mem[0x400:0x400 + 14] = b"\0f\0$x\0g\0undef\0"
    for i, (name, shndx, value) in enumerate([(0, 0, 0), (1, 2, 0x1000), (3, 2, 0x1020), (6, 2, 0x1050)]):
        struct.pack_into("<IBBHQQ", mem, 0x300 + 24 * i, name, 0, 0, shndx, BASE + value, 0)
    return bytes([form]) + struct.pack(">Q", 0x1022) + bytes(mem)
seed("fuzz_modsym", "mem", modsym(1))
seed("fuzz_modsym", "layout", modsym(0))
PY
