"""Evaluation: the hand-labeled question set, the runner and its report."""
