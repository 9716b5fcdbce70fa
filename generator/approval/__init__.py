"""Review and approval (审核, 审批) before anything is published (先审后公开).

- ``approved``: the content the last approval signed for, and what changed since, entry by entry.
- ``fingerprints``: what each audience sees, as full SHA-256 prints (per file and whole).
- ``log``: ``content/approvals.yml``, the chained record of every review and approval.
- ``state``: where one audience's content stands, and what a new record may say.
- ``wording``: what check, build, review, approve and publish tell people about it.
- ``form``: the 党务公开审批表, the paper form that is signed and filed.

The publish gate itself belongs to the release root: ``generator.site.gate``.
"""
