#!/usr/bin/env bash
# The steps of the chansync GitHub Action (action.yml), kept in a script so a test can run them with the runner's
# environment variables: annotations on stdout, a job summary in $GITHUB_STEP_SUMMARY, chansync's exit code.
set -uo pipefail
args=(validate -c "${CHANSYNC_CONFIG_INPUT:-channels.yaml}")
if [ "${CHANSYNC_STRICT:-false}" = "true" ]; then args+=(--strict); fi
for channel in ${CHANSYNC_CHANNELS:-}; do args+=(--channel "$channel"); done
chansync "${args[@]}" --format github
code=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### chansync validate"
    echo
    echo '```'
    chansync "${args[@]}" --format text --quiet 2>&1 | tail -n 40
    echo '```'
  } >> "$GITHUB_STEP_SUMMARY"
fi
exit "$code"
