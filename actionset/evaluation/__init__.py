"""Evaluation instruments, responses, the sponsor dashboard and programme report."""
