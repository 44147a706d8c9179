#!/bin/sh
# Runs the basalt package's maintainer scripts as dpkg would (install, upgrade, remove, purge)
# inside a private mount namespace whose /etc, /var/lib, /var/log and /lib/systemd/system are
# copies: the account, the data directory, the token and the unit's links are made for real,
# and the machine running the test is left as it was. Needs root and unshare (util-linux).
#
# Usage: maintainer-scripts.sh DEB WORKDIR
# Prints KEY=VALUE lines (step.what=value) for the test; anything else is the scripts' talk.
set -eu

if [ "${1:-}" != inside ]; then
    deb=$1
    work=$2
    mkdir -p "$work/ctrl" "$work/root" "$work/etc" "$work/varlib" "$work/varlog" "$work/units"
    dpkg-deb -e "$deb" "$work/ctrl"
    dpkg-deb -x "$deb" "$work/root"
    cp -a /etc/. "$work/etc/"
    cp "$work/root/lib/systemd/system/basalt.service" "$work/units/"
    exec unshare --mount --propagation private sh -eu "$0" inside "$work"
fi

w=$2
mount --bind "$w/etc" /etc
mount --bind "$w/varlib" /var/lib
mount --bind "$w/varlog" /var/log
mount --bind "$w/units" /lib/systemd/system

st() { stat -c '%U:%G:%a' "$1" 2>/dev/null || echo absent; }
has_account() { getent passwd basalt >/dev/null; }
yes_if() { if "$@"; then echo yes; else echo no; fi; }
# dpkg's environment for maintainer scripts (deb-systemd-helper refuses to run without it)
maint() {
    script=$1
    shift
    DPKG_MAINTSCRIPT_PACKAGE=basalt DPKG_MAINTSCRIPT_NAME=$script DPKG_MAINTSCRIPT_ARCH=all "$w/ctrl/$script" "$@"
}
token() { sed -n 's/^BASALT_ADMIN_TOKEN=//p' /etc/basalt/basalt.env 2>/dev/null || true; }

# install: dpkg unpacks the files (the conffile among them), then configures
mkdir -p /etc/basalt
cp "$w/root/etc/basalt/basalt.yml" /etc/basalt/basalt.yml
maint postinst configure
echo "install.account=$(getent passwd basalt | cut -d: -f1,6,7)"
echo "install.group=$(id -gn basalt)"
echo "install.system=$(yes_if test "$(id -u basalt)" -lt 1000)"
echo "install.data=$(st /var/lib/basalt)"
echo "install.env=$(st /etc/basalt/basalt.env)"
echo "install.token=$(token)"
echo "install.enabled=$(yes_if test -L /etc/systemd/system/multi-user.target.wants/basalt.service)"
# the generated token makes the packaged configuration valid, as systemd would pass it
if (set -a; . /etc/basalt/basalt.env; set +a; "$JAVA" -jar "$w/root/usr/share/basalt/basalt.jar" check /etc/basalt/basalt.yml) >"$w/check.log" 2>&1; then
    echo "install.check=ok"
else
    cat "$w/check.log" >&2
    echo "install.check=failed"
fi

# upgrade: the token stays, and volumes inside the data directory are not re-owned
touch /var/lib/basalt/segment-by-root
maint prerm upgrade 0.1.0
maint postinst configure 0.0.9
echo "upgrade.token=$(token)"
echo "upgrade.env=$(st /etc/basalt/basalt.env)"
echo "upgrade.inner=$(st /var/lib/basalt/segment-by-root)"

# remove: configuration stays, the unit is masked
maint prerm remove
maint postrm remove
echo "remove.env=$(st /etc/basalt/basalt.env)"
echo "remove.masked=$(yes_if test -L /etc/systemd/system/basalt.service)"

# purge: dpkg deletes the conffile, postrm the token; data and account stay
rm -f /etc/basalt/basalt.yml
maint postrm purge
echo "purge.env=$(st /etc/basalt/basalt.env)"
echo "purge.etc=$(st /etc/basalt)"
echo "purge.data=$(st /var/lib/basalt)"
echo "purge.account=$(yes_if has_account)"
echo "purge.masked=$(yes_if test -L /etc/systemd/system/basalt.service)"
