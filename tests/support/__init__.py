"""Test doubles shared by the scenario tests, the black-box test and the benchmark: a fake Slack, signing."""
