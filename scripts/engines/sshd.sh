#!/usr/bin/env bash
# A private sshd on 127.0.0.1 for renn's ssh runtime tests, from Debian's openssh-server:
# installs it when missing, writes its own host key, a client key pair, authorized_keys,
# known_hosts, an sshd_config and a client ssh_config, starts /usr/sbin/sshd as root with
# that config (no systemd here), waits until it accepts the client; `stop` stops it by
# its pid file. /etc/ssh and ~/.ssh are never read or written: the daemon gets `-f`, the
# client `-F` (with -F, ssh reads no other config and creates no ~/.ssh).
#   keys, configs, pid file, log:  ${RENN_ENGINES_CACHE:-~/.cache/renn-tools/engines}/sshd
#   port:                          RENN_SSHD_PORT (default 2222), on 127.0.0.1 only
# The hosts `127.0.0.1` and `localhost` both reach it (two names, one daemon: a pool of
# two hosts for the tests), as the current user, with the client key only.
#   scripts/engines/sshd.sh setup   install (when missing), keys and configs
#   scripts/engines/sshd.sh start   setup, then start the daemon and wait until it answers
#   scripts/engines/sshd.sh stop    SIGTERM by its pid file, waits for it to exit
#   scripts/engines/sshd.sh check   start, then a command over ssh to each host name
#   scripts/engines/sshd.sh status  running or not
#   scripts/engines/sshd.sh env     prints `export RENN_SSH_CONFIG=…` (eval "$(… env)"):
#                                   `ssh -F "$RENN_SSH_CONFIG" 127.0.0.1 …`
set -euo pipefail

CACHE="${RENN_ENGINES_CACHE:-$HOME/.cache/renn-tools/engines}/sshd"
PORT="${RENN_SSHD_PORT:-2222}"
SSHD=/usr/sbin/sshd
CONF="$CACHE/sshd_config"
CLIENT="$CACHE/ssh_config"
PIDFILE="$CACHE/sshd.pid"
LOG="$CACHE/sshd.log"
USER_NAME="$(id -un)"

# log, apt_install
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# alive — the pid in the pid file is a running sshd (not a recycled pid, not a zombie).
alive() {
  local pid; [[ -s $PIDFILE ]] || return 1
  pid=$(cat "$PIDFILE")
  [[ -r /proc/$pid/comm && $(cat "/proc/$pid/comm") == sshd* ]] || return 1
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

# write_if_changed FILE TEXT — writes TEXT (plus a newline) when FILE holds something else.
write_if_changed() {
  [[ -f $1 && $(cat "$1") == "$2" ]] && return 0
  echo "$2" > "$1"; log "wrote $1"
}

# key FILE COMMENT — an ed25519 key pair without a passphrase, made once.
key() {
  [[ -s $1 && -s $1.pub ]] && return 0
  rm -f "$1" "$1.pub"
  ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$1"
  log "made $1"
}

setup() {
  apt_install openssh-server
  mkdir -p "$CACHE"; chmod 700 "$CACHE"
  key "$CACHE/host_key" "renn-test-sshd-host"
  key "$CACHE/client_key" "renn-test-client"
  write_if_changed "$CACHE/authorized_keys" "$(cat "$CACHE/client_key.pub")"
  write_if_changed "$CACHE/known_hosts" "[127.0.0.1]:$PORT,[localhost]:$PORT $(cut -d' ' -f1,2 "$CACHE/host_key.pub")"
  chmod 600 "$CACHE/authorized_keys" "$CACHE/known_hosts"
  # StrictModes no: the key files live where RENN_ENGINES_CACHE says, which may sit
  # under a world-writable directory (/tmp) that StrictModes would refuse. The daemon
  # listens on 127.0.0.1 only and lets in one user with one key: the one made above.
  # MaxStartups: a stage opens several connections at once (jobs, cancels, listings).
  write_if_changed "$CONF" "$(cat <<CONF
# Written by scripts/engines/sshd.sh — a private sshd on 127.0.0.1 for renn's tests.
ListenAddress 127.0.0.1
Port $PORT
HostKey $CACHE/host_key
PidFile $PIDFILE
AuthorizedKeysFile $CACHE/authorized_keys
AllowUsers $USER_NAME
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowAgentForwarding no
AllowTcpForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
MaxStartups 64:30:128
LogLevel VERBOSE
CONF
)"
  write_if_changed "$CLIENT" "$(cat <<CONF
# Written by scripts/engines/sshd.sh — the client side: ssh -F $CLIENT 127.0.0.1 (or localhost).
Host 127.0.0.1 localhost
  Port $PORT
  User $USER_NAME
  AddressFamily inet
  IdentityFile $CACHE/client_key
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $CACHE/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  CheckHostIP no
  UpdateHostKeys no
  BatchMode yes
  ConnectTimeout 10
  LogLevel ERROR
CONF
)"
}

start() {
  local start=$SECONDS
  setup
  if ! alive; then
    mkdir -p /run/sshd; chmod 755 /run/sshd   # the privilege separation directory
    "$SSHD" -t -f "$CONF"
    "$SSHD" -f "$CONF" -E "$LOG"
    log "sshd started on 127.0.0.1:$PORT"
  fi
  local deadline=$((SECONDS + ${RENN_SSHD_WAIT:-20}))
  until ssh -F "$CLIENT" 127.0.0.1 true </dev/null 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "sshd on 127.0.0.1:$PORT does not let the client in after ${RENN_SSHD_WAIT:-20} s; log $LOG"
      tail -n 15 "$LOG" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  log "sshd on 127.0.0.1:$PORT (pid $(cat "$PIDFILE")) ready in $((SECONDS - start)) s — eval \"\$($0 env)\""
}

# Stops the listening daemon; sessions still open end with their commands.
stop() {
  local pid
  alive || { rm -f "$PIDFILE"; return 0; }
  pid=$(cat "$PIDFILE"); kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do alive || { rm -f "$PIDFILE"; log "stopped"; return 0; }; sleep 0.1; done
  log "sshd (pid $pid) ignored SIGTERM for 10 s: SIGKILL"; kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

check() {
  start
  echo "sshd:   $("$SSHD" -V 2>&1 | head -n1)"
  local t0 host
  for host in 127.0.0.1 localhost; do
    t0=$(date +%s%3N)
    echo "$host: $(ssh -F "$CLIENT" "$host" 'echo "$(id -un) via $SSH_CONNECTION"' </dev/null) ($(( $(date +%s%3N) - t0 )) ms)"
  done
}

case "${1:-}" in
  setup)  setup ;;
  start)  start ;;
  stop)   stop ;;
  check)  check ;;
  status) if alive; then echo "sshd: running (pid $(cat "$PIDFILE"), 127.0.0.1:$PORT)"; else echo "sshd: stopped"; fi ;;
  env)    echo "export RENN_SSH_CONFIG='$CLIENT'" ;;
  *) echo "usage: $0 setup|start|stop|check|status|env" >&2; exit 2 ;;
esac
