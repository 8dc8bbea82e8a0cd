# Shared by scripts/engines/*.sh (sourced, not run): `log` prefixed with the calling
# script's name, and `apt_install`, which installs from Debian only what is missing.

log() { echo "$(basename "$0"): $*" >&2; }

apt_install() { # packages… — installs those that are missing, one apt call
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  local start=$SECONDS
  # An update only when the lists are absent (a fresh machine) or the install fails on them.
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then apt-get update -qq; fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  log "installed ${missing[*]} in $((SECONDS - start)) s"
}
