#!/usr/bin/env bash
# The gpg anchor for re-encryption: every clusters/*/*-key.pem.asc under DIR decrypted with the
# bot's key and encrypted again to the fingerprints listed in RECIPIENTS, the way a careful script
# would: --decrypt-files and --encrypt-files take many files per process, one process per core.
# usage: reencrypt-with-gpg.sh DIR GNUPGHOME RECIPIENTS [KEY_FILE...]
# KEY_FILEs (the public keys and the bot's secret key) are imported first: a fresh GNUPGHOME, cold.
# gpg writes the clear keys to disk between the two steps (a real run would use a tmpfs).
set -euo pipefail
cd "$1"
export GNUPGHOME="$2"
recipients=$(sed 's/^/--recipient /' "$3")
shift 3
jobs=$(nproc)
if (($# > 0)); then gpg --batch --quiet --import "$@"; fi

encrypted=(clusters/*/*-key.pem.asc)
per_process=$(((${#encrypted[@]} + jobs - 1) / jobs))
printf '%s\0' "${encrypted[@]}" |
  xargs -0 -P "$jobs" -n "$per_process" gpg --batch --quiet --yes --decrypt-files
# $recipients unquoted: one word per option and per fingerprint
printf '%s\0' "${encrypted[@]%.asc}" |
  xargs -0 -P "$jobs" -n "$per_process" \
    gpg --batch --quiet --yes --trust-model always --armor $recipients --encrypt-files
