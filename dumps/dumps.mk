# The dump factory (see docs/dumps.md). Everything heavy lives in $(ZDX_CACHE).
KERNEL   ?=
SCENARIO ?=
dumps:
	@dumps/factory.sh $(if $(KERNEL),--kernel $(KERNEL)) $(if $(SCENARIO),--scenario "$(SCENARIO)")

# Conformance of every cached truth.json to dumps/truth.schema.json.
.PHONY: check-truth corpus-table
check-truth:
	@/usr/bin/python3 dumps/check_truth.py $(wildcard $(ZDX_CACHE)/dumps/*/*/truth.json) && echo "truth.json: all conform"

# The corpus table of docs/dumps.md, from the cached truth files.
corpus-table:
	@/usr/bin/python3 dumps/corpus-table.py
