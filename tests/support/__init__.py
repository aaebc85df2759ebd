"""Helpers the tests share: answer strategies, the contract oracle, typed intake replies."""


def default_signals() -> None:
    """For a child on a pseudo-terminal: Ctrl-C as a person's terminal gives it.

    A shell that starts a job in the background without job control (CI scripts do)
    sets SIGINT to "ignore", every child inherits that, and Python then installs no
    KeyboardInterrupt: a test's Ctrl-C would hang instead of reaching the program.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
