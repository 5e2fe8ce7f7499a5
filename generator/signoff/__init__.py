"""Sign-offs from pull-request approvals.

Pipeline: policy (read from the base branch) → facts (GitHub, at the edge) → engine (pure verdict)
→ report (comment, job summary, JSON) → publish (status, comment) or collect (ledger).
"""
