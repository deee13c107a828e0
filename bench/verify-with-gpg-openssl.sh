#!/usr/bin/env bash
# The anchor for `kaws verify`: the same cryptographic checks written as a careful shell script
# would do them with gpg and openssl, batched wherever the tool allows, one process per core.
# usage: verify-with-gpg-openssl.sh REPO GNUPGHOME
# A fresh (empty) GNUPGHOME is the cold run; a second run on the same one is the warm run.
set -euo pipefail
cd "$1"
export GNUPGHOME="$2"
jobs=$(nproc)

# Every admin key and the bot's, in one process: --import checks each key's self-signatures.
gpg --batch --quiet --import pubkeys/*.asc .github/kaws-bot.asc

# Who every encrypted key is encrypted to, without decrypting it: --list-only --decrypt-files takes
# many files per process. It runs without a keyring, else gpg looks every recipient up to print its
# name (about 50 ms a key file of 201 recipients); the key IDs are compared with the keyring's below.
no_keyring="$GNUPGHOME/no-keyring"
mkdir -p -m 700 "$no_keyring"
gpg --batch --with-colons --list-keys | awk -F: '$1 == "sub" && $12 ~ /e/ { print $5 }' >"$GNUPGHOME/recipients"
key_files=(clusters/*/*-key.pem.asc)
printf '%s\0' "${key_files[@]}" |
  xargs -0 -P "$jobs" -n $(((${#key_files[@]} + jobs - 1) / jobs)) \
    gpg --homedir "$no_keyring" --batch --list-only --status-fd 1 --decrypt-files 2>/dev/null |
  awk -v files="${#key_files[@]}" -v recipients="$GNUPGHOME/recipients" '
    BEGIN { while ((getline id < recipients) > 0) wanted[id] = 1 }
    $2 == "ENC_TO" { seen[$3]++ }
    END {
      for (id in wanted) if (seen[id] != files) { print id " is a recipient of " seen[id] + 0 " of " files " keys"; bad = 1 }
      for (id in seen) if (!(id in wanted)) { print id " is not the key of an admin or the bot"; bad = 1 }
      exit bad
    }'

# Each CSR's OpenPGP signature by its author: gpg verifies one detached signature per process.
printf '%s\0' clusters/*/admins/*.csr | xargs -0 -P "$jobs" -I{} gpg --batch --quiet --verify {}.asc {} 2>/dev/null

# Each CSR's own signature: openssl req reads one CSR per process.
printf '%s\0' clusters/*/admins/*.csr | xargs -0 -P "$jobs" -n 1 openssl req -verify -noout -in 2>/dev/null

# Every certificate against its cluster's CA, many per process: the master as a server (with the CA's
# own signature), the node and the admins as clients; -x509_strict as kaws is strict.
printf '%s\0' clusters/*/ | xargs -0 -P "$jobs" -I{} sh -c '
  openssl verify -x509_strict -check_ss_sig -purpose sslserver -CAfile {}ca.pem {}master.pem >/dev/null &&
  openssl verify -x509_strict -purpose sslclient -CAfile {}ca.pem {}node.pem {}admins/*.pem >/dev/null'
