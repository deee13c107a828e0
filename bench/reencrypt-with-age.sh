#!/usr/bin/env bash
# The age anchor for re-encryption: every clusters/*/*-key.pem.age under DIR decrypted with the
# bot's IDENTITY and encrypted again to the recipients in RECIPIENTS, into *-key.pem.age.new. age
# takes one file per process, so each file is a pipe of two; one loop per core, as a careful script
# would. The clear keys stay in the pipe.
# usage: reencrypt-with-age.sh DIR IDENTITY RECIPIENTS
set -euo pipefail
cd "$1"
export IDENTITY="$2" RECIPIENTS="$3"
jobs=$(nproc)
encrypted=(clusters/*/*-key.pem.age)
printf '%s\0' "${encrypted[@]}" |
  xargs -0 -P "$jobs" -n $(((${#encrypted[@]} + jobs - 1) / jobs)) bash -c '
    set -euo pipefail
    for file; do
      age --decrypt -i "$IDENTITY" "$file" | age --encrypt --armor -R "$RECIPIENTS" -o "$file.new"
    done' loop
