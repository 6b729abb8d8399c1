#!/usr/bin/env python3
"""Drive an interactive shell in a jail through a pseudo-terminal.

usage: pty-session.py JAIL ROOT

Checks, on a real terminal: the shell sees itself as PID 2, the window
size and its changes reach it, Ctrl-C interrupts the jailed program and
not the shell, job control works, TIOCSTI is refused, and the shell's
exit status comes back.
Exits 0 when all hold; prints what went wrong otherwise.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Session:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(argv[0], argv)
        self.buf = b""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, what, timeout=10.0):
        end = time.monotonic() + timeout
        while what.encode() not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("expected %r, got %r" % (what, self.buf[-400:]))
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.buf += os.read(self.fd, 4096)
                except OSError:
                    break
        if what.encode() not in self.buf:
            raise AssertionError("expected %r, got %r" % (what, self.buf[-400:]))
        self.buf = self.buf[self.buf.index(what.encode()) + len(what):]


def main():
    jail, root = sys.argv[1], sys.argv[2]
    s = Session([jail, root, "h", "/bin/sh", "-i"])
    set_size(s.fd, 30, 100)
    try:
        s.send("echo M1-$$\n")
        s.expect("M1-2")
        s.send("stty size; echo M2\n")
        s.expect("30 100")
        set_size(s.fd, 40, 120)
        s.send("stty size; echo M3\n")
        s.expect("40 120")
        s.send("sleep 30\n")
        time.sleep(0.5)
        s.send("\x03")
        s.send("echo M4-$?\n")
        s.expect("M4-130", timeout=5)
        s.send("sleep 30 &\n")
        s.send("jobs; echo M6\n")
        s.expect("Running")
        s.send("kill %1; wait\n")
        s.expect("Terminated")
        s.send("/bin/sjprobe tiocsti 0; echo M5\n")
        s.expect("err EPERM")
        s.send("exit 7\n")
        _, status = os.waitpid(s.pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 7:
            raise AssertionError("exit status %r, expected 7" % status)
    except AssertionError as e:
        print(e)
        try:
            os.kill(s.pid, 9)
            os.waitpid(s.pid, 0)
        except OSError:
            pass
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
