"""Work queues from the shell: wq, wq demo, and the kworker threads in ps.

A plain boot. The commands (kernel/shell/cmds_wq.c, cmds_threads.c):

    wq        WORKQUEUE FLAGS ACTIVE/MAX PENDING RUNNING QUEUED EXECUTED MAX_CONC
              then one block per pool: "pool 0 (NORMAL): N workers, N idle, ..."
              and a line per worker (idle, or running/sleeping FUNCTION (QUEUE))
    wq demo   "queued 3 of 3 items on events (each sleeps 2000 ms)"
    ps        kworker/0:N (NORMAL 0) and kworker/0:NH (FIFO 1)

Every wait is a bounded poll of `wq`; nothing assumes a fixed sleep.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""

PROMPT_TIMEOUT = 30
DEMO_TIMEOUT = 15.0   # the demo items sleep 2 s each, side by side
SHRINK_TIMEOUT = 30.0  # surplus idle workers exit after 5 s idle

SYSTEM_QUEUES = {       # name -> FLAGS column
    "events": "-",
    "events_highpri": "HIGHPRI",
    "events_bh": "BH",
    "events_bh_highpri": "BH,HI",
}

_HEADER = re.compile(r"^WORKQUEUE\s+FLAGS\s+ACTIVE/MAX\s+PENDING\s+RUNNING\s+QUEUED"
                     r"\s+EXECUTED\s+MAX_CONC\s*$", re.MULTILINE)
_QUEUE = re.compile(r"^(?P<name>\S+)\s+(?P<flags>\S+)\s+(?P<active>\d+)/(?P<max>\d+)"
                    r"\s+(?P<pending>\d+)\s+(?P<running>\d+)\s+(?P<queued>\d+)"
                    r"\s+(?P<executed>\d+)\s+(?P<maxconc>\d+)\s*$", re.MULTILINE)
_POOL = re.compile(r"^pool (?P<pool>\d+H?) \((?P<cls>NORMAL|FIFO 1)\): (?P<workers>\d+) workers, "
                   r"(?P<idle>\d+) idle, (?P<running>\d+) running, (?P<busy>\d+) busy "
                   r"\(max (?P<maxbusy>\d+)\)", re.MULTILINE)
_BH_POOL = re.compile(r"^pool (?P<pool>\d+H?) BH \(tasklet \S+, (?P<softirq>\w+)\)",
                      re.MULTILINE)
_DEMO_SLEEPER = re.compile(r"^\s+(kworker/0:\d+)\s+sleeping\s+wq_demo_sleep \(events\)\s*$",
                           re.MULTILINE)
_KWORKER = re.compile(r"^\s*\d+\s+(?P<name>kworker/0:\d+H?)\s+(?P<state>\w+)\s+"
                      r"(?P<cpu>\d+)\s+(?P<cls>NORMAL|FIFO)\s+(?P<prio>\d+)\s", re.MULTILINE)


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _wq(sh):
    text = kstats.command(sh, "wq")
    assert _HEADER.search(text), f"'wq' printed no WORKQUEUE header:\n{text}"
    queues = {q["name"]: q for q in _QUEUE.finditer(text)}
    pools = {p["pool"]: p for p in _POOL.finditer(text)}
    return queues, pools, text


def test_wq_lists_system_queues_and_pools(m):
    """wq: the four system queues with their flags and nothing in flight;
    for every CPU (two here: SCENARIO_SMP), a NORMAL and a FIFO 1 pool
    with two idle workers each and two BH pools, on TASKLET_SOFTIRQ and
    HI_SOFTIRQ."""
    queues, pools, text = _wq(_shell(m))
    for name, flags in SYSTEM_QUEUES.items():
        assert name in queues, f"'wq' does not list {name}:\n{text}"
        q = queues[name]
        assert q["flags"] == flags, f"{name} should have flags {flags}:\n{text}"
        assert q["active"] == "0" and q["pending"] == "0" and q["running"] == "0", \
            f"{name} should be idle at boot:\n{text}"
    assert pools.get("0") and pools["0"]["cls"] == "NORMAL", f"no NORMAL pool 0:\n{text}"
    assert pools.get("0H") and pools["0H"]["cls"] == "FIFO 1", f"no FIFO pool 0H:\n{text}"
    for p in pools.values():
        assert p["workers"] == "2" and p["idle"] == "2", \
            f"pool {p['pool']} should start with 2 idle workers:\n{text}"
    cpus = sorted({p["pool"].rstrip("H") for p in pools.values()})
    assert len(cpus) >= 2, f"'wq' should show the pools of both CPUs:\n{text}"
    bh = {b["pool"]: b["softirq"] for b in _BH_POOL.finditer(text)}
    want = {}
    for cpu in cpus:
        want[cpu], want[cpu + "H"] = "TASKLET_SOFTIRQ", "HI_SOFTIRQ"
    assert bh == want, \
        f"each CPU's BH pools should run on TASKLET_SOFTIRQ and HI_SOFTIRQ:\n{text}"


def test_ps_shows_kworkers_with_class_and_priority(m):
    """ps: kworker/0:0 and kworker/0:1 are NORMAL 0, kworker/0:0H and
    kworker/0:1H are FIFO 1, all asleep until work comes."""
    text = kstats.command(_shell(m), "ps")
    rows = {r["name"]: r for r in _KWORKER.finditer(text)}
    for name, cls, prio in (("kworker/0:0", "NORMAL", "0"), ("kworker/0:1", "NORMAL", "0"),
                            ("kworker/0:0H", "FIFO", "1"), ("kworker/0:1H", "FIFO", "1")):
        assert name in rows, f"'ps' does not list {name}:\n{text}"
        r = rows[name]
        assert (r["cls"], r["prio"]) == (cls, prio), f"{name} should be {cls} {prio}:\n{text}"
        assert r["state"] == "sleeping", f"an idle {name} sleeps:\n{text}"


def test_wq_demo_sleeping_items_run_side_by_side(m):
    """wq demo queues three items that each sleep 2 s: concurrency
    management gives each its own worker (three sleeping at once, MAX_CONC
    3), all three finish, and the surplus idle workers exit again."""
    sh = _shell(m)
    out = kstats.command(sh, "wq demo")
    assert out.strip() == "queued 3 of 3 items on events (each sleeps 2000 ms)", \
        f"'wq demo' printed:\n{out}"

    last = [""]

    def three_asleep():
        _, pools, text = _wq(sh)
        last[0] = text
        return text if len(_DEMO_SLEEPER.findall(text)) == 3 else None

    text = kstats.poll(three_asleep, DEMO_TIMEOUT, 0.2, lambda: (
        f"'wq' never showed three workers sleeping in wq_demo_sleep:\n{last[0]}"))
    sleepers = set(_DEMO_SLEEPER.findall(text))
    assert len(sleepers) == 3, f"the three items should sleep on three workers:\n{text}"

    def all_done():
        queues, pools, text = _wq(sh)
        last[0] = text
        ev = queues["events"]
        return ev if ev["executed"] == ev["queued"] and ev["running"] == "0" else None

    ev = kstats.poll(all_done, DEMO_TIMEOUT, 0.2, lambda: (
        f"the demo items did not all finish:\n{last[0]}"))
    assert int(ev["maxconc"]) >= 3, f"MAX_CONC should be at least 3:\n{last[0]}"

    def shrunk():
        _, pools, text = _wq(sh)
        last[0] = text
        return pools["0"] if pools["0"]["workers"] == "2" else None

    kstats.poll(shrunk, SHRINK_TIMEOUT, 0.5, lambda: (
        f"surplus idle workers did not exit:\n{last[0]}"))
