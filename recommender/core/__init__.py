"""The domain's types and fixed words: answers, exercises, errors, the safety net.

Nothing here reads a file or the environment; every other layer builds on it.
"""
