"""How many weeks a plan covers: one place for the CLI's options, the web API's
parameter and the planner's check."""

#: Weeks planned when nobody asks for another number (the safety net's review point
#: comes at week 4 or the plan's end).
DEFAULT_WEEKS = 4
#: The longest plan: a block of tracking is renewed after this at the latest, with the
#: warning signs asked again.
MAX_WEEKS = 12
