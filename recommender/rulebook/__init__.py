"""The rules in `rules/`: the condition language, the rule types and their loading, and
the two engines that decide which conditions hold."""
