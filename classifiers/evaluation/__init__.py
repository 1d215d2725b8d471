"""Evaluation of a trained model: the `moderation evaluate` stages, metrics, test suites and report."""
