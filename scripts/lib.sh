# Shared helpers of the README's commands. Sourced, not run.

# need COMMAND PACKAGE...: installs the Debian packages when COMMAND is missing.
need() {
    local cmd=$1
    shift
    if command -v "$cmd" >/dev/null 2>&1; then
        return 0
    fi
    echo "basalt: installing $* (for $cmd)" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "basalt: $cmd is missing and installing it needs root: apt-get install $*" >&2
        return 1
    fi
    if [ -z "${BASALT_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        BASALT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

need_build_tools() {
    need javac openjdk-17-jdk-headless
    need mvn maven
}

# The real initiators the integration tests drive (libiscsi's tools, QEMU's iSCSI driver).
need_initiators() {
    need python3 python3
    need iscsi-test-cu libiscsi-bin
    need qemu-img qemu-utils
    # qemu's iSCSI block driver is a module of its own package
    if ! ls /usr/lib/x86_64-linux-gnu/qemu/block-iscsi.so >/dev/null 2>&1 && ! ls /usr/lib/*/qemu/block-iscsi.so >/dev/null 2>&1; then
        need __qemu_block_iscsi__ qemu-block-extra
    fi
}
