"""Eval cases: discovery, the check engine, the agent adapter, results and verification."""
