#!/usr/bin/env bash
# A one-node Slurm cluster for renn's tests, from Debian's packages (slurm-wlm, munge):
# installs them when missing, writes a private slurm.conf and munge key, starts munged,
# slurmctld and slurmd as root, waits until the node is idle; `stop` shuts them down.
# Nothing under /etc is edited: every command needs SLURM_CONF (see `env`).
#   state, logs, key, config:  ${RENN_ENGINES_CACHE:-~/.cache/renn-tools/engines}/slurm
#   sockets and pid files:     ${RENN_SLURM_RUN:-/run/renn-slurm}  (munged refuses a socket
#                              whose directory path is not world-executable, and /root is 0700)
# All traffic is on 127.0.0.1: the node and the controller are addressed as 127.0.0.1.
#   scripts/engines/slurm.sh start   install (when missing), configure, start, wait for idle
#   scripts/engines/slurm.sh stop    scontrol shutdown + munged --stop, waits for the processes
#   scripts/engines/slurm.sh check   start, then `srun -N1 hostname` and an `sbatch --wait` job
#   scripts/engines/slurm.sh status  daemons and sinfo
#   scripts/engines/slurm.sh env     prints `export SLURM_CONF=…` (eval "$(… env)")
# Ports: RENN_SLURM_PORT (default 6817) for slurmctld, +1 for slurmd.
set -euo pipefail

CACHE="${RENN_ENGINES_CACHE:-$HOME/.cache/renn-tools/engines}/slurm"
RUN="${RENN_SLURM_RUN:-/run/renn-slurm}"
PORT="${RENN_SLURM_PORT:-6817}"
NODE="$(hostname -s)"
CPUS="${RENN_SLURM_CPUS:-$(nproc)}"
export SLURM_CONF="$CACHE/slurm.conf"
SOCK="$RUN/munge.socket"

# log, apt_install
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# alive PIDFILE — the pid in it runs the daemon the file is named after (not a recycled pid).
alive() {
  local pid name; [[ -s $1 ]] || return 1
  pid=$(cat "$1"); name=$(basename "$1" .pid)
  [[ -r /proc/$pid/comm && $(cat "/proc/$pid/comm") == "$name"* ]] || return 1
  # A zombie (exited, not yet reaped by pid 1) counts as gone.
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

configure() {
  mkdir -p "$CACHE/munge" "$CACHE/state" "$CACHE/spool" "$CACHE/log" "$RUN"
  chmod 700 "$CACHE/munge"; chmod 755 "$RUN"
  if [[ ! -s $CACHE/munge/munge.key ]]; then
    head -c 1024 /dev/urandom > "$CACHE/munge/munge.key.tmp"
    chmod 400 "$CACHE/munge/munge.key.tmp"; mv "$CACHE/munge/munge.key.tmp" "$CACHE/munge/munge.key"
  fi
  local want
  want=$(cat <<CONF
# Written by scripts/engines/slurm.sh — a one-node cluster for renn's tests.
ClusterName=renn
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCK
CredType=cred/munge
StateSaveLocation=$CACHE/state
SlurmdSpoolDir=$CACHE/spool
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$CACHE/log/slurmctld.log
SlurmdLogFile=$CACHE/log/slurmd.log
# No systemd and cgroup v1 hybrid here: no cgroup plugins.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=60
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=renn Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)
  [[ -f $SLURM_CONF && $(cat "$SLURM_CONF") == "$want" ]] || { echo "$want" > "$SLURM_CONF"; log "wrote $SLURM_CONF"; }
}

node_state() { sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n1; }

start() {
  local start=$SECONDS
  apt_install slurm-wlm munge
  configure
  if ! alive "$RUN/munged.pid"; then
    munged --socket="$SOCK" --key-file="$CACHE/munge/munge.key" --pid-file="$RUN/munged.pid" \
           --log-file="$CACHE/log/munged.log" --seed-file="$CACHE/munge/munged.seed"
    log "munged started"
  fi
  if ! alive "$RUN/slurmctld.pid"; then
    # -c: a clean start (no jobs kept from an earlier cluster); -i: ignore stale state files.
    slurmctld -c -i
    log "slurmctld started"
  fi
  if ! alive "$RUN/slurmd.pid"; then
    slurmd -N "$NODE"
    log "slurmd started"
  fi
  local state="" deadline=$((SECONDS + ${RENN_SLURM_WAIT:-60}))
  while ((SECONDS < deadline)); do
    state=$(node_state)
    [[ $state == idle || $state == mixed || $state == allocated ]] && break
    if [[ $state == down* || $state == drain* ]]; then
      scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
    fi
    sleep 0.5
  done
  if [[ $state != idle && $state != mixed && $state != allocated ]]; then
    log "node $NODE not ready after ${RENN_SLURM_WAIT:-60} s (state '${state:-none}'); logs in $CACHE/log"
    tail -n 15 "$CACHE/log/slurmctld.log" "$CACHE/log/slurmd.log" >&2 || true
    return 1
  fi
  log "node $NODE $state ($CPUS CPUs, partition renn) in $((SECONDS - start)) s — eval \"\$($0 env)\""
}

# stop_daemon NAME — SIGTERM, up to 20 s, then SIGKILL.
stop_daemon() {
  local f="$RUN/$1.pid" pid
  alive "$f" || return 0
  pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
  for _ in $(seq 200); do alive "$f" || return 0; sleep 0.1; done
  log "$1 (pid $pid) ignored SIGTERM for 20 s: SIGKILL"; kill -9 "$pid" 2>/dev/null || true
}

# wait_gone NAME — waits up to 20 s for the daemon to exit by itself.
wait_gone() {
  for _ in $(seq 200); do alive "$RUN/$1.pid" || return 0; sleep 0.1; done
  return 1
}

stop() {
  local start=$SECONDS
  if alive "$RUN/slurmctld.pid"; then
    # Cancel what is left so a later start is clean, then shut the controller and the node down.
    scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
    scontrol shutdown >/dev/null 2>&1 || true
    wait_gone slurmctld || true
    wait_gone slurmd || true
  fi
  stop_daemon slurmctld
  stop_daemon slurmd
  stop_daemon munged
  rm -f "$RUN"/*.pid
  log "stopped in $((SECONDS - start)) s"
}

check() {
  start
  echo "slurm:  $(sinfo --version)"
  echo "munge:  $(munged --version 2>&1 | head -n1)"
  sinfo -N -o '%N %T %c %P' | sed 's/^/sinfo:  /'
  local t0 dir
  t0=$(date +%s%3N)
  echo "srun:   $(srun -N1 hostname)  ($(( $(date +%s%3N) - t0 )) ms)"
  dir=$(mktemp -d /tmp/renn-slurm-check.XXXXXX)
  t0=$(date +%s%3N)
  sbatch --wait --quiet -o "$dir/job.out" --wrap "echo written-by-job-\$SLURM_JOB_ID > $dir/result"
  echo "sbatch: $(cat "$dir/result") ($(( $(date +%s%3N) - t0 )) ms)"
  rm -rf "$dir"
}

status() {
  for d in munged slurmctld slurmd; do
    if alive "$RUN/$d.pid"; then echo "$d: running (pid $(cat "$RUN/$d.pid"))"; else echo "$d: stopped"; fi
  done
  sinfo -N -o '%N %T %c %P' 2>/dev/null || true
}

case "${1:-}" in
  start)  start ;;
  stop)   stop ;;
  check)  check ;;
  status) status ;;
  env)    echo "export SLURM_CONF='$SLURM_CONF'" ;;
  *) echo "usage: $0 start|stop|check|status|env" >&2; exit 2 ;;
esac
