"""What the chanleak command's test scripts share: PASS/FAIL lines that
collect failures, and running the command."""
import subprocess

failures = []


def check(cond, what):
    print(("PASS " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(chanleak, *args, timeout=60):
    return subprocess.run([chanleak, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def summary():
    """Prints the count of failures; the exit status for main()."""
    print(f"{len(failures)} failed")
    return 1 if failures else 0
