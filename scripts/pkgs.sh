# shellcheck shell=bash
# Sourced by deps.sh and fuzz.sh: installs from Debian's archive the packages that are missing.
#   pkgs_install PREFIX PKG...   PREFIX starts the one line it prints ("deps: installing ...").
pkgs_install() {
	local prefix=$1 missing="" p
	shift
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "$prefix: installing$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086 # missing is a list of words.
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
}
