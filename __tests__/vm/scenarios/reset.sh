# Brings the machine back to its boot state before a scenario: no binfmt_misc entries, the
# filesystem unmounted and the module unloaded, qemu only in its stash (not on PATH, not in
# /usr/bin or /usr/local/bin), busybox's xz the only xz, no tool cache, none of the action's
# host-wide state. Reports what the previous scenario left behind as reset.leftover.
SCENARIO=$1
. /opt/vm/scenarios/lib.sh
left=
if grep -q '^binfmt_misc ' /proc/modules; then
  mkdir -p /tmp/binfmt-reset
  mount -t binfmt_misc binfmt_misc /tmp/binfmt-reset
  for entry in $(ls /tmp/binfmt-reset | grep -v -x -e register -e status); do
    left="$left $entry"
    echo -1 > /tmp/binfmt-reset/$entry
  done
  while grep -q ' binfmt_misc ' /proc/mounts; do umount "$(awk '$3 == "binfmt_misc" { print $2; exit }' /proc/mounts)" || break; done
  rmmod binfmt_misc || left="$left (binfmt_misc could not be unloaded)"
fi
[ -d $QEMU_STASH ] || mv /root/.qemu-hidden $QEMU_STASH
rm -f /usr/bin/qemu-* /usr/local/bin/qemu-* /usr/local/bin/xz
rm -rf /tmp/work /tmp/tool-cache* /srv/releases/vm-tampered
# the action's host-wide state (root's ledger, interpreter store and cache): a machine boots without any
rm -rf /var/lib/setup-x86-on-arm /var/cache/setup-x86-on-arm
result reset.leftover "${left# }"
