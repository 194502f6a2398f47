"""Dispatch: check and compile a file, then send each request exactly once.

Nothing is sent unless the whole file compiles, and the dispatch rules (rules.py: what only the
credentials tell) pass. sender.py sends, journal.py remembers every send, transport.py is the
HTTP, answers/ reads each broker's answers, credentials.py and address.py check what dispatch is
given, render.py shows the plan and the results.
"""
