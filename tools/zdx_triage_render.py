"""zdx-triage's summaries: markdown and a static HTML page with a sortable
table, dumps grouped by verdict and faulting function (so fifty dumps of
the same bug are one group).  Pure: triage rows in, files out."""
import html
import os

COLUMNS = [("dump", "Dump"), ("kernel", "Kernel"), ("verdict", "Verdict"), ("confidence", "Confidence"),
           ("pfn", "PFN"), ("owner", "Owner"), ("faulting_function", "Faulting function"),
           ("lacks", "What the dump lacks")]


def group_key(r):
    """(verdict, faulting function without its offset); failures group by error."""
    if r.get("status") != "ok":
        return ("error", (r.get("error") or "?").split(":")[0][:60])
    fn = (r.get("faulting_function") or "").split("+")[0]
    if not fn:
        fn = "panic() from %s" % r["panic_caller"] if r.get("panic_caller") else "-"
    return (r.get("verdict") or "-", fn)


def groups(rows):
    g = {}
    for r in rows:
        g.setdefault(group_key(r), []).append(r)
    # Biggest groups first; errors last.
    return sorted(g.items(), key=lambda kv: (kv[0][0] == "error", -len(kv[1]), kv[0]))


def cell_text(r, key):
    if key == "faulting_function" and not r.get(key) and r.get("panic_caller"):
        return "(no exception) panic() from %s" % r["panic_caller"]
    if key == "dump":
        return "/".join(r["dump"].split("/")[-3:]) if r.get("dump") else "-"
    if key == "lacks" and r.get("status") != "ok":
        return "ERROR: " + (r.get("error") or "?")
    v = r.get(key)
    return "-" if v in (None, "") else str(v)


def md_cell(s):
    return s.replace("|", "\\|").replace("\n", " ")


def write_markdown(rows, path):
    ok = sum(r.get("status") == "ok" for r in rows)
    out = ["# zdx-triage summary", "",
           "%d dumps: %d triaged, %d failed. One section per verdict and faulting function." % (
               len(rows), ok, len(rows) - ok), "",
           "| Verdict | Faulting function | Dumps |", "|---|---|---|"]
    gs = groups(rows)
    for (verdict, fn), members in gs:
        out.append("| %s | `%s` | %d |" % (md_cell(verdict), md_cell(fn), len(members)))
    for (verdict, fn), members in gs:
        out += ["", "## %s — `%s` (%d)" % (verdict, fn, len(members)), "",
                "| " + " | ".join(t for _, t in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for r in members:
            out.append("| " + " | ".join(md_cell(cell_text(r, k)) for k, _ in COLUMNS) + " |")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


CSS = """body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin-bottom:1.5em;font-size:13px}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#e8eef5;cursor:pointer;user-select:none}
th.sorted-asc:after{content:" \\25B2"} th.sorted-desc:after{content:" \\25BC"}
tr.error td{background:#fde8e8} tr.group-start td{border-top:3px solid #557}
td.mono{font-family:monospace}"""

SORT_JS = """document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
  var asc=!th.classList.contains('sorted-asc');
  t.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc')});
  th.classList.add(asc?'sorted-asc':'sorted-desc');
  var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
  rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent;
   var n=parseFloat(a),m=parseFloat(c);
   var r=(!isNaN(n)&&!isNaN(m)&&/^[0-9.]+$/.test(a+c))?n-m:a.localeCompare(c);return asc?r:-r;});
  rows.forEach(function(r){b.appendChild(r)});});});});"""


def html_row(r, group, first, outdir):
    cls = ["row"] + (["error"] if r.get("status") != "ok" else []) + (["group-start"] if first else [])
    cells = ["<td>%s</td>" % html.escape(group)]
    for k, _ in COLUMNS:
        text = html.escape(cell_text(r, k))
        if k == "dump" and r.get("report_md"):
            text = '<a href="%s">%s</a>' % (html.escape(os.path.relpath(r["report_md"], outdir)), text)
        mono = ' class="mono"' if k in ("pfn", "faulting_function") else ""
        cells.append("<td%s>%s</td>" % (mono, text))
    return '<tr class="%s" data-group="%s">%s</tr>' % (" ".join(cls), html.escape(group), "".join(cells))


def write_html(rows, path):
    outdir = os.path.dirname(os.path.abspath(path))
    gs = groups(rows)
    ok = sum(r.get("status") == "ok" for r in rows)
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>zdx-triage</title>",
             "<style>%s</style></head><body>" % CSS,
             "<h1>zdx-triage</h1><p>%d dumps: %d triaged, %d failed. Click a column to sort.</p>" % (
                 len(rows), ok, len(rows) - ok),
             "<h2>Groups</h2><table id='groups' class='sortable'><thead><tr><th>Verdict</th>"
             "<th>Faulting function</th><th>Dumps</th></tr></thead><tbody>"]
    for (verdict, fn), members in gs:
        parts.append("<tr><td>%s</td><td class='mono'>%s</td><td>%d</td></tr>" % (
            html.escape(verdict), html.escape(fn), len(members)))
    parts.append("</tbody></table><h2>Dumps</h2><table id='dumps' class='sortable'><thead><tr><th>Group</th>%s"
                 "</tr></thead><tbody>" % "".join("<th>%s</th>" % t for _, t in COLUMNS))
    for (verdict, fn), members in gs:
        for i, r in enumerate(members):
            parts.append(html_row(r, "%s / %s" % (verdict, fn), i == 0, outdir))
    parts.append("</tbody></table><script>%s</script></body></html>" % SORT_JS)
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def write_summaries(rows, outdir):
    write_markdown(rows, os.path.join(outdir, "summary.md"))
    write_html(rows, os.path.join(outdir, "summary.html"))
