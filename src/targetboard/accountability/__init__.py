"""Accountability rules, pure: ledger state machines and deadline lights, assessment schemes and scoring.

No database here: the services read ledger entries, targets, observations and reports, hand plain
records to these functions, and store (and snapshot) what comes back. Rules are data:
``ledger_kinds.toml`` holds each ledger kind's states and transitions, a scheme is a TOML file.

=============  ==========================================================================
module         one job
=============  ==========================================================================
``ledger``     ledger kinds, legal transitions, 红黄灯 (deadline lights)
``scheme``     load and validate an assessment scheme (考核方案) with clear errors
``scoring``    run a scheme for a period: scores, league table, movement, a trace per point
=============  ==========================================================================
"""
