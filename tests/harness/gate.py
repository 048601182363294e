"""A gate for test jobs that share the machine (see Gate)."""

import threading


class Gate:
    """Jobs share the machine; an `alone` job waits until the others are
    done and keeps new ones out meanwhile (it is waited for first)."""

    def __init__(self):
        self.cond = threading.Condition()
        self.running = 0
        self.alone_waiting = 0
        self.alone_running = False

    def enter(self, alone):
        with self.cond:
            if alone:
                self.alone_waiting += 1
                self.cond.wait_for(lambda: self.running == 0 and not self.alone_running)
                self.alone_waiting -= 1
                self.alone_running = True
            else:
                self.cond.wait_for(lambda: not self.alone_running and not self.alone_waiting)
                self.running += 1

    def leave(self, alone):
        with self.cond:
            if alone:
                self.alone_running = False
            else:
                self.running -= 1
            self.cond.notify_all()
