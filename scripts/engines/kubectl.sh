#!/usr/bin/env bash
# Debian's kubectl (kubernetes-client 1.20, bookworm) for renn's Kubernetes tests, in
# ${RENN_ENGINES_CACHE:-~/.cache/renn-tools/engines}/kubectl: the package is fetched
# with `apt-get download` and unpacked there, so nothing on the system changes (a
# kubectl already on PATH, whatever its version, is left alone). No Kubernetes server
# runs here: the tests check manifests client-side and drive renn's adapter through a
# stand-in (tests/engines/kubectl).
#   scripts/engines/kubectl.sh setup   fetch and unpack when absent
#   scripts/engines/kubectl.sh env     prints `export RENN_REAL_KUBECTL=…`
set -euo pipefail
DIR="${RENN_ENGINES_CACHE:-$HOME/.cache/renn-tools/engines}/kubectl"
BIN="$DIR/usr/bin/kubectl"

setup() {
  if [[ -x $BIN ]] && "$BIN" version --client 2>/dev/null | grep -q 'GitVersion:"v1.20'; then return 0; fi
  local start=$SECONDS tmp
  mkdir -p "$DIR"
  tmp=$(mktemp -d)
  # apt's download user cannot write root's temp directories: fetch as root, unsandboxed.
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root kubernetes-client >/dev/null 2>&1) || {
    apt-get update -qq
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root kubernetes-client >/dev/null)
  }
  dpkg -x "$tmp"/kubernetes-client_*.deb "$DIR"
  rm -rf "$tmp"
  echo "kubectl.sh: $("$BIN" version --client --short 2>/dev/null || true) in $((SECONDS - start)) s" >&2
}

case ${1:-} in
  setup) setup ;;
  env) echo "export RENN_REAL_KUBECTL=$BIN" ;;
  *) echo "usage: $0 setup|env" >&2; exit 2 ;;
esac
