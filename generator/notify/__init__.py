"""`handbook notify`: tell the team's Slack channels what changed in the handbook, exactly once.

Pipeline: settings (handbook.yml) → the handbook now and the state as last announced → events (pure)
→ messages (pure Block Kit, untrusted text kept as text) → delivery (slack-sdk, retry budget) → state.
"""
