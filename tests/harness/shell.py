"""Shell: drive Interlude's serial shell the way a person at a terminal would.

    sh = Shell(m)
    sh.wait_prompt()
    out = sh.run("uptime")         # "up 1.234567 s, 123 jiffies, HZ=100"

Contract with the kernel: the prompt is "interlude> " (no newline after
it), typed lines end with "\\r", and the shell echoes what it receives.
Never sleep to wait for the shell: wait for the prompt with a timeout.
"""

import re

PROMPT = "interlude> "


class Shell:
    def __init__(self, machine, port=1, prompt=PROMPT):
        self.machine = machine
        self.port = machine.port(port)
        # re.escape() also escapes the space, which reads badly in messages.
        self.prompt_re = re.compile(re.escape(prompt).replace("\\ ", " "))

    def wait_prompt(self, timeout=30.0):
        """Wait for the next prompt; return the text printed before it."""
        start = self.port.cursor
        m = self.port.expect(self.prompt_re, timeout)
        return self.port.output_since(start)[:m.start() - start]

    def type(self, data):
        """Send raw keystrokes (str or bytes); nothing is added."""
        self.port.send(data)

    def run(self, command, timeout=10.0):
        """Type `command` + Enter, wait for the prompt to come back and
        return what the command printed (its echoed line removed)."""
        self.type(command + "\r")
        text = self.wait_prompt(timeout)
        # The first line is the shell echoing what we typed.
        _, _, output = text.partition("\n")
        return output

    def expect(self, pattern, timeout=10.0):
        """Wait for a regex on this shell's port; return the match."""
        return self.port.expect(pattern, timeout)
