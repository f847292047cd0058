#!/usr/bin/env python3
"""make lint: architecture rules of zdx that a reader should not have to
check by hand.  Prints TAP ("ok N - lint: ...") for tests/run.sh.

  field-read  A layout offset (struct zdx_layout's off_* members) becomes
              bytes or an address only through the field readers of
              include/zdx/field.h and zdx_kread_field().  Elsewhere an
              offset may be tested (`l->off_x < 0`, `==`), handed to
              ZDX_NEED(), or passed, alone or added to another offset, to a
              field reader; `buf + l->off_x`, memcpy() at it or
              zdx_kread(addr + l->off_x, ...) are errors.  crash_layout.c,
              which finds and sets the offsets, is the layout module.
  verdict     A verdict word of `zdx explain` (or its no-verdict word,
              "undetermined") is defined only in
              include/zdx/verdicts.h: a string literal (C, Python, JSON) that
              is a verdict word, or a list of them, or a verdict word in a
              shell script, anywhere else is an error.  Comments, docs
              (*.md) and scenario values (EXPECT_VERDICT= in *.scn, checked
              against the vocabulary by dumps/factory.sh) are uses, not
              definitions.

  kernel-constant
              A kernel constant (a page, section, sub-section, xarray,
              zone, node, page-flag, pgmap, iomem or nvdimm quantity the
              kernel names: PAGE_SHIFT, SECTION_SIZE_BITS, PG_*,
              MEMORY_DEVICE_*, ...) is taken from the dump by the layout
              module, extension/crash_layout.c.  A numeric #define, enum
              constant or static const elsewhere whose name (less a ZDX_
              prefix and an _ABI suffix) is such a kernel name is an error,
              unless CONTRIBUTING.md's "What is compiled in" names it: the
              list of what is compiled in, and why, stays true.

  error-print A failure is printed once, at the command boundary
              (include/zdx/error.h): no code calls crash's error(), and
              zdx_err_print() is called only by a command's entry
              (extension/cmd_*.c) or the dispatcher (extension/zdx.c).
              Every other layer fills a struct zdx_err and returns.

Known violations in files that cannot be changed yet are listed, with the
reason, in tests/lint/allowlist.txt; an entry that matches nothing any more
is itself an error, so the list only shrinks.

Usage: lint.py [ROOT]     (ROOT defaults to the repository holding this file)
"""
import ast
import io
import json
import os
import re
import sys
import tokenize

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(HERE))
ALLOWLIST = os.path.join(HERE, "allowlist.txt")

sys.path.insert(0, os.path.join(ROOT, "dumps"))
import verdicts  # noqa: E402  (parses include/zdx/verdicts.h)

VOCAB_FILE = "include/zdx/verdicts.h"
FIELD_READERS = {"zdx_field", "zdx_field_or0", "zdx_field_bytes", "zdx_field_in", "zdx_field_addr", "zdx_field_read",
                 "zdx_field_container",
                 "zdx_field_end", "zdx_field_off", "zdx_kread_field", "ZDX_NEED", "zdx_need"}
FIELD_EXEMPT = {"include/zdx/field.h", "include/zdx/layout.h", "extension/crash_layout.c"}


# --- C source without comments and literals (line numbers kept) ---

C_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))


def c_code(text):
    """text with comments and string/char literals blanked out."""
    return C_TOKEN.sub(blank, text)


def c_strings(text):
    """(line, content) of every string literal of C text, comments skipped."""
    out = []
    for m in C_TOKEN.finditer(text):
        s = m.group(0)
        if s.startswith('"'):
            out.append((text.count("\n", 0, m.start()) + 1, s[1:-1]))
    return out


# --- field-read ---

TEST_OP = re.compile(r"\s*(<=|>=|==|!=|<|>)")
TEST_OP_BEFORE = re.compile(r"(<=|>=|==|!=|<|>)\s*$")
OFFSET = re.compile(r"(?:->|\.)off_\w+")


