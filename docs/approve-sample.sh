#!/bin/sh
# Re-record the review and approval of the sample content (content/approvals.yml and content/approved/), for both audiences.
# Run after changing the sample content or the model; tests/test_approval.py says when it is due.
#   sh docs/approve-sample.sh            (PYTHON=.venv/bin/python sh docs/approve-sample.sh in a venv)
set -e
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
rm -rf content/approvals.yml content/approved
for audience in public party; do
  "$PYTHON" -m generator review --audience "$audience" --by "党委办 王某某" --note "已做保密审查，内容必要、准确" >/dev/null
  "$PYTHON" -m generator approve --audience "$audience" --by "党委副书记 李某某" --note "同意公开" >/dev/null
done
"$PYTHON" -m generator check >/dev/null
echo "已重新登记示例内容的审核、审批：content/approvals.yml"
