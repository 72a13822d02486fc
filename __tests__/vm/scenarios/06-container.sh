# The container path: Debian's arm64 docker.io in the machine (vfs storage, no bridge, no
# iptables; DOCKER_RAMDISK because runc cannot pivot_root out of an initramfs), an amd64 busybox
# image loaded as busybox:stable (the action's default check image; no registry is reachable).
# Before: the amd64 container fails; the action with verify: container and platforms amd64,386
# registers x86_64 and i386 (F) and runs its container check with its own probe images (no
# registry; reported as main.container; each docker run costs several seconds here); the engine
# holds the same images and containers after main and after post as before; after post the amd64
# container fails again.
. /opt/vm/scenarios/lib.sh
qemu_on_machine
start_dockerd
for i in $(seq 1 120); do docker version > /dev/null 2>&1 && break; sleep 0.5; done
result dockerd.seconds "$(since "$dockerd_t0")"
result dockerd.version "$(docker version --format '{{.Server.Version}}' 2>&1)"
result image.load "$(docker load -i /opt/images/busybox-amd64.tar 2>&1)"
result image.platform "$(docker image inspect --format '{{.Os}}/{{.Architecture}}' busybox:stable 2>&1)"

container() { docker run --rm --network none --platform linux/amd64 busybox:stable uname -m 2>&1; }
record_binfmt before
result before.container "$(container)"

# what the engine holds: the action's probe images and containers must not stay
engine() { echo "images: $(docker images -a -q | sort | tr '\n' ' ')containers: $(docker ps -a -q | sort | tr '\n' ' ')"; }
result before.engine "$(engine)"
step main --input verify=container --input platforms=amd64,386
result main.container "$(grep 'container check' "$WORK/main.log")"
record_binfmt during
result during.engine "$(engine)"

step post
record_binfmt after
result after.container "$(container)"
result after.engine "$(engine)"

kill $dockerd_pid
wait $dockerd_pid
sed 's/^/dockerd| /' "$WORK/dockerd.log" | tail -n 40
