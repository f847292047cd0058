// SPDX-License-Identifier: GPL-2.0
/*
 * zdx_walker: a test module that replays the pfn-walker bugs of 2019-2021.
 * This file is the module: its parameters, where the walker runs and init.
 * The walkers, one per mode, are in zdx_walkers.c.
 *
 * The module never logs which pfn it touches: the analysis has to find it
 * from the registers, stack and DWARF of the crash, like on a real machine.
 * dumps/kmod/README.md says which pfn faults in which configuration.
 *
 * If a walker finishes without faulting, module init fails with -EIO so the
 * guest can tell "did not fault" apart from a panic.
 *
 * ctx= runs the walker where real scrubbers and samplers run: a kthread, a
 * workqueue, a timer (softirq, on an idle CPU or over this busy task), an
 * hrtimer or irq_work (hardirq).  Module init waits for it.  nest=1 adds a
 * die notifier that re-reads the page being scanned, so the first fault
 * faults again while it is being reported.
 *
 * zdx_run() stays in init's file: it is static and called once, so the
 * compiler folds it into zdx_walker_init() and a ctx=task walker's caller
 * frame is zdx_walker_init, as the scenarios' dumps show it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <linux/cpumask.h>
#include <linux/smp.h>

#include "zdx_walker.h"

static char *mode = "";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "walker to run: altmap-reserve, altmap-memmap, device-page, shared-section, subsection-hole, offline, movable-vmemmap, control, spin-memmap, spin-data, spin-control, warn-memmap, warn-data, warn-control");

static char *ctx = "task";
module_param(ctx, charp, 0444);
MODULE_PARM_DESC(ctx, "where it runs: task (module init), kthread, workqueue, timer (softirq on an idle CPU), timer-busy (softirq over this busy task), hrtimer, irq_work (hardirq)");

static bool nest;
module_param(nest, bool, 0444);
MODULE_PARM_DESC(nest, "re-read the page being scanned from a die notifier (a fault while reporting the first)");

static unsigned long start_pfn;
module_param(start_pfn, ulong, 0444);
MODULE_PARM_DESC(start_pfn, "first pfn of the range to walk");

static unsigned long nr_pages = 1;
module_param(nr_pages, ulong, 0444);
MODULE_PARM_DESC(nr_pages, "number of pfns to walk");

/* Bound every walk: a walker must end, faulting or not. */
#define ZDX_MAX_PAGES	(1UL << 24)	/* 64 GiB of 4 KiB pages */
/* How long module init waits for a walker it handed to another context. */
#define ZDX_WAIT	(120 * HZ)

/* The walker runs where it must not sleep (timer, hrtimer, irq_work). */
bool zdx_atomic;

/*
 * Contexts.  The walker runs from the callback of the chosen context and
 * module init waits for it; a walker that faults never comes back.
 */
static const struct zdx_mode *zdx_run_mode;
static int zdx_run_ret;
static DECLARE_COMPLETION(zdx_run_done);

static void zdx_run_walk(void)
{
	zdx_run_ret = zdx_run_mode->walk(start_pfn, nr_pages);
	/* all: init's timed wait and zdx_quiesce() both see it */
	complete_all(&zdx_run_done);
}

static struct timer_list zdx_timer;
static struct hrtimer zdx_hrtimer;
static struct irq_work zdx_irq_work;
static struct work_struct zdx_work;

static void zdx_timer_fn(struct timer_list *t)
{
	zdx_run_walk();
}

static enum hrtimer_restart zdx_hrtimer_fn(struct hrtimer *t)
{
	zdx_run_walk();
	return HRTIMER_NORESTART;
}

static void zdx_irq_work_fn(struct irq_work *w)
{
	zdx_run_walk();
}

static void zdx_work_fn(struct work_struct *w)
{
	zdx_run_walk();
}

static int zdx_kthread_fn(void *unused)
{
	zdx_run_walk();
	return 0;
}

/* The busy task a timer-busy walker interrupts: this CPU, spinning. */
static noinline void zdx_busy_wait(void)
{
	unsigned long deadline = jiffies + ZDX_WAIT;

	while (!completion_done(&zdx_run_done) && time_before(jiffies, deadline))
		cpu_relax();
}