def enclosing_calls(code, pos):
    """Names of the calls whose argument lists hold pos, innermost first."""
    names, depth, i = [], 0, pos - 1
    while i >= 0:
        c = code[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth:
                depth -= 1
            else:
                m = re.search(r"(\w+)\s*$", code[:i])
                names.append(m.group(1) if m else "")
        elif c in ";{}" and depth == 0:
            break
        i -= 1
    return names


def field_read_errors(path, text):
    code, errs = c_code(text), []
    for m in OFFSET.finditer(code):
        before = code[max(0, m.start() - 80):m.start()]
        start = m.start() - len(re.search(r"[\w\]\)]*$", before).group(0))
        if TEST_OP.match(code, m.end()) or TEST_OP_BEFORE.search(code[:start]):
            continue
        if FIELD_READERS & set(enclosing_calls(code, m.start())):
            continue
        line = code.count("\n", 0, m.start()) + 1
        errs.append("%s:%d: %s" % (path, line, text.splitlines()[line - 1].strip()))
    return errs


# --- error-print ---

CRASH_ERROR = re.compile(r"(?<![\w.>])error\s*\(")
ERR_PRINT = re.compile(r"\bzdx_err_print\s*\(")
ERR_BOUNDARY = re.compile(r"extension/(cmd_\w+|zdx)\.c$")
ERR_PRINTER = {"extension/error.c", "include/zdx/error.h"}


def error_print_errors(path, text):
    code, errs = c_code(text), []
    hits = [m.start() for m in CRASH_ERROR.finditer(code)]
    if not ERR_BOUNDARY.search(path) and path not in ERR_PRINTER:
        hits += [m.start() for m in ERR_PRINT.finditer(code)]
    for pos in sorted(hits):
        line = code.count("\n", 0, pos) + 1
        errs.append("%s:%d: %s" % (path, line, text.splitlines()[line - 1].strip()))
    return errs


# --- kernel-constant ---

KERNEL_NAME = re.compile(
    r"(PAGE_(SHIFT|SIZE|OFFSET|MASK)|PAGES_PER_\w+|SECTION_\w+|SECTIONS_\w+|PFN_SECTION_\w+|"
    r"SUBSECTION_(SHIFT|SIZE|MASK)|SUBSECTIONS_PER_SECTION|NR_MEM_SECTIONS|MAX_PHYSMEM_BITS|"
    r"XA_CHUNK_\w+|VMEMMAP_\w+|ZONES_(SHIFT|WIDTH|PGSHIFT)|NODES_(SHIFT|WIDTH|PGSHIFT)|"
    r"MAX_NR_ZONES|MAX_ORDER|PG_\w+|MEMORY_DEVICE_\w+|PGMAP_ALTMAP_VALID|IORES_\w+|"
    r"PFN_MODE_\w+|PFN_SIG\w*|DAX_SIG\w*|ZONE_(NORMAL|MOVABLE|DEVICE|DMA32|DMA)|"
    r"MHP_\w+|MEM_(ONLINE|OFFLINE|GOING_\w+))")
NUMBER = r"\(?\s*-?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*"
CONST_DEF = re.compile(
    r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+" + NUMBER + r"|"        # #define NAME 12
    r"(?:^|[{,])[ \t]*(\w+)[ \t]*=[ \t]*" + NUMBER + r"[ \t]*(?=[,}]|$)|"  # enum constant NAME = 3,
    r"\bstatic\s+const\s+[\w\s]+?\b(\w+)\s*=\s*" + NUMBER, re.M)  # static const T NAME = 5
CONST_HOME = "extension/crash_layout.c"


def compiled_in_list():
    """The text of CONTRIBUTING.md's "What is compiled in" section."""
    text = read("CONTRIBUTING.md")
    m = re.search(r"^### What is compiled in\n(.*?)(?=^#)", text, re.S | re.M)
    return m.group(1) if m else ""


def kernel_name(name):
    bare = re.sub(r"_ABI$", "", re.sub(r"^ZDX_", "", name))
    return bare if KERNEL_NAME.fullmatch(bare) else None


def kernel_constant_errors(path, text, listed):
    if path == CONST_HOME:
        return []
    code, errs = c_code(text), []
    for m in CONST_DEF.finditer(code):
        name = m.group(1) or m.group(3) or m.group(5)
        bare = kernel_name(name)
        if bare and not re.search(r"\b%s\b" % re.escape(bare), listed):
            line = code.count("\n", 0, m.start()) + 1
            errs.append("%s:%d: %s (kernel constant %s outside %s, not in CONTRIBUTING's "
                        "What is compiled in)" % (path, line, text.splitlines()[line - 1].strip(), bare,
                                                  CONST_HOME))
    return errs


# --- verdict ---

def only_verdicts(s, words):
    toks = [t for t in re.split(r"[\s,]+", s) if t]
    return bool(toks) and all(t in words for t in toks)


def py_strings(text):
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.STRING:
            try:
                v = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError):
                continue
            if isinstance(v, str):
                out.append((tok.start[0], v))
    return out


