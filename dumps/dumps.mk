# The dump factory (see docs/dumps.md). Everything heavy lives in $(ZDX_CACHE).
KERNEL   ?=
SCENARIO ?=
dumps:
	@dumps/factory.sh $(if $(KERNEL),--kernel $(KERNEL)) $(if $(SCENARIO),--scenario $(SCENARIO))