/* Wait until no callback of ours runs any more: the module may go. */
static void zdx_quiesce(void)
{
	if (sysfs_streq(ctx, "timer") || sysfs_streq(ctx, "timer-busy"))
#ifdef ZDX_HAVE_TIMER_DELETE_SYNC
		timer_delete_sync(&zdx_timer);
#else
		del_timer_sync(&zdx_timer);
#endif
	else if (sysfs_streq(ctx, "hrtimer"))
		hrtimer_cancel(&zdx_hrtimer);
	else if (sysfs_streq(ctx, "irq_work"))
		irq_work_sync(&zdx_irq_work);
	else if (sysfs_streq(ctx, "workqueue"))
		cancel_work_sync(&zdx_work);
	else
		wait_for_completion(&zdx_run_done);   /* a kthread cannot be recalled */
}

static int zdx_run(const struct zdx_mode *m)
{
	int cpu;

	zdx_run_mode = m;
	if (m->spins && (sysfs_streq(ctx, "hrtimer") || sysfs_streq(ctx, "irq_work")))
		return -EINVAL;
	if (sysfs_streq(ctx, "task"))
		return m->walk(start_pfn, nr_pages);
	if (sysfs_streq(ctx, "kthread")) {
		struct task_struct *t = kthread_run(zdx_kthread_fn, NULL, "zdx_walk");

		if (IS_ERR(t))
			return PTR_ERR(t);
	} else if (sysfs_streq(ctx, "workqueue")) {
		INIT_WORK(&zdx_work, zdx_work_fn);
		queue_work(system_unbound_wq, &zdx_work);
	} else if (sysfs_streq(ctx, "timer") || sysfs_streq(ctx, "timer-busy")) {
		WRITE_ONCE(zdx_atomic, true);
		timer_setup(&zdx_timer, zdx_timer_fn, 0);
		zdx_timer.expires = jiffies + 1;
		cpu = get_cpu();
		if (sysfs_streq(ctx, "timer-busy")) {
			add_timer_on(&zdx_timer, cpu);
			zdx_busy_wait();
			put_cpu();
		} else {
			/* another CPU, idle while this task sleeps below */
			if (cpumask_any_but(cpu_online_mask, cpu) < nr_cpu_ids)
				cpu = cpumask_any_but(cpu_online_mask, cpu);
			put_cpu();
			add_timer_on(&zdx_timer, cpu);
		}
	} else if (sysfs_streq(ctx, "hrtimer")) {
		WRITE_ONCE(zdx_atomic, true);
#ifdef ZDX_HAVE_HRTIMER_SETUP
		hrtimer_setup(&zdx_hrtimer, zdx_hrtimer_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
		hrtimer_init(&zdx_hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		zdx_hrtimer.function = zdx_hrtimer_fn;
#endif
		hrtimer_start(&zdx_hrtimer, ms_to_ktime(1), HRTIMER_MODE_REL);
	} else if (sysfs_streq(ctx, "irq_work")) {
		WRITE_ONCE(zdx_atomic, true);
		init_irq_work(&zdx_irq_work, zdx_irq_work_fn);
		irq_work_queue(&zdx_irq_work);
	} else {
		pr_err("unknown ctx '%s'\n", ctx);
		return -EINVAL;
	}
	if (!wait_for_completion_timeout(&zdx_run_done, ZDX_WAIT)) {
		pr_err("walker did not finish\n");
		zdx_quiesce();
		return -ETIMEDOUT;
	}
	zdx_quiesce();
	return zdx_run_ret;
}

static int __init zdx_walker_init(void)
{
	const struct zdx_mode *m;
	int ret;

	for (m = zdx_modes; m->name; m++)
		if (sysfs_streq(mode, m->name))
			break;
	if (!m->name) {
		pr_err("unknown mode '%s'\n", mode);
		return -EINVAL;
	}
	if (!nr_pages || nr_pages > ZDX_MAX_PAGES || start_pfn + nr_pages < start_pfn)
		return -EINVAL;

	pr_info("scanning\n");
	if (nest)
		register_die_notifier(&zdx_die_nb);
	ret = zdx_run(m);
	if (nest)
		unregister_die_notifier(&zdx_die_nb);
	return ret;
}

static void __exit zdx_walker_exit(void)
{
}

module_init(zdx_walker_init);
module_exit(zdx_walker_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pfn walkers with the ZONE_DEVICE bugs of 2019-2021, for zdx's dump factory");
