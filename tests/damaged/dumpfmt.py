"""Dump file formats for the damaged-dump generator: the flattened stream,
kdump-compressed (disk_dump_header, kdump_sub_header, bitmaps, page
descriptors) and ELF64 vmcores.  Physical address -> file offset comes from
the file's own headers (ELF program headers, kdump bitmap + descriptor);
nothing here knows where a kernel object lives.

On-disk layouts: makedumpfile's diskdump_mng.h / makedumpfile.h for LP64
(the same ones extension/decode_dumpfile.c reads), <elf.h>."""
import os
import struct
import zlib

FLAT_SIGNATURE = b"makedumpfile"
FLAT_HEADER = 4096
KDUMP_SIGNATURE = b"KDUMP   "

# struct disk_dump_header (LP64): signature[8], header_version, utsname
# (6 x 65), padding to 8, struct timeval (16), status (at 424), then
# block_size, sub_hdr_size, bitmap_blocks (ints from 428), max_mapnr.
DH_BLOCK_SIZE = 428
DH_MAX_MAPNR = 440
# struct kdump_sub_header: offset_vmcoreinfo, size_vmcoreinfo (u64s from
# 32), offset_note, size_note (from 48), max_mapnr_64 (at 96)
SH_OFFSET_VMCOREINFO = 32
SH_OFFSET_NOTE = 48
SH_MAX_MAPNR_64 = 96
DH_COMPRESSED_ZLIB = 0x1
PAGE_DESC = struct.Struct("<qIIQ")   # offset, size, flags, page_flags

PT_LOAD = 1
PT_NOTE = 4


def flat_records(path):
    """[(logical offset, size, file position of the data)] of a flattened
    stream, in file order; [] when path is not one."""
    out = []
    with open(path, "rb") as f:
        if f.read(FLAT_HEADER)[:len(FLAT_SIGNATURE)] != FLAT_SIGNATURE:
            return out
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            off, size = struct.unpack(">qq", h)
            if off < 0 or size < 0:
                break
            out.append((off, size, f.tell()))
            f.seek(size, 1)
    return out


def unflatten(src, dst):
    """makedumpfile -R in Python: every record written at its logical offset."""
    tmp = dst + ".tmp"
    with open(src, "rb") as f, open(tmp, "wb") as o:
        for off, size, pos in flat_records(src):
            f.seek(pos)
            o.seek(off)
            o.write(f.read(size))
    os.replace(tmp, dst)


def layout(h):
    """(block_size, sub_hdr_size, bitmap offset, bitmap length, descriptor
    table offset) from a disk_dump_header's bytes h."""
    bs, sub, bmb = struct.unpack_from("<iiI", h, DH_BLOCK_SIZE)
    bitmap_off = (1 + sub) * bs
    return bs, sub, bitmap_off, bmb * bs, bitmap_off + bmb * bs


class Kdump:
    """A kdump-compressed (not flattened) file: its header fields, the
    bitmaps and page descriptors, page reads and page redirection."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            h = f.read(4096)
            if h[:8] != KDUMP_SIGNATURE:
                raise ValueError("%s: not a kdump-compressed file" % path)
            self.version = struct.unpack_from("<i", h, 8)[0]
            self.block_size, self.sub_hdr_size, self.bitmap_off, self.bitmap_len, self.desc_off = layout(h)
            f.seek(self.block_size)
            self.sub = f.read(self.sub_hdr_size * self.block_size)
            self.max_mapnr = struct.unpack_from("<I", h, DH_MAX_MAPNR)[0]
            if self.version >= 6:
                self.max_mapnr = struct.unpack_from("<Q", self.sub, SH_MAX_MAPNR_64)[0]
            f.seek(self.bitmap_off)
            bm = f.read(self.bitmap_len)
        self.bitmap2 = bm[self.bitmap_len // 2:]
        self.ndesc = int.from_bytes(self.bitmap2, "little").bit_count()
        self.vmcoreinfo_off, self.vmcoreinfo_size = struct.unpack_from("<QQ", self.sub, SH_OFFSET_VMCOREINFO)
        self.note_off, self.note_size = struct.unpack_from("<QQ", self.sub, SH_OFFSET_NOTE)

    def dumped(self, pfn):
        return pfn < self.max_mapnr and (self.bitmap2[pfn >> 3] >> (pfn & 7)) & 1

    def desc_pos(self, pfn):
        """File offset of pfn's page descriptor (None: not dumped)."""
        if not self.dumped(pfn):
            return None
        before = int.from_bytes(self.bitmap2[:pfn >> 3], "little").bit_count()
        before += bin(self.bitmap2[pfn >> 3] & ((1 << (pfn & 7)) - 1)).count("1")
        return self.desc_off + before * PAGE_DESC.size

    def desc(self, pfn):
        pos = self.desc_pos(pfn)
        with open(self.path, "rb") as f:
            f.seek(pos)
            return pos, PAGE_DESC.unpack(f.read(PAGE_DESC.size))

    def read_page(self, pfn):
        _pos, (off, size, flags, _pf) = self.desc(pfn)
        with open(self.path, "rb") as f:
            f.seek(off)
            data = f.read(size)
        if flags & DH_COMPRESSED_ZLIB:
            return zlib.decompress(data)
        if flags:
            raise ValueError("pfn %#x: compression %#x not supported" % (pfn, flags))
        return data

    def write_page(self, pfn, data):
        """Give pfn new contents: appended raw at the end of the file, its
        descriptor pointed there (other descriptors may share the old
        data, e.g. QEMU's one zero page).  Returns (descriptor offset, data
        offset)."""
        assert len(data) == self.block_size
        pos, (_off, _size, _flags, pf) = self.desc(pfn)
        with open(self.path, "r+b") as f:
            end = f.seek(0, 2)
            end = (end + self.block_size - 1) // self.block_size * self.block_size
            f.seek(end)
            f.write(data)
            f.seek(pos)
            f.write(PAGE_DESC.pack(end, self.block_size, 0, pf))
        return pos, end

    def first_data_off(self):
        """Lowest page-data offset (the end of the descriptor table)."""
        return self.desc_off + self.ndesc * PAGE_DESC.size


