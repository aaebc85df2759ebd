"""From answers to a result: triage, safety filters, withholding, the weekly planner,
and the rule examples run through all of them."""