def json_strings(text):
    out = []

    def walk(v):
        if isinstance(v, str):
            out.append((0, v))
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
    walk(json.loads(text))
    return out


def sh_words(text, words):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        code = re.sub(r"(^|\s)#.*", "", line)
        for t in re.findall(r"[a-z][a-z-]*[a-z]", code):
            if t in words:
                out.append((n, t))
    return out


def verdict_errors(path, text, words):
    if path.endswith((".c", ".h")):
        hits = c_strings(text)
    elif path.endswith(".py"):
        hits = py_strings(text)
    elif path.endswith(".json"):
        hits = json_strings(text)
    elif path.endswith(".sh"):
        hits = sh_words(text, words)
    else:
        return []
    return ["%s:%s: %r" % (path, n or "?", s) for n, s in hits if only_verdicts(s, words)]


# --- the tree ---

def files(under, exts):
    for d in under:
        for dirpath, dirnames, names in os.walk(os.path.join(ROOT, d)):
            dirnames[:] = [x for x in dirnames if not x.startswith((".", "__"))]
            for n in sorted(names):
                if n.endswith(exts):
                    yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def load_allowlist():
    allow = {}
    with open(ALLOWLIST) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                rule, path = line.split()
                allow[(rule, path)] = n
    return allow


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, what, detail=()):
        self.n += 1
        print("%s %d - lint: %s" % ("ok" if cond else "not ok", self.n, what))
        for d in detail:
            print("#   " + d)
        self.failed += not cond


