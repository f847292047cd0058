#!/usr/bin/env python3
"""Make a QEMU 7.2 ELF vmcore acceptable to makedumpfile 1.7.2, in place.

QEMU puts the program headers at e_phoff (after a section header used for
the >65535-phdr case); makedumpfile assumes they directly follow the ELF
header ("Can't get the number of PT_LOAD").  Segment data lies after the
program headers, so moving them down to offset 64 overwrites only the
header area; the section headers are dropped (e_shoff/e_shnum = 0).  The
file is patched in place so no second multi-GB copy is needed.
"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")


def fix(path):
    with open(path, "r+b") as f:
        hdr = bytearray(f.read(EHDR.size))
        (ident, etype, mach, ver, entry, phoff, shoff, flags, ehsize,
         phentsize, phnum, shentsize, shnum, shstrndx) = EHDR.unpack(hdr)
        if ident[:4] != b"\x7fELF" or ident[4] != 2:
            sys.exit("elffix: %s is not an ELF64 file" % path)
        if phnum == 0xFFFF:
            sys.exit("elffix: %s uses extended program header numbering; not supported" % path)
        if phoff == EHDR.size:
            return "already fixed"
        f.seek(phoff)
        phdrs = f.read(phentsize * phnum)
        first_data = min(struct.unpack_from("<Q", phdrs, i * phentsize + 8)[0] for i in range(phnum))
        if EHDR.size + len(phdrs) > first_data:
            sys.exit("elffix: no room for program headers before the first segment")
        f.seek(EHDR.size)
        f.write(phdrs)
        f.seek(0)
        f.write(EHDR.pack(ident, etype, mach, ver, entry, EHDR.size, 0, flags, ehsize,
                          phentsize, phnum, 0, 0, 0))
    return "moved %d program headers from %d to %d" % (phnum, phoff, EHDR.size)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print("elffix: %s: %s" % (p, fix(p)))
