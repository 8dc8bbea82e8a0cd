#!/usr/bin/env bash
# Real podman containers for renn's tests: installs Debian's podman + runc when missing,
# writes a private containers.conf/storage.conf (nothing under /etc is edited) and builds
# the local agent image (there is no image registry here: the image is a debootstrapped
# Debian root filesystem holding bash, coreutils, git and ca-certificates, imported with
# `podman import`). Everything outside the repository lives under
# ${RENN_ENGINES_CACHE:-~/.cache/renn-tools/engines}/podman. Safe to run again; fast when warm.
#   scripts/engines/podman.sh setup   install (when missing), config, image (when absent)
#   scripts/engines/podman.sh check   versions + `podman run --network none IMAGE git --version`
#   scripts/engines/podman.sh env     prints `export CONTAINERS_CONF=… CONTAINERS_STORAGE_CONF=…`
#                                     (use: eval "$(scripts/engines/podman.sh env)")
#   scripts/engines/podman.sh clean   removes the image, the private storage and the rootfs cache
#
# Why each setting (measured on this machine kind, root, no systemd, cgroup v1 hybrid):
#   runtime = "runc"        crun fails to set up cgroups in v1-hybrid mode.
#   default_ulimits = []    podman otherwise raises RLIMIT_NOFILE (rlimit type 7) above the
#                           hard limit, which needs CAP_SYS_RESOURCE — absent from this
#                           sandbox's bounding set ("error setting rlimit type 7: operation
#                           not permitted").
#   cgroup_manager = "cgroupfs"  no systemd here.
#   netns = "none"          containers get no network unless asked: renn's git remote is a
#                           bare repository mounted by path, agents talk to 127.0.0.1 only.
set -euo pipefail

CACHE="${RENN_ENGINES_CACHE:-$HOME/.cache/renn-tools/engines}/podman"
IMAGE="${RENN_AGENT_IMAGE:-localhost/renn-agent:1}"
SUITE="${RENN_AGENT_SUITE:-bookworm}"
CONF="$CACHE/containers.conf"
SCONF="$CACHE/storage.conf"
ROOTFS_TAR="$CACHE/rootfs-$SUITE.tar"

export CONTAINERS_CONF="$CONF" CONTAINERS_STORAGE_CONF="$SCONF"

# log, apt_install
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The mirror apt already uses (so debootstrap reaches what apt reaches); empty = debootstrap's default.
apt_mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1)
  [[ -n $m ]] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
                      awk '{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' | grep -v security | head -n1)
  echo "$m"
}

write_config() {
  mkdir -p "$CACHE/storage" "$CACHE/run" "$CACHE/tmp" "$CACHE/cni"
  # runroot/tmp_dir must not outlive a reboot (stale "running" containers otherwise); /run is
  # not a tmpfs here, so they are wiped when the boot id changes.
  local boot; boot=$(cat /proc/sys/kernel/random/boot_id)
  if [[ -f $CACHE/boot_id && $(cat "$CACHE/boot_id") != "$boot" ]]; then
    log "new boot: clearing stale run state"
    rm -rf "${CACHE:?}/run" "${CACHE:?}/tmp"; mkdir -p "$CACHE/run" "$CACHE/tmp"
  fi
  echo "$boot" > "$CACHE/boot_id"
  local want
  want=$(cat <<CONF
# Written by scripts/engines/podman.sh — renn's private podman configuration.
[containers]
default_ulimits = []
netns = "none"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$CACHE/events.log"
tmp_dir = "$CACHE/tmp"

[network]
network_config_dir = "$CACHE/cni"
CONF
)
  [[ -f $CONF && $(cat "$CONF") == "$want" ]] || { echo "$want" > "$CONF"; log "wrote $CONF"; }
  want=$(cat <<CONF
# Written by scripts/engines/podman.sh — renn's private image/container storage.
[storage]
driver = "overlay"
graphroot = "$CACHE/storage"
runroot = "$CACHE/run"
CONF
)
  [[ -f $SCONF && $(cat "$SCONF") == "$want" ]] || { echo "$want" > "$SCONF"; log "wrote $SCONF"; }
}

build_rootfs() {
  [[ -s $ROOTFS_TAR ]] && return 0
  apt_install debootstrap debian-archive-keyring   # the keyring: debootstrap checks the Release signature
  local dir="$CACHE/rootfs-$SUITE.tmp" mirror start=$SECONDS
  mirror=$(apt_mirror)
  rm -rf "$dir"
  log "debootstrap --variant=minbase $SUITE (+git, ca-certificates)${mirror:+ from the apt mirror}"
  if ! debootstrap --variant=minbase --include=git,ca-certificates "$SUITE" "$dir" $mirror \
       > "$CACHE/debootstrap.log" 2>&1; then
    tail -n 20 "$CACHE/debootstrap.log" >&2
    log "debootstrap failed (log: $CACHE/debootstrap.log)"; return 1
  fi
  # Slim: package caches and lists, docs, man pages, locales.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* \
         "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/usr/share/info/*
  # A bare remote mounted from the host may belong to another uid: git must not refuse it.
  # A default identity so a scripted agent's commit never stops on "Please tell me who you are".
  cat > "$dir/etc/gitconfig" <<'GIT'
[safe]
	directory = *
[user]
	name = renn agent
	email = agent@renn.invalid
[init]
	defaultBranch = main
GIT
  tar -C "$dir" -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir"
  log "root filesystem $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1)) in $((SECONDS - start)) s"
}

build_image() {
  if podman image exists "$IMAGE"; then return 0; fi
  build_rootfs
  local start=$SECONDS
  podman import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV HOME=/root' \
    --change 'WORKDIR /root' \
    --change 'CMD ["/bin/bash"]' \
    "$ROOTFS_TAR" "$IMAGE" >/dev/null
  log "imported $IMAGE in $((SECONDS - start)) s"
}

setup() {
  local start=$SECONDS
  apt_install podman runc
  write_config
  build_image
  log "ready in $((SECONDS - start)) s: $IMAGE (eval \"\$($0 env)\" to use this podman configuration)"
}

check() {
  setup
  echo "podman:  $(podman --version)"
  echo "runc:    $(runc --version | head -n1)"
  echo "conmon:  $(conmon --version | head -n1)"
  echo "runtime: $(podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}, cgroups {{.Host.CgroupsVersion}} ({{.Host.CgroupManager}}), storage {{.Store.GraphDriverName}} at {{.Store.GraphRoot}}')"
  echo "image:   $IMAGE $(podman image inspect --format '{{.Id}}' "$IMAGE" | cut -c1-12) $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
  podman run --rm --network none "$IMAGE" bash -c 'git --version'
}

case "${1:-}" in
  setup) setup ;;
  check) check ;;
  env)   echo "export CONTAINERS_CONF='$CONF' CONTAINERS_STORAGE_CONF='$SCONF'" ;;
  clean)
    if command -v podman >/dev/null && [[ -f $CONF ]]; then
      podman rm -af >/dev/null 2>&1 || true
      podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
      podman system reset -f >/dev/null 2>&1 || true
    fi
    rm -rf "${CACHE:?}" ;;
  *) echo "usage: $0 setup|check|env|clean" >&2; exit 2 ;;
esac
