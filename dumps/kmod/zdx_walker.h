/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two files of zdx_walker.ko share: zdx_walkers.c, the pfn walkers
 * (one per mode), and zdx_walker_main.c, the module (its parameters, where
 * the walker runs, init).
 */
#ifndef ZDX_WALKER_H
#define ZDX_WALKER_H

#include <linux/types.h>
#include <linux/notifier.h>

struct zdx_mode {
	const char *name;
	int (*walk)(unsigned long start, unsigned long count);
	/*
	 * Waits for a page without sleeping: in a task or softirq the soft-lockup
	 * detector catches it, in hardirq it would be a hard lockup, which
	 * QEMU's guests cannot detect.
	 */
	bool spins;
};

/* zdx_walkers.c: the modes, ended by an entry without a name. */
extern const struct zdx_mode zdx_modes[];

/* zdx_walkers.c: nest=1's die notifier. */
extern struct notifier_block zdx_die_nb;

/* zdx_walker_main.c: the walker runs where it must not sleep (timer,
 * hrtimer, irq_work). */
extern bool zdx_atomic;

#endif
