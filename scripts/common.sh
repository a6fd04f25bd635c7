# Shared by scripts/demo.sh and scripts/test.sh: find PostgreSQL 15, install
# what is missing from Debian's packages, and run server programs as an
# unprivileged user (PostgreSQL refuses to run as root).

PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config

# ensure_packages [PACKAGE...]: the build's packages and the ones named.
ensure_packages() {
	local need=() p
	for p in postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR \
	         postgresql-$PG_MAJOR-cron libipc-run-perl make gcc "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
			|| need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] && return 0
	echo "== installing Debian packages: ${need[*]}"
	local sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

build_and_install() {
	local sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "== building rectify"
	make -s PG_CONFIG="$PG_CONFIG" >/dev/null
	# Scripts of another checkout's versions must not linger beside ours.
	$sudo rm -f "$("$PG_CONFIG" --sharedir)"/extension/rectify--*.sql
	$sudo make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
}

# as_pg CMD...: run CMD as the postgres user when we are root.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- env PATH="$PG_BINDIR:$PATH" "$@"
	else
		env PATH="$PG_BINDIR:$PATH" "$@"
	fi
}

# scratch_dir NAME: a fresh directory the server user can write.
scratch_dir() {
	local d
	d=$(mktemp -d "/tmp/rectify-$1.XXXXXX")
	[ "$(id -u)" -eq 0 ] && chown postgres: "$d"
	chmod 755 "$d"
	echo "$d"
}

PG_BINDIR=/usr/lib/postgresql/$PG_MAJOR/bin