def self_test(t, words):
    """The rules must catch what they are meant to catch, or they prove nothing."""
    w = words[0]
    bad_c = "v = rd64(raw + l->off_x);\nmemcpy(&v, buf + l->off_y, 8);\nlong o = l->off_z;\n"
    good_c = ("if (l->off_x < 0 || !ZDX_NEED(l->off_y, \"y\")) return;\n"
              "v = zdx_field_or0(buf, n, l->off_x, 8);\n"
              "w = zdx_field_in(buf, n, l->off_a, i * l->sz_b + l->off_c, 8);\n"
              "t = l->off_a == l->off_b;\n")
    t.ok(len(field_read_errors("x.c", bad_c)) == 3 and not field_read_errors("x.c", good_c),
         "self-test: field-read catches buf + off, memcpy at an offset and an offset copied out "
         "(%d of 3), passes tests and field-reader calls" % len(field_read_errors("x.c", bad_c)),
         field_read_errors("x.c", good_c))
    bad_e = 'error(INFO, "x\\n");\nzdx_err_print(fp, "map", 0, &e);\n'
    good_e = ('set_error(df, "x"); zdx_err_set(&e, ZDX_E_USAGE, NULL, 0, "error(");\n'
              'p->error[0] = 0; /* error(INFO) */\n')
    n_bad = len(error_print_errors("extension/crash_model.c", bad_e))
    t.ok(n_bad == 2 and not error_print_errors("extension/crash_model.c", good_e)
         and not error_print_errors("extension/cmd_map.c", 'zdx_err_print(fp, "map", 0, &e);\n'),
         "self-test: error-print catches error() and zdx_err_print() below the commands (%d of 2), "
         "passes a command's zdx_err_print(), set_error(), ->error and comments" % n_bad,
         error_print_errors("extension/crash_model.c", good_e))
    bad_k = ("#define PAGE_SHIFT 12\nenum { ZDX_PG_head = 16,\n  ZDX_MEMORY_DEVICE_FS_DAX = 4,\n};\n"
             "static const unsigned int SECTION_SIZE_BITS = 27;\n#define ZDX_PFN_MODE_RAM_ABI 1\n")
    good_k = ("#define ZDX_MAX_RANGES 16\n#define PAGE_SHIFT_NOTE \"x\"\n/* #define PAGE_SHIFT 12 */\n"
              "#define ZDX_VMEMMAP_RESERVE_NR 2\nx = PAGE_SHIFT;\n")
    k_bad = kernel_constant_errors("x.c", bad_k, "")
    t.ok(len(k_bad) == 5 and not kernel_constant_errors("x.c", good_k, "`VMEMMAP_RESERVE_NR` = 2")
         and not kernel_constant_errors(CONST_HOME, bad_k, ""),
         "self-test: kernel-constant catches a #define, enum constants, a static const and an _ABI "
         "name (%d of 5), passes zdx's own bounds, comments, uses, what CONTRIBUTING lists and the "
         "layout module" % len(k_bad), kernel_constant_errors("x.c", good_k, "`VMEMMAP_RESERVE_NR` = 2"))
    cases = {"a.c": 'x = "%s"; /* "%s" */' % (w, w), "a.py": 'x = ("%s", "y")\n' % w,
             "a.json": '{"enum": ["%s"]}' % w, "a.sh": 'V="%s other"\n' % w}
    caught = [p for p, s in cases.items() if verdict_errors(p, s, words)]
    clean = ['x = "a %s b";' % w, "# %s\n" % w]
    t.ok(len(caught) == 4 and not verdict_errors("b.c", clean[0], words)
         and not verdict_errors("b.sh", clean[1], words),
         "self-test: verdict catches a word in C, Python, JSON and shell (%d of 4), not in prose "
         "or comments" % len(caught))


def main():
    t = Tap()
    words = set(verdicts.words()) | {verdicts.no_verdict()}
    allow = load_allowlist()
    used = set()
    self_test(t, sorted(words))

    def check(rule, paths, errors_of, what):
        errs, allowed = [], []
        for p in paths:
            e = errors_of(p, read(p))
            if e and (rule, p) in allow:
                used.add((rule, p))
                allowed.append("%s (%d, allowlisted)" % (p, len(e)))
            else:
                errs += e
        t.ok(not errs, what, errs + allowed)

    c_files = [p for p in files(["extension", "include"], (".c", ".h")) if p not in FIELD_EXEMPT]
    check("field-read", c_files, field_read_errors,
          "layout offsets are read only through the field readers (include/zdx/field.h)")
    check("error-print", files(["extension", "include"], (".c", ".h")), error_print_errors,
          "errors are printed once, at the command boundary (zdx_err_print(), include/zdx/error.h)")
    listed = compiled_in_list()
    t.ok(bool(listed), "CONTRIBUTING.md has a \"What is compiled in\" section")
    check("kernel-constant", files(["extension", "include"], (".c", ".h")),
          lambda p, s: kernel_constant_errors(p, s, listed),
          "kernel constants are compiled in only in %s or where CONTRIBUTING.md says why" % CONST_HOME)
    v_files = [p for p in files(["extension", "include", "dumps", "tests"], (".c", ".h", ".py", ".json", ".sh"))
               if p != VOCAB_FILE and not p.startswith("tests/lint/")]
    check("verdict", v_files, lambda p, s: verdict_errors(p, s, words),
          "verdict words are defined only in %s" % VOCAB_FILE)
    stale = ["tests/lint/allowlist.txt:%d: %s %s matches nothing: delete the line" % (n, r, p)
             for (r, p), n in sorted(allow.items(), key=lambda x: x[1]) if (r, p) not in used]
    t.ok(not stale, "every allowlist entry is still needed", stale)
    print("1..%d" % t.n)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
