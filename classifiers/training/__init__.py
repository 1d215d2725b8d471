"""Training: corpora, synthetic data, the heads and encoder stage, thresholds, `moderation train` and feedback."""
