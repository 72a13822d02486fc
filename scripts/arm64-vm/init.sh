#!/usr/bin/busybox sh
# /init of the emulated arm64 machine: mounts the basics, runs the scenario scripts one after the
# other (each from the machine's boot state), prints `RESULT <scenario> <key>=<value>` lines on the
# console and powers off. binfmt_misc is neither loaded nor mounted here: the action does both
# (`modprobe binfmt_misc` finds the module through modules.dep, then it mounts the filesystem).
#
# Kernel command line: `scenarios=NAME,NAME` runs only those (file names without .sh); `slow=1`
# (SETUP_X86_VM_SLOW=1) gives each scenario 900 s more, for the corpus' slow part; `limit=SECONDS` sets
# the time each scenario may take.
/usr/bin/busybox --install -s /usr/bin
# busybox's dpkg/rpm applets would pose as a package manager the machine does not have
rm -f /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/rpm /usr/bin/rpm2cpio

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ip link set lo up
hostname arm64-vm

export PATH=/usr/local/bin:/usr/bin HOME=/root TERM=dumb LANG=C.UTF-8
cd /root

only=$(sed -n 's/.*\bscenarios=\([^ ]*\).*/\1/p' /proc/cmdline)
limit=400  # a hang guard: the longest scenario (10, Go under QEMU twice) takes about 140 s on a quiet host
grep -q '\bslow=1\b' /proc/cmdline && limit=$((limit + 900))
# `limit=SECONDS` replaces both (measure-box64.mjs: a scenario of its own that runs for long)
custom=$(sed -n 's/.*\blimit=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$custom" ] && limit=$custom
echo "RESULT vm boot.seconds=$(cut -d' ' -f1 /proc/uptime)"
echo "RESULT vm kernel=$(uname -r)"
echo "RESULT vm machine=$(uname -m)"

for script in /opt/vm/scenarios/[0-9]*.sh; do
  name=$(basename "$script" .sh)
  case ",$only," in ",,"|*",$name,"*) ;; *) continue ;; esac
  # every scenario starts from the boot state, whatever the previous one left behind
  sh /opt/vm/scenarios/reset.sh "$name"
  start=$(cut -d' ' -f1 /proc/uptime)
  set -o pipefail
  SCENARIO=$name timeout $limit sh "$script" 2>&1 | sed "/^RESULT /!s/^/LOG $name /"
  status=$?
  set +o pipefail
  echo "RESULT $name script.exit=$status"
  echo "RESULT $name script.seconds=$(awk -v a="$start" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')"
done

echo "RESULT vm done.seconds=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
