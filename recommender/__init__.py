"""backplan: explainable home-exercise plans for neck and back pain, with red-flag triage."""

__version__ = "0.1.0"
