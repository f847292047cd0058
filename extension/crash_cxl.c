/*
 * The CXL owner chain of each pgmap (zdx/cxl.h): the iomem path gives the
 * window, the CXL region's and the nvdimm region's resources and the
 * namespace; the device model gives the names iomem lacks — the nvdimm
 * region (the namespace device's parent) with its bus, and the root
 * decoder the CXL region device hangs from.  Devices are found by name on
 * devices_kset->list, every registered device's kobject (device_add()).
 */
#include "defs.h"
#include <string.h>
#include "zdx/crash_glue.h"
#include "zdx/field.h"

#define DEVMODEL_MAX_VISITS 200000    /* a corrupt list must not loop forever */

/* The kobjects named name on devices_kset->list (the first few). */
struct kobj_match {
	const char *name;
	uint64_t addr[3];
	int count;
};

/* One walk of devices_kset->list for every name of km; -1 when the list
 * cannot be walked to its end. */
static int find_devices(const struct zdx_layout *l, struct kobj_match *km, int nkm)
{
	uint64_t head = zdx_field_addr(l->devices_kset, l->off_kset_list), cur, np;
	char buf[64];
	int visits = 0, i;

	for (i = 0; i < nkm; i++)
		km[i].count = 0;
	if (!head || l->off_kobj_entry < 0 || zdx_kread_field(head, l->off_list_next, 8, &cur))
		return -1;
	while (cur != head) {
		uint64_t kobj = zdx_field_container(cur, l->off_kobj_entry);

		if (!cur || ++visits > DEVMODEL_MAX_VISITS)
			return -1;
		if (!zdx_kread_field(kobj, l->off_kobj_name, 8, &np) && np && !zdx_kread_str(np, buf, sizeof(buf)))
			for (i = 0; i < nkm; i++)
				if (!strcmp(buf, km[i].name) && km[i].count++ < 3)
					km[i].addr[km[i].count - 1] = kobj;
		if (zdx_kread_field(cur, l->off_list_next, 8, &cur))
			return -1;
	}
	return 0;
}

/* The name of kobj's parent into buf, its address into *parent; -1 if unread. */
static int parent_name(const struct zdx_layout *l, uint64_t kobj, uint64_t *parent, char *buf,
		       unsigned long n)
{
	uint64_t np;

	buf[0] = 0;
	if (zdx_kread_field(kobj, l->off_kobj_parent, 8, parent) || !*parent ||
	    zdx_kread_field(*parent, l->off_kobj_name, 8, &np) || !np || zdx_kread_str(np, buf, n))
		return -1;
	return 0;
}

/* The one device of km (besides exclude), or why not. */
static const char *one_device(const struct kobj_match *km, uint64_t exclude, uint64_t *kobj)
{
	int i, n = 0;

	for (i = 0; i < km->count && i < 3; i++)
		if (km->addr[i] != exclude && !n++)
			*kobj = km->addr[i];
	n += km->count > 3 ? km->count - 3 : 0;
	if (n != 1)
		return n ? "more than one device has the resource's name" :
			   "no device has the resource's name";
	return NULL;
}

static void read_chain(const struct zdx_layout *l, struct zdx_pgmap_info *pi)
{
	struct zdx_cxl *c = &pi->cxl;
	struct kobj_match km[2];
	uint64_t ns, ndr = 0, bus, cxlr, dec;
	const char *why = NULL;

	if (c->ns < 0 || c->region < 0)
		return;         /* c->why says which link the iomem path lacks */
	km[0].name = pi->iopath[c->ns].name;        /* the namespace device */
	km[1].name = pi->iopath[c->region].name;    /* the CXL region device */
	if (find_devices(l, km, 2))
		why = "the device list (devices_kset) could not be walked in this dump";
	if (why || (why = one_device(&km[0], 0, &ns)) ||
	    parent_name(l, ns, &ndr, c->nd_region, sizeof(c->nd_region)) ||
	    parent_name(l, ndr, &bus, c->nd_bus, sizeof(c->nd_bus))) {
		c->why = why ? why : "the namespace device's parents are not in this dump";
		c->nd_region[0] = c->nd_bus[0] = 0;
		return;
	}
	/* The CXL region device may share its name with the nvdimm region
	 * (cxl_pmem gives the nvdimm region the CXL region's id): skip that one. */
	if ((why = one_device(&km[1], ndr, &cxlr)) ||
	    parent_name(l, cxlr, &dec, c->root_decoder, sizeof(c->root_decoder))) {
		c->why = why ? why : "the CXL region device's parent is not in this dump";
		c->root_decoder[0] = 0;
	}
}

void zdx_model_read_cxl(struct zdx_model *m)
{
	int i;

	for (i = 0; i < m->npgm; i++) {
		struct zdx_pgmap_info *pi = &m->pgm[i];

		if (zdx_cxl_from_iopath(pi->iopath, pi->niopath, m->l->iores_desc_pmem, &pi->cxl))
			read_chain(m->l, pi);
	}
}