class Elf:
    """An ELF64 vmcore: PT_LOAD segments (physical -> file offset) and the
    PT_NOTE segments."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            eh = f.read(64)
            if eh[:4] != b"\x7fELF" or eh[4] != 2:
                raise ValueError("%s: not an ELF64 file" % path)
            self.phoff, = struct.unpack_from("<Q", eh, 32)
            self.phentsize, self.phnum = struct.unpack_from("<HH", eh, 54)
            f.seek(self.phoff)
            ph = f.read(self.phentsize * self.phnum)
        self.loads, self.notes = [], []
        for i in range(self.phnum):
            p_type, _fl, off, _va, pa, filesz, _memsz, _al = struct.unpack_from("<IIQQQQQQ", ph, i * self.phentsize)
            if p_type == PT_LOAD:
                self.loads.append((pa, off, filesz))
            elif p_type == PT_NOTE:
                self.notes.append((off, filesz))

    def phys_off(self, phys):
        for pa, off, filesz in self.loads:
            if pa <= phys < pa + filesz:
                return off + phys - pa
        return None


def sparse_copy(src, dst, length=None, chunk=1 << 20):
    """Copy the first length bytes of src (all of it by default) into a
    sparse dst: all-zero chunks become holes."""
    zero = bytes(chunk)
    tmp = dst + ".tmp"
    with open(src, "rb") as f, open(tmp, "wb") as o:
        left = os.path.getsize(src) if length is None else length
        while left > 0:
            b = f.read(min(chunk, left))
            if not b:
                break
            if b == zero[:len(b)]:
                o.seek(len(b), 1)
            else:
                o.write(b)
            left -= len(b)
        o.truncate(o.tell())
    os.replace(tmp, dst)



def kdump_to_elf(src, dst):
    """Write the pages of the kdump-compressed file src as a sparse ELF64
    vmcore dst: one PT_NOTE with src's ELF notes, one PT_LOAD per run of
    dumped pfns (physical address, no virtual one, as QEMU writes them).
    makedumpfile filters ELF input only: 1.7.2 refuses a flattened file and
    maps the pfns of an unflattened QEMU kdump wrongly (pfns below the
    first gap's size go missing)."""
    k = Kdump(src)
    runs, start = [], None
    for pfn in range(k.max_mapnr + 1):
        d = pfn < k.max_mapnr and k.dumped(pfn)
        if d and start is None:
            start = pfn
        elif not d and start is not None:
            runs.append((start, pfn))
            start = None
    ehdr = struct.Struct("<16sHHIQQQIHHHHHH")
    phdr = struct.Struct("<IIQQQQQQ")
    note_at = ehdr.size + phdr.size * (1 + len(runs))
    data_at = (note_at + k.note_size + k.block_size - 1) // k.block_size * k.block_size
    phdrs = [phdr.pack(PT_NOTE, 0, note_at, 0, 0, k.note_size, k.note_size, 0)]
    at = data_at
    for s, e in runs:
        n = (e - s) * k.block_size
        phdrs.append(phdr.pack(PT_LOAD, 0, at, 0, s * k.block_size, n, n, 0))
        at += n
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    tmp = dst + ".tmp"
    zero = bytes(k.block_size)
    with open(src, "rb") as f, open(tmp, "wb") as o:
        o.write(ehdr.pack(ident, 4, 62, 1, 0, ehdr.size, 0, 0, ehdr.size, phdr.size, len(phdrs), 0, 0, 0))
        o.write(b"".join(phdrs))
        f.seek(k.note_off)
        o.write(f.read(k.note_size))
        f.seek(k.desc_off)
        descs = f.read(k.ndesc * PAGE_DESC.size)
        i, pos = 0, data_at
        for s, e in runs:
            for _pfn in range(s, e):
                off, size, flags, _pf = PAGE_DESC.unpack_from(descs, i * PAGE_DESC.size)
                i += 1
                f.seek(off)
                b = f.read(size)
                if flags & DH_COMPRESSED_ZLIB:
                    b = zlib.decompress(b)
                elif flags:
                    raise ValueError("%s: compression %#x not supported" % (src, flags))
                if b != zero:
                    o.seek(pos)
                    o.write(b)
                pos += k.block_size
        o.truncate(pos)
    os.replace(tmp, dst)
