/*
 * kernel/shell/cmds_threads.c - threads from the shell: ps, spawn, kill.
 */
#include "kernel/console.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PS_MAX 64

struct ps_row {
	int tid;
	char name[THREAD_NAME_LEN];
	enum thread_state state;
	unsigned int cpu;
	enum sched_policy policy;
	int prio;
	uint64_t cycles;
	unsigned int stack_used, stack_size;
};

struct ps_snapshot {
	struct ps_row rows[PS_MAX];
	int n;
};

static struct ps_snapshot snap; /* only the shell thread uses it */

/* Copy under the scheduler's lock, print afterwards. */
static void ps_collect(struct thread *t, void *arg)
{
	struct ps_snapshot *s = arg;
	struct ps_row *r;

	if (s->n >= PS_MAX)
		return;
	r = &s->rows[s->n++];
	r->tid = t->tid;
	strlcpy(r->name, t->name, sizeof(r->name));
	r->state = t->state;
	r->cpu = t->cpu;
	r->policy = t->policy;
	r->prio = t->rt_priority;
	r->cycles = t->cpu_cycles;
	r->stack_used = thread_stack_used(t);
	r->stack_size = t->stack_top - t->stack_base;
}

static int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	snap.n = 0;
	for_each_thread(ps_collect, &snap);
	console_printf(
		"  TID NAME                 STATE     CPU CLASS  PRIO  TIME(ms)  STACK\n");
	for (int i = 0; i < snap.n; i++) {
		const struct ps_row *r = &snap.rows[i];

		console_printf(
			"%5d %-20s %-9s %3u %-6s %4d %9lu  %u/%u\n", r->tid,
			r->name, thread_state_name(r->state), r->cpu,
			r->policy == SCHED_FIFO ? "FIFO" : "NORMAL", r->prio,
			(unsigned long)(tsc_to_ns(r->cycles) / 1000000),
			r->stack_used, r->stack_size);
	}
	if (proc_count()) {
		console_printf("\n");
		proc_print_table();
	}
	return 0;
}
SHELL_COMMAND(
	ps, cmd_ps, 0, 0, "ps",
	"threads (id, name, state, the CPU it runs on, class/priority, CPU time, stack use), then processes");

/* ---- demo threads ---------------------------------------------------- */

/*
 * The threads "kill" may stop. A slot is taken before the thread is made,
 * so a thread that could not be recorded is never started, and a free
 * slot matches no tid (tid 0 is the idle thread: "kill 0" once found an
 * empty slot holding 0 and tried to stop idle).
 */
#define SPAWN_MAX 8
struct spawn_slot {
	bool used;
	int tid;
};
static struct spawn_slot spawned[SPAWN_MAX];

static int busy_demo(void *arg)
{
	volatile unsigned long spins = 0;

	(void)arg;
	while (!kthread_should_stop())
		spins++; /* never sleeps: only preemption stops it */
	return 0;
}

static int sleepy_demo(void *arg)
{
	(void)arg;
	while (!kthread_should_stop())
		msleep(100);
	return 0;
}

/* A free slot; one whose thread is gone (it never exits by itself, but
 * an oops ends a thread) is free again. */
static struct spawn_slot *free_spawn_slot(void)
{
	for (int i = 0; i < SPAWN_MAX; i++)
		if (!spawned[i].used || !find_thread(spawned[i].tid))
			return &spawned[i];
	return NULL;
}

static struct spawn_slot *find_spawned(int tid)
{
	for (int i = 0; i < SPAWN_MAX; i++)
		if (spawned[i].used && spawned[i].tid == tid)
			return &spawned[i];
	return NULL;
}

/* "spawn ... CPU": which CPU, or -1 with a message if not online. */
static int spawn_cpu(int argc, char **argv)
{
	unsigned long cpu;

	if (argc < 4)
		return (int)smp_processor_id(); /* where unbound threads go */
	if (kstrtoul(argv[3], 10, &cpu) || cpu >= nr_cpus) {
		console_printf("spawn: no CPU '%s' online (CPUs 0-%u)\n",
			       argv[3], nr_cpus - 1);
		return -1;
	}
	return (int)cpu;
}

static int cmd_spawn(int argc, char **argv)
{
	int (*fn)(void *);
	struct spawn_slot *slot;
	struct thread *t;
	int cpu = spawn_cpu(argc, argv);

	if (cpu < 0)
		return -EINVAL;
	if (!strcmp(argv[2], "busy"))
		fn = busy_demo;
	else if (!strcmp(argv[2], "sleep"))
		fn = sleepy_demo;
	else {
		return shell_usage("spawn");
	}
	slot = free_spawn_slot();
	if (!slot) {
		console_printf(
			"spawn: %d demo threads already run; kill one first\n",
			SPAWN_MAX);
		return -ENOSPC;
	}
	t = kthread_create_on_cpu(fn, NULL, (unsigned int)cpu, argv[1]);
	if (!t) {
		console_printf(
			"spawn: cannot create a thread (out of memory)\n");
		return -ENOMEM;
	}
	*slot = (struct spawn_slot){ .used = true, .tid = t->tid };
	wake_up_new_thread(t);
	console_printf("spawned %s (tid %d, %s)", t->name, t->tid, argv[2]);
	console_printf(nr_cpus > 1 ? " on CPU %d\n" : "\n", cpu);
	return 0;
}
SHELL_COMMAND(
	spawn, cmd_spawn, 2, 3, "spawn NAME busy|sleep [CPU]",
	"start a demo thread that spins or sleeps until killed, on this CPU or the one named");

static int cmd_kill(int argc, char **argv)
{
	unsigned long tid;
	struct spawn_slot *slot;
	struct thread *t;

	(void)argc;
	if (kstrtoul(argv[1], 10, &tid) || tid > INT32_MAX) {
		console_printf("kill: '%s' is not a thread id\n", argv[1]);
		return -EINVAL;
	}
	t = find_thread((int)tid);
	slot = find_spawned((int)tid);
	if (slot && t) {
		char name[THREAD_NAME_LEN];
		int code;

		slot->used = false;
		strlcpy(name, t->name, sizeof(name)); /* the stop frees t */
		code = kthread_stop(t);
		console_printf("killed %s (tid %lu), exit code %d\n", name, tid,
			       code);
		return 0;
	}
	if (t && t->proc) {
		console_printf("kill: %s (tid %lu) is process %d: killed\n",
			       t->name, tid, t->proc->pid);
		proc_kill(t->proc, "killed by the kill command");
		return 0;
	}
	if (t)
		console_printf(
			"kill: %s (tid %lu) does not stop on request; only spawned threads can be killed\n",
			t->name, tid);
	else
		console_printf("kill: no thread %lu\n", tid);
	return -EPERM;
}
SHELL_COMMAND(
	kill, cmd_kill, 1, 1, "kill TID",
	"stop a thread started with spawn (kthread_stop), or kill a process's thread");
