"""Use-cases of the KPI register, independent of Slack: parse commands and numbers, decide permissions, store."""
