# Sourced by test/fuzz/run.sh and test/valgrind.sh (after scripts/common.sh):
# private_install DIR copies the PostgreSQL installation under DIR and
# installs this checkout's rectify into the copy (make install DESTDIR=DIR),
# then sets BIN to the copy's bin directory.  Long runs use it so they
# never touch the system-wide install nor hold /tmp/rectify-install.lock.
# The bin directory is copied, not linked: PostgreSQL finds share/ and lib/
# relative to its binary with symlinks resolved.
private_install() {
	local dir=$1
	mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql" &&
	cp -a "/usr/lib/postgresql/$PG_MAJOR" "$dir/usr/lib/postgresql/" &&
	cp -a "/usr/share/postgresql/$PG_MAJOR" "$dir/usr/share/postgresql/" || return 1
	# another checkout's install scripts must not linger in the copy
	rm -f "$dir/usr/share/postgresql/$PG_MAJOR"/extension/rectify--*.sql
	make -s PG_CONFIG="$PG_CONFIG" >/dev/null &&
	make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dir" >/dev/null || return 1
	BIN=$dir/usr/lib/postgresql/$PG_MAJOR/bin
}
